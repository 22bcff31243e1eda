/**
 * How a user or task set picks its next task (Locust's `get_next_task`): tasks queued by
 * `scheduleTask` first, then weighted random (User, TaskSet), declaration order
 * (SequentialTaskSet), or the Markov chain (MarkovTaskSet).
 */
import { markovChain } from '../markov.js';
import { TASK_QUEUE, type TaskEntry, pickerKindOf } from '../task.js';

export function taskPicker(owner: object, tasks: { readonly pickList: readonly TaskEntry[] }): () => TaskEntry {
  const o = owner as { [TASK_QUEUE]?: TaskEntry[] };
  const cls = owner.constructor as { readonly name: string; prototype: object };
  const next = basePicker(cls, tasks);
  return () => {
    const queued = o[TASK_QUEUE];
    if (queued !== undefined && queued.length > 0) return queued.shift()!;
    return next();
  };
}

function basePicker(cls: { readonly name: string; prototype: object }, tasks: { readonly pickList: readonly TaskEntry[] }): () => TaskEntry {
  const kind = pickerKindOf(cls);
  if (kind === 'markov') {
    const chain = markovChain(cls);
    let current = chain.first;
    return () => {
      const name = current;
      const options = chain.next.get(name)!;
      current = options[(Math.random() * options.length) | 0] ?? name;
      return { name, weight: 1, target: { kind: 'method', method: name } };
    };
  }
  const empty = (): never => {
    throw new Error(`${cls.name} has no tasks: use @task() or static tasks`);
  };
  if (kind === 'sequential') {
    let index = 0;
    return () => {
      const list = tasks.pickList;
      if (list.length === 0) empty();
      const task = list[index % list.length]!;
      index = (index + 1) % list.length;
      return task;
    };
  }
  return () => {
    const list = tasks.pickList;
    if (list.length === 0) empty();
    return list[(Math.random() * list.length) | 0]!;
  };
}
