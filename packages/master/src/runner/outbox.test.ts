import type { MasterSocket } from '@locust-ts/protocol';
import { describe, expect, it } from 'vitest';
import { MasterLogger } from '../log/master-logger.js';
import { Outbox } from './outbox.js';

/** A socket whose sends leave when the test says so (or fail), recording what was sent. */
function fakeSocket() {
  const sent: string[] = [];
  const pending: Array<{ resolve: () => void; reject: (err: Error) => void }> = [];
  const socket = {
    send(clientId: string, type: string) {
      sent.push(`${type}→${clientId}`);
      return new Promise<void>((resolve, reject) => pending.push({ resolve, reject }));
    },
    post(clientId: string, type: string, _data: unknown, onError: (err: Error, clientId: string, type: string) => void) {
      sent.push(`${type}→${clientId}`);
      if (clientId === 'gone') onError(new Error('host unreachable'), clientId, type);
    },
  };
  return { socket: socket as unknown as MasterSocket, sent, pending };
}

function logLines(): { log: MasterLogger; lines: string[] } {
  const lines: string[] = [];
  return { lines, log: new MasterLogger('DEBUG', { write: (t: string) => lines.push(t) }) };
}

describe('the master outbox', () => {
  it('lets quit wait until every awaited send has left, then settles', async () => {
    const { socket, pending } = fakeSocket();
    const outbox = new Outbox(socket, logLines().log);
    void outbox.send('w1', 'spawn', { timestamp: 1, user_classes_count: {}, host: null, stop_timeout: 0, parsed_options: {} });
    void outbox.send('w2', 'stop', null);
    expect(outbox.pending).toBe(2);
    let settled = false;
    const settling = outbox.settle().then(() => (settled = true));
    pending[0]!.resolve();
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    pending[1]!.resolve();
    await settling;
    expect(outbox.pending).toBe(0);
  });

  it('logs a failed send as one line and resolves, so a ramp never throws', async () => {
    const { socket, pending } = fakeSocket();
    const { log, lines } = logLines();
    const outbox = new Outbox(socket, log);
    const sending = outbox.send('w1', 'spawn', { timestamp: 1, user_classes_count: {}, host: null, stop_timeout: 0, parsed_options: {} });
    pending[0]!.reject(new Error('socket closed'));
    await expect(sending).resolves.toBeUndefined();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/\/ERROR\/locust\.runners: Error sending spawn message to worker w1: socket closed\n$/);
  });

  it('posts typed and custom messages without waiting, logging a failure', () => {
    const { socket, sent } = fakeSocket();
    const { log, lines } = logLines();
    const outbox = new Outbox(socket, log);
    outbox.post('w1', 'quit', null);
    outbox.postCustom('gone', 'my_message', { x: 1 });
    expect(sent).toEqual(['quit→w1', 'my_message→gone']);
    expect(outbox.pending).toBe(0);
    expect(lines.join('')).toMatch(/Error sending my_message message to worker gone: host unreachable/);
  });
});
