/**
 * Command-line parsing with Locust's semantics (argparse + ConfigArgParse): defaults < config file
 * (`~/.locust.conf`, `./locust.conf`, `--config`) < `LOCUST_*` environment < command line.
 *
 * `util.parseArgs` does not fit: it has no typed values, no `nargs='*'`, no unique-prefix
 * abbreviations (`--expect-worker 2` works with argparse) and its own error texts; argparse's rules
 * are few enough to follow here, table-driven from `option-specs.ts`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir, cpus } from 'node:os';
import { resolve } from 'node:path';
import {
  DEFAULT_LOCUSTFILE,
  LOG_LEVELS,
  OPTION_SPECS,
  PARSED_OPTIONS_KEYS,
  UNSUPPORTED_OPTION_DEFAULTS,
  displayName,
  type OptionSpec,
  type OptionValue,
} from './option-specs.js';
import { EXIT_USAGE, TIMESPAN_FORMATS, parseTimespan, UsageError } from '@locust-ts/protocol';
import { parseShapeOption } from './shape-option.js';
import { checkArrivalOptions } from './arrival-options.js';
import { ScaleOptionError, scaleWatchOptions as checkScaleWatch, type ScaleWatchCliOptions } from './scale-watch.js';
import { pyprojectEntries } from './pyproject-config.js';

/** argparse exits 2 on usage errors; Locust's own checks after parsing exit 1. */
export { EXIT_USAGE };
export const EXIT_INVALID = 1;

/** A bad flag, value or combination: printed as one `locust-ts: error: ...` line. */
export { UsageError };

/** Locust's `vars(options)`: snake_case names, the map a master sends as `parsed_options`. */
export type ParsedOptions = Record<string, OptionValue>;

/** The options with TS names and types, after Locust's post-parse checks. */
export interface CliOptions extends ScaleWatchCliOptions {
  locustfile: string;
  config: string | null;
  host: string | null;
  users: number | null;
  spawnRate: number | null;
  /** `--arrival-rate`: iterations/s over the swarm instead of `users`; `--max-users`: its pool */
  arrivalRate: number | null;
  maxUsers: number | null;
  /** seconds, parsed from Locust's time span syntax */
  runTime: number | null;
  /** `--shape SPEC`: a built-in load shape (parsed by the run, which reports a bad spec) */
  shape: string | null;
  list: boolean;
  webHost: string;
  webPort: number;
  headless: boolean;
  autostart: boolean;
  /** seconds after the run to quit, -1 = never */
  autoquit: number;
  webAuth: string | null;
  webLogin: boolean;
  tlsCert: string;
  tlsKey: string;
  /** `--web-base-path /locust`: prefix of every web UI route ('' = root) */
  webBasePath: string;
  /** `--class-picker`: the web form lets the user choose user classes (and the shape) */
  classPicker: boolean;
  master: boolean;
  masterBindHost: string;
  masterBindPort: number;
  expectWorkers: number;
  expectWorkersMaxWait: number;
  enableRebalancing: boolean;
  worker: boolean;
  /** number of worker processes to fork (already resolved: -1 → CPU count), null = none */
  processes: number | null;
  masterHost: string;
  masterPort: number;
  tags: string[] | null;
  excludeTags: string[] | null;
  csvPrefix: string | null;
  csvFullHistory: boolean;
  printStats: boolean;
  onlySummary: boolean;
  resetStats: boolean;
  htmlFile: string | null;
  json: boolean;
  jsonFile: string | null;
  loglevel: (typeof LOG_LEVELS)[number];
  logfile: string | null;
  exitCodeOnError: number;
  stopTimeout: number | null;
  userClasses: string[];
}

export type ParseResult =
  | { kind: 'help'; text: string }
  | { kind: 'version'; text: string }
  | { kind: 'run'; options: CliOptions; parsedOptions: ParsedOptions };

export interface ParseContext {
  env?: NodeJS.ProcessEnv;
  /** where `locust.conf` is looked for (default: process.cwd()) */
  cwd?: string;
  /** where `~/.locust.conf` is looked for (default: os.homedir()); null = skip */
  home?: string | null;
  version?: string;
  /** A locustfile's custom arguments (`events.initCommandLineParser`), parsed like Locust's own. */
  extraSpecs?: readonly OptionSpec[];
  /** Skip flags and config keys nobody knows yet (the first pass, before the locustfile is loaded). */
  allowUnknown?: boolean;
}

