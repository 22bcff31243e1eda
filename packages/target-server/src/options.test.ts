import { describe, expect, it } from 'vitest';
import { DEFAULT_HOST, DEFAULT_PORT, OptionsError, parseOptions } from './options.js';

describe('target server options', () => {
  it('defaults to port 8000 on all interfaces without knobs', () => {
    expect(parseOptions([], {})).toEqual({ host: DEFAULT_HOST, port: DEFAULT_PORT, knobs: { latencyMs: 0, errorRatio: 0, cpuMs: 0 }, accessLog: null, backlog: 4096, help: false });
    expect([DEFAULT_HOST, DEFAULT_PORT]).toEqual(['0.0.0.0', 8000]);
  });

  it('reads PORT/HOST and knob env vars; flags win over env', () => {
    const env = { PORT: '9000', HOST: '127.0.0.1', TARGET_LATENCY_MS: '20', TARGET_ERROR_RATIO: '0.1', TARGET_CPU_MS: '3' };
    expect(parseOptions([], env)).toEqual({ host: '127.0.0.1', port: 9000, knobs: { latencyMs: 20, errorRatio: 0.1, cpuMs: 3 }, accessLog: null, backlog: 4096, help: false });
    expect(parseOptions(['--port', '9001', '--host', '::1', '--latency-ms', '5', '--error-ratio=0', '--cpu-ms', '0'], env)).toEqual({
      host: '::1',
      port: 9001,
      knobs: { latencyMs: 5, errorRatio: 0, cpuMs: 0 },
      accessLog: null,
      backlog: 4096,
      help: false,
    });
  });

  it('takes --backlog (Node\'s own default is 511) and refuses a non-number in one line', () => {
    expect(parseOptions(['--backlog', '511'], {}).backlog).toBe(511);
    expect(() => parseOptions(['--backlog', 'lots'], {})).toThrow(/^--backlog must be a whole number from 1 to 999999, got 'lots'$/);
  });

  it('takes --access-log over TARGET_ACCESS_LOG', () => {
    expect(parseOptions([], { TARGET_ACCESS_LOG: '/tmp/a.log' }).accessLog).toBe('/tmp/a.log');
    expect(parseOptions(['--access-log', '/tmp/b.log'], { TARGET_ACCESS_LOG: '/tmp/a.log' }).accessLog).toBe('/tmp/b.log');
  });

  it.each([
    [['--port', 'x'], {}, "--port must be a port number from 0 to 65535, got 'x'"],
    [[], { PORT: '70000' }, "PORT must be a port number from 0 to 65535, got '70000'"],
    [['--error-ratio', '1.5'], {}, "--error-ratio must be a number from 0 to 1, got '1.5'"],
    [[], { TARGET_CPU_MS: 'lots' }, "TARGET_CPU_MS must be a number from 0 to 10000, got 'lots'"],
    [['--bogus'], {}, /Unknown option '--bogus'/],
    [['extra'], {}, /positional argument/],
  ])('%j %j is rejected with one clear line', (argv, env, message) => {
    const run = () => parseOptions(argv, env);
    expect(run).toThrow(OptionsError);
    expect(run).toThrow(message);
  });
});
