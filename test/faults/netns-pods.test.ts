/**
 * The network-namespace "pods" other multi-host tests stand on: pods reach each other by service
 * name through the bridge, and a link down or dropping every packet really cuts one off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PodNetwork } from '@locust-ts/test-support/netns';
import { killAllChildren, spawnChild } from '@locust-ts/test-support/process';

// answers one line per connection: the client then prints it
const SERVER = `require('node:net').createServer((s) => s.end('pong\\n')).listen(7000, '0.0.0.0', () => console.log('listening'))`;
const CLIENT = `const s = require('node:net').connect(7000, 'server-svc'); s.setTimeout(1500, () => { console.log('timeout'); process.exit(2); });
s.on('data', (d) => { process.stdout.write(String(d)); process.exit(0); }); s.on('error', (e) => { console.log('error ' + e.code); process.exit(3); });`;

let net: PodNetwork;

beforeAll(async () => {
  net = await PodNetwork.create({ prefix: 'ltnet', subnet: '10.208.0', pods: ['server', 'client'], hosts: { 'server-svc': 'server' } });
  const [cmd, args] = net.command('server', process.execPath, ['-e', SERVER]);
  await spawnChild(cmd, args).waitForLine(/listening/);
});

afterAll(async () => {
  await killAllChildren();
  await net?.destroy();
});

async function probe(): Promise<string> {
  const [cmd, args] = net.command('client', process.execPath, ['-e', CLIENT]);
  const child = spawnChild(cmd, args);
  await child.exited;
  return child.output.trim();
}

describe('network-namespace pods', () => {
  it('reach each other by service name across the bridge, and nothing else is routed', async () => {
    expect(net.ip('server')).not.toBe(net.ip('client'));
    expect(await probe()).toBe('pong');
    const routes = await net.exec('client', 'ip', ['route']);
    expect(routes).not.toMatch(/default/);
  });

  it('a link down partitions a pod, and up heals it', async () => {
    await net.setLink('client', false);
    expect(await probe()).toMatch(/timeout|error/);
    await net.setLink('client', true);
    expect(await probe()).toBe('pong');
  });

  it('dropping all its packets cuts a pod off until the drop is lifted', async () => {
    await net.dropPackets('client', true);
    expect(await probe()).toMatch(/timeout|error/);
    await net.dropPackets('client', false);
    expect(await probe()).toBe('pong');
  });
});
