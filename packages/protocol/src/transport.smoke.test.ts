import { describe, expect, it } from 'vitest';
import { MasterSocket, WorkerSocket } from './transport.js';
import type { CustomMessage, MasterMessage, WorkerMessage } from './messages.js';

describe('transport smoke', () => {
  it('client_ready gets an ack over real ZeroMQ', async () => {
    const master = new MasterSocket({ bindHost: '127.0.0.1', port: 0 });
    const port = await master.bind();
    const got: Array<WorkerMessage | CustomMessage> = [];
    void master.listen({
      onMessage: (m, identity) => {
        got.push(m);
        if (m.type === 'client_ready') void master.send(identity, 'ack', { index: 0 });
      },
      onBadFrame: () => undefined,
    });
    const worker = new WorkerSocket({ masterHost: '127.0.0.1', masterPort: port, clientId: 'test_0123' });
    const acked = new Promise<MasterMessage | CustomMessage>((resolve) =>
      worker.connect({ onMessage: resolve, onBadFrame: () => undefined }),
    );
    await worker.send('client_ready', '2.12.1');
    const ack = await acked;
    expect(ack).toEqual({ type: 'ack', data: { index: 0 }, nodeId: 'test_0123' });
    expect(got[0]).toEqual({ type: 'client_ready', data: '2.12.1', nodeId: 'test_0123' });
    worker.close();
    await master.close();
  });
});
