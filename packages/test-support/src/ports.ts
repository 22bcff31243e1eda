import { createServer } from 'node:net';

/** Ports this test process handed out: two calls in a row may otherwise get the same free port. */
const handedOut = new Set<number>();

function probePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A TCP port that was free a moment ago on 127.0.0.1 (tests run in parallel: never hard-code
 * ports), and never one this process was given before — a master's web and ZeroMQ ports asked
 * for one after the other must differ.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await probePort();
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
}

/** Kubernetes' default NodePort range (`--service-node-port-range`). */
const NODE_PORT_MIN = 30000;
const NODE_PORT_MAX = 32767;

/**
 * A free port inside the NodePort range, for a local server that stands behind a stand-in
 * Service's nodePort (freePort's ephemeral ports lie above the range).
 */
export async function freeNodePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = NODE_PORT_MIN + Math.floor(Math.random() * (NODE_PORT_MAX - NODE_PORT_MIN + 1));
    const free = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.unref();
      srv.on('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port in the NodePort range');
}