const PROG = 'locust-ts';
const DEFAULT_CONFIG_FILES = ['~/.locust.conf', 'locust.conf', 'pyproject.toml'];
const HELP_FLAGS = ['-h', '--help'];
const VERSION_FLAGS = ['-V', '--version'];
const ENV_TRUE = ['true', 'yes', '1'];
const ENV_FALSE = ['false', 'no', '0'];

let specByFlag = new Map<string, OptionSpec>();
let allSpecs: readonly OptionSpec[] = OPTION_SPECS;
let LONG_FLAGS: string[] = [];
let allowUnknown = false;

/** Locust's options plus the locustfile's custom ones, for the parse that follows. */
function useSpecs(extra: readonly OptionSpec[], unknownAllowed: boolean): void {
  allSpecs = [...OPTION_SPECS, ...extra];
  specByFlag = new Map();
  for (const spec of allSpecs) for (const flag of spec.flags) specByFlag.set(flag, spec);
  LONG_FLAGS = [...specByFlag.keys(), ...HELP_FLAGS, ...VERSION_FLAGS].filter((f) => f.startsWith('--'));
  allowUnknown = unknownAllowed;
}
useSpecs([], false);

// ---------------------------------------------------------------- value conversion

/** Python's `int()`: optional sign, digits, underscores between digits, surrounding blanks. */
export function pythonInt(text: string): number | null {
  const t = text.trim();
  return /^[+-]?\d+(_\d+)*$/.test(t) ? Number(t.replaceAll('_', '')) : null;
}

/** Python's `float()`: blanks around, `_` between digits, `1e3`, `.5`, `inf`, `nan`; no hex. */
export function pythonFloat(text: string): number | null {
  const t = text.trim();
  const digits = '\\d(?:_?\\d)*';
  const decimal = new RegExp(`^[+-]?(?:${digits}(?:\\.(?:${digits})?)?|\\.${digits})(?:[eE][+-]?${digits})?$`);
  if (decimal.test(t)) return Number(t.replaceAll('_', ''));
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(t);
  if (!special) return null;
  if (special[2]!.toLowerCase() === 'nan') return Number.NaN;
  return special[1] === '-' ? -Infinity : Infinity;
}

function convert(spec: OptionSpec, text: string): OptionValue {
  const name = displayName(spec);
  if (spec.parse) {
    try {
      return spec.parse(text);
    } catch {
      throw new UsageError(`argument ${name}: invalid ${spec.typeName ?? 'value'} value: '${text}'`);
    }
  }
  switch (spec.kind) {
    case 'string':
      return text;
    case 'int': {
      const n = pythonInt(text);
      if (n === null) throw new UsageError(`argument ${name}: invalid int value: '${text}'`);
      return n;
    }
    case 'float': {
      const n = pythonFloat(text);
      if (n === null) throw new UsageError(`argument ${name}: invalid float value: '${text}'`);
      return n;
    }
    case 'timespan': {
      const seconds = parseTimespan(text);
      if (seconds === null) throw new UsageError(`argument ${name}: invalid time span: '${text}' (valid: ${TIMESPAN_FORMATS})`);
      return seconds;
    }
    case 'list':
    case 'append':
      // the items of a list (a custom argument's `nargs`/`append` keep their text unless `type` says)
      return text;
    case 'flag':
      throw new Error(`convert() called for ${spec.kind} option ${name}`);
  }
}

/** argparse takes `-1` as a value (no option looks like a negative number), `-x` as an option. */
function looksLikeValue(arg: string | undefined): boolean {
  return arg !== undefined && (!arg.startsWith('-') || arg === '-' || /^-\d+$|^-\d*\.\d+$/.test(arg));
}

function resolveLongFlag(flag: string): string {
  if (LONG_FLAGS.includes(flag)) return flag;
  const candidates = LONG_FLAGS.filter((f) => f.startsWith(flag));
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length > 1) throw new UsageError(`ambiguous option: ${flag} could match ${candidates.join(', ')}`);
  return flag;
}

