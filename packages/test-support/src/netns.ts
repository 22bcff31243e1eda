/**
 * Network-namespace "pods" for multi-host tests: one namespace per pod with its own address on a
 * private bridge (the bridge lives in a namespace of its own), `/etc/netns/<ns>/hosts` so service
 * names resolve as cluster DNS would, and a blackhole route for the subnet in the root namespace
 * so nothing leaks out. Faults: a pod's link down/up, or all its packets dropped (nftables: this
 * kernel has no sch_netem, so `tc netem` is not available here).
 *
 * Each test file takes its own prefix and subnet (two files run at once in CI). Namespaces left by
 * a run that died (its pid is gone) are removed when the next run with that prefix starts.
 *
 *   const net = await PodNetwork.create({ prefix: 'lt9e', subnet: '10.209.0', pods: ['master', 'w1'],
 *                                         hosts: { 'locust-master': 'master' } });
 *   const [cmd, args] = net.command('w1', 'node', ['worker.js']);  // run it with ChildHandle
 *   await net.destroy();
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** the nftables table a pod's packet drop lives in */
const NFT_TABLE = 'ltfault';

async function ip(...args: string[]): Promise<string> {
  const { stdout } = await run('ip', args);
  return stdout;
}

async function tryIp(...args: string[]): Promise<void> {
  await run('ip', args).catch(() => undefined);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface PodNetworkOptions {
  /** short, unique per test file, e.g. 'lt9e' */
  prefix: string;
  /** the first three octets of a /24 no other test uses, e.g. '10.209.0' */
  subnet: string;
  /** pod names (short: they become interface names, at most 12 characters) */
  pods: string[];
  /** host name → pod, written into every pod's /etc/hosts (e.g. 'locust-master': 'master') */
  hosts?: Record<string, string>;
}

export class PodNetwork {
  private readonly addresses = new Map<string, string>();
  private destroyed = false;

  private constructor(
    private readonly options: PodNetworkOptions,
    private readonly runId: string,
  ) {
    options.pods.forEach((pod, i) => this.addresses.set(pod, `${options.subnet}.${i + 10}`));
  }

  /** Build the bridge, the pods and the hosts files (removes leftovers of dead runs first). */
  static async create(options: PodNetworkOptions): Promise<PodNetwork> {
    for (const pod of options.pods) {
      if (!/^[a-z0-9-]{1,12}$/.test(pod)) throw new Error(`pod name '${pod}' must be 1-12 of [a-z0-9-]`);
    }
    await PodNetwork.removeStale(options.prefix);
    const net = new PodNetwork(options, `${options.prefix}-${process.pid}`);
    try {
      await net.build();
    } catch (err) {
      await net.destroy();
      throw err;
    }
    return net;
  }

  /** Namespaces named `<prefix>-<pid>-…` whose pid no longer runs. */
  private static async removeStale(prefix: string): Promise<void> {
    const list = await ip('netns', 'list');
    const re = new RegExp(`^${prefix}-(\\d+)-\\S+`);
    for (const line of list.split('\n')) {
      const m = re.exec(line.trim());
      if (!m || pidAlive(Number(m[1]))) continue;
      const ns = m[0];
      await tryIp('netns', 'delete', ns);
      rmSync(`/etc/netns/${ns}`, { recursive: true, force: true });
    }
  }

  private get switchNs(): string {
    return `${this.runId}-sw`;
  }

  /** The namespace name of a pod (for `ip netns exec`). */
  ns(pod: string): string {
    if (!this.addresses.has(pod)) throw new Error(`unknown pod '${pod}'`);
    return `${this.runId}-${pod}`;
  }

  /** A pod's address on the bridge. */
  ip(pod: string): string {
    const address = this.addresses.get(pod);
    if (!address) throw new Error(`unknown pod '${pod}'`);
    return address;
  }

  /** `[command, args]` that run `cmd args…` inside the pod (ip netns exec keeps the pid: signals reach it). */
  command(pod: string, cmd: string, args: readonly string[]): [string, string[]] {
    return ['ip', ['netns', 'exec', this.ns(pod), cmd, ...args]];
  }

  /** Run a command inside the pod and return its stdout. */
  async exec(pod: string, cmd: string, args: readonly string[]): Promise<string> {
    const { stdout } = await run('ip', ['netns', 'exec', this.ns(pod), cmd, ...args]);
    return stdout;
  }

  /** Cut a pod off the bridge (a partition) or reconnect it. */
  async setLink(pod: string, up: boolean): Promise<void> {
    await ip('-n', this.switchNs, 'link', 'set', this.hostSide(pod), up ? 'up' : 'down');
  }

  /**
   * Drop every packet the pod sends or receives on eth0 (100% loss: the link stays up, so TCP
   * retransmits instead of failing at once), or stop dropping.
   */
  async dropPackets(pod: string, drop: boolean): Promise<void> {
    const nft = (...args: string[]) => this.exec(pod, 'nft', args);
    if (!drop) {
      await nft('delete', 'table', 'inet', NFT_TABLE).catch(() => undefined);
      return;
    }
    await nft('add', 'table', 'inet', NFT_TABLE);
    await nft('add', 'chain', 'inet', NFT_TABLE, 'out', '{ type filter hook output priority 0 ; }');
    await nft('add', 'chain', 'inet', NFT_TABLE, 'in', '{ type filter hook input priority 0 ; }');
    await nft('add', 'rule', 'inet', NFT_TABLE, 'out', 'oifname', 'eth0', 'drop');
    await nft('add', 'rule', 'inet', NFT_TABLE, 'in', 'iifname', 'eth0', 'drop');
  }

  /** Remove every namespace, hosts file and the blackhole route this network made. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const pod of this.options.pods) {
      const ns = `${this.runId}-${pod}`;
      await tryIp('netns', 'delete', ns);
      rmSync(`/etc/netns/${ns}`, { recursive: true, force: true });
    }
    await tryIp('netns', 'delete', this.switchNs);
    await tryIp('route', 'del', 'blackhole', `${this.options.subnet}.0/24`);
  }

  private hostSide(pod: string): string {
    return `v-${pod}`;
  }

  private async build(): Promise<void> {
    await tryIp('route', 'add', 'blackhole', `${this.options.subnet}.0/24`);
    await ip('netns', 'add', this.switchNs);
    await ip('-n', this.switchNs, 'link', 'add', 'br0', 'type', 'bridge');
    await ip('-n', this.switchNs, 'link', 'set', 'br0', 'up');
    await ip('-n', this.switchNs, 'link', 'set', 'lo', 'up');
    const hosts = ['127.0.0.1 localhost'];
    for (const [name, pod] of Object.entries(this.options.hosts ?? {})) hosts.push(`${this.ip(pod)} ${name}`);
    for (const pod of this.options.pods) {
      const ns = this.ns(pod);
      await ip('netns', 'add', ns);
      await ip('-n', this.switchNs, 'link', 'add', this.hostSide(pod), 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
      await ip('-n', this.switchNs, 'link', 'set', this.hostSide(pod), 'master', 'br0', 'up');
      await ip('-n', ns, 'addr', 'add', `${this.ip(pod)}/24`, 'dev', 'eth0');
      await ip('-n', ns, 'link', 'set', 'eth0', 'up');
      await ip('-n', ns, 'link', 'set', 'lo', 'up');
      if (!existsSync(`/etc/netns/${ns}`)) mkdirSync(`/etc/netns/${ns}`, { recursive: true });
      writeFileSync(`/etc/netns/${ns}/hosts`, `${hosts.join('\n')}\n`);
    }
  }
}
