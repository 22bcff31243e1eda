/**
 * What to run on a master without built-in shapes (K1 `POST /swarm shape=`): the shape's peak
 * users for the shape's length, as a plain user_count / spawn_rate / run_time swarm. Only the
 * numbers are read here; the master owns the real parser (ShapeSpecError) and its rules.
 */
import { DeployError } from '../errors.js';

const UNIT_SECONDS: Readonly<Record<string, number>> = { '': 1, s: 1, m: 60, h: 3600 };
const PEAK_KEYS = ['peak', 'max', 'base', 'start'];

function seconds(text: string | undefined, what: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text ?? '');
  if (!match) throw new DeployError(`--shape: ${what} "${text ?? ''}" is not a duration like 30s`);
  return Number(match[1]) * UNIT_SECONDS[match[2] ?? ''];
}

function count(text: string | undefined): number {
  return Number.parseFloat(text ?? '') || 0;
}

export interface FallbackSwarm {
  readonly userCount: number;
  readonly spawnRate: number;
  readonly runTimeS: number;
}

export function fallbackSwarm(spec: string): FallbackSwarm {
  const colon = spec.indexOf(':');
  const kind = spec.slice(0, colon);
  const pairs = spec.slice(colon + 1).split(',').map((p) => p.split('=') as [string, string | undefined]);
  if (colon <= 0 || pairs.some(([k, v]) => !k || v === undefined)) throw new DeployError(`--shape "${spec}": expected kind:key=value,... e.g. square:base=0,peak=100,on=60s,off=60s,cycles=2`);
  const values = new Map(pairs as [string, string][]);
  let userCount = Math.max(0, ...PEAK_KEYS.map((k) => count(values.get(k))));
  let runTimeS: number;
  switch (kind) {
    case 'square':
      runTimeS = (seconds(values.get('on'), 'on') + seconds(values.get('off'), 'off')) * (count(values.get('cycles')) || 1);
      break;
    case 'spike':
      runTimeS = seconds(values.get('at'), 'at') + seconds(values.get('hold'), 'hold');
      break;
    case 'steps': {
      const steps = Math.ceil((count(values.get('max')) - count(values.get('start'))) / (count(values.get('step')) || 1)) + 1;
      runTimeS = seconds(values.get('every'), 'every') * steps;
      break;
    }
    case 'stages': {
      const stages = pairs.filter(([k]) => /^\d/.test(k));
      runTimeS = stages.reduce((sum, [k]) => sum + seconds(k, 'stage'), 0);
      userCount = Math.max(userCount, ...stages.map(([, v]) => count(v)));
      break;
    }
    default:
      throw new DeployError(`--shape "${spec}": unknown kind ${kind} (square, steps, spike, stages)`);
  }
  const rate = count(values.get('rate'));
  return { userCount: Math.round(userCount), spawnRate: rate > 0 ? rate : Math.max(1, Math.round(userCount)), runTimeS: Math.max(1, Math.round(runTimeS)) };
}
