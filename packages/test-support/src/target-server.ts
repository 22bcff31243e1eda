/** The real target server (`@locust-ts/target-server`, Fastify) for whole runs against it. */
import type { AddressInfo } from 'node:net';
import { buildServer } from '@locust-ts/target-server';

export interface TargetServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  close(): Promise<void>;
}

/** Listen on 127.0.0.1, on a port the OS picks (never a fixed one: test files run in parallel). */
export async function startTargetServer(): Promise<TargetServer> {
  const server = buildServer();
  await server.listen({ host: '127.0.0.1', port: 0 });
  const { port } = server.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}
