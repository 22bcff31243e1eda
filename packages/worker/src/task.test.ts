import { describe, expect, it } from 'vitest';
import { collectTasks, taskWeights, weightedTaskList } from './task.js';

describe('task collection', () => {
  it('reads static tasks as { method: weight } and as a list of names, functions and pairs', () => {
    class A {
      static tasks = { a: 3, b: 1 };
      a(): void {}
      b(): void {}
    }
    function ping(): void {}
    class B {
      static tasks = ['a', ping, [ping, 2]] as const;
      a(): void {}
    }
    expect(taskWeights(collectTasks(A))).toEqual({ a: 3, b: 1 });
    expect(taskWeights(collectTasks(B))).toEqual({ a: 1, ping: 3 });
    expect(weightedTaskList(collectTasks(A)).map((t) => t.name)).toEqual(['a', 'a', 'a', 'b']);
  });

  it('rejects unknown methods and non-integer weights with one-line reasons', () => {
    class Missing {
      static tasks = { nope: 1 };
    }
    class Fractional {
      static tasks = { a: 1.5 };
      a(): void {}
    }
    expect(() => collectTasks(Missing)).toThrow("Missing: task 'nope' is not a method of the class");
    expect(() => collectTasks(Fractional)).toThrow(/weight 1.5; a weight must be an integer >= 0/);
  });
});