// ---------------------------------------------------------------- command line

interface CommandLine {
  values: Map<string, OptionValue>;
  positionals: string[];
  help: boolean;
  version: boolean;
}

function parseCommandLine(argv: readonly string[]): CommandLine {
  const values = new Map<string, OptionValue>();
  const positionals: string[] = [];
  const unrecognized: string[] = [];
  let help = false;
  let version = false;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (looksLikeValue(arg)) {
      positionals.push(arg);
      continue;
    }

    let flag: string;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      flag = resolveLongFlag(eq === -1 ? arg : arg.slice(0, eq));
      inline = eq === -1 ? undefined : arg.slice(eq + 1);
    } else {
      // `-u10` is `-u 10`, as argparse reads attached short values
      flag = arg.slice(0, 2);
      inline = arg.length > 2 ? arg.slice(2) : undefined;
    }

    if (HELP_FLAGS.includes(flag)) help = true;
    else if (VERSION_FLAGS.includes(flag)) version = true;
    if (HELP_FLAGS.includes(flag) || VERSION_FLAGS.includes(flag)) continue;

    const spec = specByFlag.get(flag);
    if (!spec) {
      unrecognized.push(arg);
      // a custom flag's value must not become a user class name in the first pass
      if (allowUnknown && inline === undefined && looksLikeValue(argv[i + 1])) i++;
      continue;
    }
    const name = displayName(spec);
    if (spec.kind === 'flag') {
      if (inline !== undefined) throw new UsageError(`argument ${name}: ignored explicit argument '${inline}'`);
      values.set(spec.dest, spec.flagValue ?? true);
    } else if (spec.kind === 'append') {
      const text = inline ?? (looksLikeValue(argv[i + 1]) ? argv[++i]! : undefined);
      if (text === undefined) throw new UsageError(`argument ${name}: expected one argument`);
      values.set(spec.dest, [...((values.get(spec.dest) as Array<string | number> | undefined) ?? []), convert(spec, text) as string | number]);
    } else if (spec.kind === 'list') {
      const items = inline !== undefined ? [inline] : [];
      while (looksLikeValue(argv[i + 1]) && argv[i + 1] !== '-') items.push(argv[++i]!);
      if (spec.nargs === '+' && items.length === 0) throw new UsageError(`argument ${name}: expected at least one argument`);
      values.set(spec.dest, items.map((item) => convert(spec, item) as string | number));
    } else {
      let text = inline;
      if (text === undefined) {
        if (!looksLikeValue(argv[i + 1])) throw new UsageError(`argument ${name}: expected one argument`);
        text = argv[++i]!;
      }
      values.set(spec.dest, convert(spec, text));
    }
  }
  if (unrecognized.length > 0 && !allowUnknown) throw new UsageError(`unrecognized arguments: ${unrecognized.join(' ')}`);
  return { values, positionals, help, version };
}

// ---------------------------------------------------------------- environment and config files

function fromEnvironment(env: NodeJS.ProcessEnv): Map<string, OptionValue> {
  const values = new Map<string, OptionValue>();
  for (const spec of allSpecs) {
    if (!spec.env) continue;
    const raw = env[spec.env];
    // an empty variable (`LOCUST_HOST=` in a compose file) means "not set", not "empty value"
    if (raw === undefined || raw.trim() === '') continue;
    values.set(spec.dest, fromText(spec, raw, spec.env));
  }
  return values;
}

/** Env and config-file text → value, with ConfigArgParse's spellings of booleans and lists. */
function fromText(spec: OptionSpec, raw: string, source: string): OptionValue {
  if (spec.kind === 'flag') {
    const v = raw.trim().toLowerCase();
    // ConfigArgParse adds the flag for a true spelling, leaves it out for a false one
    if (ENV_TRUE.includes(v)) return spec.flagValue ?? true;
    if (ENV_FALSE.includes(v)) return spec.default;
    throw new UsageError(`${source}: unexpected value '${raw}' for ${displayName(spec)} (use true or false)`);
  }
  try {
    if (spec.kind === 'append') return raw.split(';').map((s) => s.trim()).filter((s) => s !== '').map((s) => convert(spec, s) as string | number);
    if (spec.kind === 'list') {
      const inner = raw.trim().replace(/^\[(.*)\]$/, '$1');
      return inner.split(/[\s,]+/).filter((s) => s !== '').map((s) => convert(spec, s) as string | number);
    }
  } catch (err) {
    if (err instanceof UsageError) throw new UsageError(`${source}: ${err.message}`);
    throw err;
  }
  try {
    return convert(spec, raw);
  } catch (err) {
    if (err instanceof UsageError) throw new UsageError(`${source}: ${err.message}`);
    throw err;
  }
}

