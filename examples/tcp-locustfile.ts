/**
 * A non-HTTP user: a raw TCP client that reports each exchange through `events.request` (timed by
 * `events.request.measure`, as the newest Locust's), as a Locust user with a custom client does.
 * Firing the event counts the request in the stats (and on the master) like an HTTP request.
 * Point it at any line-echo server:
 *
 *   pnpm locust-ts -f examples/tcp-locustfile.ts --headless -u 5 -r 5 -t 30s --tcp-target 127.0.0.1:7000
 */
import { Socket } from 'node:net';
import { User, between, events, task } from 'locust-ts';

events.initCommandLineParser.addListener(({ parser }) => {
  parser.addArgument('--tcp-target', { default: '127.0.0.1:7000', help: 'host:port of the echo server' });
});

/** One line out, one line back; resolves with the bytes received. */
function exchange(host: string, port: number, line: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let received = 0;
    socket.setTimeout(5_000, () => socket.destroy(new Error('timed out')));
    socket.once('error', reject);
    socket.on('data', (chunk) => {
      received += chunk.length;
      if (chunk.includes(10)) socket.end();
    });
    socket.once('close', () => resolve(received));
    socket.connect(port, host, () => socket.write(`${line}\n`));
  });
}

export class TcpUser extends User {
  waitTime = between(0.5, 1);

  @task()
  async echo() {
    const [host, port] = String(this.environment.parsedOptions.tcp_target).split(':');
    // times the exchange and fires events.request (a thrown error becomes its exception)
    await events.request.measure('TCP', 'echo', async (meta) => {
      meta.responseLength = await exchange(host!, Number(port), 'ping');
    }, { context: this.context() });
  }
}