function configFilesToRead(explicit: string | null, cwd: string, home: string | null): string[] {
  const files: string[] = [];
  for (const file of DEFAULT_CONFIG_FILES) {
    if (file.startsWith('~/')) {
      if (home !== null) files.push(resolve(home, file.slice(2)));
    } else files.push(resolve(cwd, file));
  }
  const found = files.filter((f) => existsSync(f));
  if (explicit !== null) {
    const path = resolve(cwd, explicit);
    if (!existsSync(path)) throw new UsageError(`config file not found: ${explicit}`);
    found.push(path);
  }
  return found;
}

/** `key = value`, `key: value` or `key value` lines; `#`/`;` comments and `[sections]` ignored. */
function fromConfigFile(path: string): Map<string, OptionValue> {
  const values = new Map<string, OptionValue>();
  if (path.endsWith('.toml')) {
    let entries: Array<[string, string]>;
    try {
      entries = pyprojectEntries(path);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    for (const [name, text] of entries) {
      const spec = specByFlag.get(`--${name.replaceAll('_', '-')}`) ?? allSpecs.find((s) => s.dest === name);
      if (!spec && allowUnknown) continue;
      if (!spec) throw new UsageError(`${path}: unrecognized option '${name}' in [tool.locust]`);
      values.set(spec.dest, fromText(spec, text, `${path} [tool.locust]`));
    }
    return values;
  }
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  lines.forEach((line, index) => {
    const text = line.trim();
    if (text === '' || text.startsWith('#') || text.startsWith(';') || text.startsWith('[')) return;
    const match = /^([A-Za-z0-9_-]+)\s*(?:[:=]\s*|\s+)?(.*)$/.exec(text);
    const where = `${path}:${index + 1}`;
    if (!match) throw new UsageError(`${where}: cannot parse '${text}'`);
    const key = match[1]!.replaceAll('_', '-');
    const spec = specByFlag.get(`--${key}`) ?? allSpecs.find((s) => s.dest === match[1]);
    if (!spec && allowUnknown) return;
    if (!spec) throw new UsageError(`${where}: unrecognized option '${match[1]}'`);
    values.set(spec.dest, fromText(spec, match[2] ?? '', where));
  });
  return values;
}

// ---------------------------------------------------------------- checks after parsing (Locust's main.py)

function checkCombinations(v: ParsedOptions): void {
  if (Boolean(v.tls_cert) !== Boolean(v.tls_key)) throw new UsageError('--tls-cert and --tls-key must be used together', EXIT_INVALID);
  if (v.stats_history_enabled === true && v.csv_prefix === null) {
    throw new UsageError("'--csv-full-history' requires '--csv'.");
  }
  if (v.autoquit !== -1 && v.autostart !== true) {
    throw new UsageError('--autoquit is only meaningful in combination with --autostart', EXIT_INVALID);
  }
  if (v.master === true && v.worker === true) {
    throw new UsageError('The --master argument cannot be combined with --worker', EXIT_INVALID);
  }
  if (v.worker === true && v.run_time !== null) {
    throw new UsageError('--run-time should be specified on the master node, and not on worker nodes', EXIT_INVALID);
  }
  if (v.worker === true && v.shape !== null) {
    throw new UsageError('--shape should be specified on the master node, and not on worker nodes', EXIT_INVALID);
  }
  if (typeof v.shape === 'string') parseShapeOption(v.shape);
  if (typeof v.processes === 'number' && (v.processes === 0 || v.processes < -1)) {
    throw new UsageError(`--processes must be a positive number or -1 (one per CPU core), got ${v.processes}`, EXIT_INVALID);
  }
  const loglevel = String(v.loglevel).toUpperCase();
  if (!(LOG_LEVELS as readonly string[]).includes(loglevel)) {
    throw new UsageError('Invalid --loglevel. Valid values are: DEBUG/INFO/WARNING/ERROR/CRITICAL', EXIT_INVALID);
  }
  if (typeof v.web_auth === 'string' && !/^[^:]+:.*$/.test(v.web_auth)) {
    throw new UsageError('Credentials supplied with --web-auth should have the format: username:password', EXIT_INVALID);
  }
  for (const dest of ['num_users', 'expect_workers', 'expect_workers_max_wait'] as const) {
    const value = v[dest];
    if (typeof value === 'number' && value < 0) throw new UsageError(`--${dest.replaceAll('_', '-')} must not be negative`, EXIT_INVALID);
  }
  checkArrivalOptions(v);
  if (typeof v.spawn_rate === 'number' && v.spawn_rate <= 0) {
    throw new UsageError('--spawn-rate must be greater than 0', EXIT_INVALID);
  }
  for (const dest of ['web_port', 'master_port', 'master_bind_port'] as const) {
    const port = v[dest] as number;
    const allowZero = dest !== 'master_port'; // 0 = pick a free port (local mode, tests)
    if (port > 65535 || port < 0 || (port === 0 && !allowZero)) {
      throw new UsageError(`--${dest.replaceAll('_', '-')}: ${port} is not a valid port`, EXIT_INVALID);
    }
  }
}

// ---------------------------------------------------------------- help

export function helpText(): string {
  const lines = [`Usage: ${PROG} [OPTIONS] [UserClass ...]`, ''];
  let group = '';
  for (const spec of allSpecs) {
    if (spec.group !== group) {
      group = spec.group;
      lines.push('', `${group}:`);
    }
    // argparse's metavar: `{a,b}` for choices, `[X ...]` for nargs='*', `X [X ...]` for '+'
    const word = spec.metavar ?? (spec.choices ? `{${spec.choices.join(',')}}` : spec.dest.toUpperCase());
    const shown = spec.nargs === '*' ? `[${word} ...]` : spec.nargs === '+' ? `${word} [${word} ...]` : `${word}${spec.kind === 'list' ? ' ...' : ''}`;
    const metavar = spec.kind === 'flag' ? '' : ` ${shown}`;
    const env = spec.env ? ` [env ${spec.env}]` : '';
    lines.push(`  ${spec.flags.join(', ')}${metavar}`, `        ${spec.help}${env}`);
  }
  lines.push(
    '',
    'Other:',
    '  -h, --help        Show this help message and exit',
    '  -V, --version     Show program version and exit',
    '',
    'User classes:',
    '  UserClass         Only run these User classes (available ones: -l/--list)',
  );
  return lines.join('\n');
}

// ---------------------------------------------------------------- entry point

/**
 * Parse `argv` (without `node` and the script) into Locust's options.
 * Throws `UsageError` (exit code inside) on any bad flag, value or combination.
 */
export function parseOptions(argv: readonly string[], context: ParseContext = {}): ParseResult {
  const env = context.env ?? process.env;
  const cwd = context.cwd ?? process.cwd();
  const home = context.home === undefined ? homedir() : context.home;
  useSpecs(context.extraSpecs ?? [], context.allowUnknown ?? false);

  const commandLine = parseCommandLine(argv);
  if (commandLine.help) return { kind: 'help', text: helpText() };
  if (commandLine.version) return { kind: 'version', text: `${PROG} ${context.version ?? '0.0.0'}` };

  const values: ParsedOptions = {};
  for (const spec of allSpecs) values[spec.dest] = spec.default;

  const explicitConfig = (commandLine.values.get('config') as string | undefined) ?? null;
  for (const file of configFilesToRead(explicitConfig, cwd, home)) Object.assign(values, Object.fromEntries(fromConfigFile(file)));
  Object.assign(values, Object.fromEntries(fromEnvironment(env)));
  Object.assign(values, Object.fromEntries(commandLine.values));
  values.user_classes = commandLine.positionals;
  // Locust reads user class names from LOCUST_USER_CLASSES too (space or comma separated)
  if (commandLine.positionals.length === 0 && env.LOCUST_USER_CLASSES?.trim()) values.user_classes = env.LOCUST_USER_CLASSES.trim().split(/[\s,]+/);

  if (values.headful === true) values.headless = false;
  checkCombinations(values);

  if (typeof values.run_time === 'string') {
    const seconds = parseTimespan(values.run_time);
    if (seconds === null) throw new UsageError(`Valid --run-time formats are: ${TIMESPAN_FORMATS}`, EXIT_INVALID);
    values.run_time = seconds;
  }
  values.loglevel = String(values.loglevel).toUpperCase();

  const options = toCliOptions(values);
  const parsedOptions = toParsedOptions(values);
  for (const spec of context.extraSpecs ?? []) parsedOptions[spec.dest] = values[spec.dest]!;
  return { kind: 'run', options, parsedOptions };
}

function toCliOptions(v: ParsedOptions): CliOptions {
  const str = (k: string) => v[k] as string;
  const strOrNull = (k: string) => v[k] as string | null;
  const num = (k: string) => v[k] as number;
  const numOrNull = (k: string) => v[k] as number | null;
  const bool = (k: string) => v[k] === true;
  const list = (k: string) => v[k] as string[] | null;
  const processes = numOrNull('processes');
  return {
    locustfile: str('locustfile'),
    config: strOrNull('config'),
    host: strOrNull('host'),
    users: numOrNull('num_users'),
    spawnRate: numOrNull('spawn_rate'),
    arrivalRate: numOrNull('arrival_rate'),
    maxUsers: numOrNull('max_users'),
    runTime: numOrNull('run_time'),
    shape: strOrNull('shape'),
    list: bool('list_commands'),
    webHost: str('web_host'),
    webPort: num('web_port'),
    headless: bool('headless'),
    autostart: bool('autostart'),
    autoquit: num('autoquit'),
    webAuth: strOrNull('web_auth'),
    webLogin: bool('web_login'),
    tlsCert: str('tls_cert'),
    tlsKey: str('tls_key'),
    webBasePath: str('web_base_path'),
    classPicker: bool('class_picker'),
    master: bool('master'),
    masterBindHost: str('master_bind_host'),
    masterBindPort: num('master_bind_port'),
    expectWorkers: num('expect_workers'),
    expectWorkersMaxWait: num('expect_workers_max_wait'),
    enableRebalancing: bool('enable_rebalancing'),
    worker: bool('worker'),
    processes: processes === -1 ? cpus().length : processes,
    masterHost: str('master_host'),
    masterPort: num('master_port'),
    tags: list('tags'),
    excludeTags: list('exclude_tags'),
    csvPrefix: strOrNull('csv_prefix'),
    csvFullHistory: bool('stats_history_enabled'),
    printStats: bool('print_stats'),
    onlySummary: bool('only_summary'),
    resetStats: bool('reset_stats'),
    htmlFile: strOrNull('html_file'),
    json: bool('json'),
    jsonFile: strOrNull('json_file'),
    loglevel: str('loglevel') as CliOptions['loglevel'],
    logfile: strOrNull('logfile'),
    exitCodeOnError: num('exit_code_on_error'),
    stopTimeout: numOrNull('stop_timeout'),
    userClasses: v.user_classes as string[],
    ...scaleWatchOptions(v),
  };
}

function scaleWatchOptions(v: ParsedOptions): ScaleWatchCliOptions {
  try {
    return checkScaleWatch(v);
  } catch (error) {
    if (error instanceof ScaleOptionError) throw new UsageError(error.message);
    throw error;
  }
}

/** The `parsed_options` map in the newest Locust's key order, defaults for keys we lack. */
function toParsedOptions(v: ParsedOptions): ParsedOptions {
  const out: ParsedOptions = {};
  for (const key of PARSED_OPTIONS_KEYS) out[key] = key in v ? v[key]! : (UNSUPPORTED_OPTION_DEFAULTS[key] ?? null);
  return out;
}

export { DEFAULT_LOCUSTFILE };
