/**
 * Locust's command-line options as a table (`locust/argument_parser.py`, 2.12.1 plus the newest
 * Locust's `--processes`): the same flags, `dest` names and `LOCUST_*` environment variables, so the
 * command lines and container environments written for `locust` work unchanged with `locust-ts`.
 */
import { DEFAULT_MASTER_PORT, DEFAULT_WEB_PORT } from '@locust-ts/protocol';

/** How an option's text becomes a value (argparse's `type=` / `action=` / `nargs=`). */
export type OptionKind = 'string' | 'int' | 'float' | 'flag' | 'list' | 'timespan' | 'append';
// 'append': repeatable, each occurrence one value (argparse's action='append'); env/config: values split on ';'

/** A parsed option value: what Locust's `vars(options)` holds. */
export type OptionValue = string | number | boolean | Array<string | number> | null;

export interface OptionSpec {
  /** Locust's attribute name; also the key in the `parsed_options` map sent with `spawn` (spec §3.4). */
  dest: string;
  /** Short and long spellings, e.g. `['-u', '--users']`. */
  flags: readonly string[];
  kind: OptionKind;
  default: OptionValue;
  /** ConfigArgParse environment variable (defaults < config file < env < command line). */
  env?: string;
  metavar?: string;
  help: string;
  group: string;
  /** argparse's `choices`: shown as `{a,b}` in `--help`, checked after parsing */
  choices?: readonly (string | number)[];
  /** argparse's callable `type=` (a locustfile's custom argument): text → value; its name for errors */
  parse?: (text: string) => OptionValue;
  typeName?: string;
  /** a `flag`'s value when given (argparse's `store_false` gives false); default true */
  flagValue?: boolean;
  /** a custom `list`'s argparse `nargs`: '+' needs at least one value; both shape `--help` */
  nargs?: '*' | '+';
}

export const DEFAULT_LOCUSTFILE = 'locustfile';
export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const;

const COMMON = 'Common options';
const WEB = 'Web UI options';
const MASTER = 'Master options';
const WORKER = 'Worker options';
const TAGS = 'Tag options';
const STATS = 'Request statistics options';
const LOGGING = 'Logging options';
const OTHER = 'Other options';
const SCALE = 'Scale watch options (locust-ts)';

export const OPTION_SPECS: readonly OptionSpec[] = [
  {
    dest: 'locustfile', flags: ['-f', '--locustfile'], kind: 'string', default: DEFAULT_LOCUSTFILE,
    env: 'LOCUST_LOCUSTFILE', group: COMMON,
    help: "Locustfile to load: a .ts or .js file (or .py for a master of Python workers). Defaults to 'locustfile' (.ts, .js, .py tried).",
  },
  { dest: 'config', flags: ['--config'], kind: 'string', default: null, group: COMMON, help: 'Config file path (locust.conf format)' },
  {
    dest: 'host', flags: ['-H', '--host'], kind: 'string', default: null, env: 'LOCUST_HOST', group: COMMON,
    help: 'Host to load test in the following format: http://10.21.32.33',
  },
  {
    dest: 'num_users', flags: ['-u', '--users'], kind: 'int', default: null, env: 'LOCUST_USERS', group: COMMON,
    help: 'Peak number of concurrent users. Primarily used together with --headless or --autostart',
  },
  {
    dest: 'spawn_rate', flags: ['-r', '--spawn-rate'], kind: 'float', default: null, env: 'LOCUST_SPAWN_RATE', group: COMMON,
    help: 'Rate to spawn users at (users per second). Primarily used together with --headless or --autostart',
  },
  {
    dest: 'arrival_rate', flags: ['--arrival-rate'], kind: 'float', default: null, env: 'LOCUST_ARRIVAL_RATE', group: COMMON,
    help: 'Iterations per second over the whole swarm instead of -u (open model; locust-ts workers only). Latency is measured from each iteration\'s intended start',
  },
  {
    dest: 'max_users', flags: ['--max-users'], kind: 'int', default: null, env: 'LOCUST_MAX_USERS', group: COMMON,
    help: 'With --arrival-rate: the most users over the swarm (default 10 x rate); an iteration that finds none idle is dropped and counted',
  },
  {
    dest: 'run_time', flags: ['-t', '--run-time'], kind: 'string', default: null, env: 'LOCUST_RUN_TIME', group: COMMON,
    help: 'Stop after the specified amount of time, e.g. (300s, 20m, 3h, 1h30m, etc.). Only used together with --headless or --autostart',
  },
  {
    dest: 'shape', flags: ['--shape'], kind: 'string', default: null, env: 'LOCUST_SHAPE', metavar: 'SPEC', group: COMMON,
    help: "A built-in load shape instead of -u/-r: 'square:base=0,peak=1000,on=30s,off=60s,cycles=3', 'steps:start=10,step=10,every=30s,max=200', " +
      "'spike:base=20,peak=500,at=60s,hold=10s' or 'stages:30s=100,60s=100,10s=0'; optional unit=users|rps and rate=<spawn rate>. -t still caps the run",
  },
  { dest: 'list_commands', flags: ['-l', '--list'], kind: 'flag', default: false, group: COMMON, help: 'Show list of possible User classes and exit' },

  {
    dest: 'web_host', flags: ['--web-host'], kind: 'string', default: '', env: 'LOCUST_WEB_HOST', group: WEB,
    help: "Host to bind the web interface to. Defaults to '*' (all interfaces)",
  },
  {
    dest: 'web_port', flags: ['--web-port', '-P'], kind: 'int', default: DEFAULT_WEB_PORT, env: 'LOCUST_WEB_PORT', group: WEB,
    help: 'Port on which to run web host',
  },
  {
    dest: 'headless', flags: ['--headless'], kind: 'flag', default: false, env: 'LOCUST_HEADLESS', group: WEB,
    help: 'Disable the web interface, and start the test immediately. Use -u and -t to control user count and run time',
  },
  {
    dest: 'autostart', flags: ['--autostart'], kind: 'flag', default: false, env: 'LOCUST_AUTOSTART', group: WEB,
    help: 'Starts the test immediately (without disabling the web UI). Use -u and -t to control user count and run time',
  },
  {
    dest: 'autoquit', flags: ['--autoquit'], kind: 'int', default: -1, env: 'LOCUST_AUTOQUIT', group: WEB,
    help: 'Quits entirely, X seconds after the run is finished. Only used together with --autostart',
  },
  {
    dest: 'headful', flags: ['--headful'], kind: 'flag', default: false, env: 'LOCUST_HEADFUL', group: WEB,
    help: 'Override --headless (e.g. one set in a config file)',
  },
  {
    dest: 'web_auth', flags: ['--web-auth'], kind: 'string', default: null, env: 'LOCUST_WEB_AUTH', group: WEB,
    help: 'Turn on Basic Auth for the web interface, as username:password',
  },
  {
    dest: 'web_login', flags: ['--web-login'], kind: 'flag', default: false, env: 'LOCUST_WEB_LOGIN', group: WEB,
    help: "Protect the web interface with a login page (the locustfile's init listener sets webUi.authenticate)",
  },
  { dest: 'tls_cert', flags: ['--tls-cert'], kind: 'string', default: '', env: 'LOCUST_TLS_CERT', group: WEB, help: 'Optional path to TLS certificate to use to serve over HTTPS' },
  { dest: 'tls_key', flags: ['--tls-key'], kind: 'string', default: '', env: 'LOCUST_TLS_KEY', group: WEB, help: 'Optional path to TLS private key to use to serve over HTTPS' },
  {
    dest: 'class_picker', flags: ['--class-picker'], kind: 'flag', default: false, env: 'LOCUST_USERCLASS_PICKER', group: WEB,
    help: 'Enable select boxes in the web interface to choose from all available User classes and Shape classes',
  },
  {
    dest: 'web_base_path', flags: ['--web-base-path'], kind: 'string', default: '', env: 'LOCUST_WEB_BASE_PATH', group: WEB,
    help: "Base path for the web interface (ex: '/locust'). Default is empty (root path)",
  },

  {
    dest: 'master', flags: ['--master'], kind: 'flag', default: false, env: 'LOCUST_MODE_MASTER', group: MASTER,
    help: 'Run in distributed mode with this process as master',
  },
  {
    dest: 'master_bind_host', flags: ['--master-bind-host'], kind: 'string', default: '*', env: 'LOCUST_MASTER_BIND_HOST',
    group: MASTER, help: 'Interfaces (hostname, ip) that the master should bind to. Defaults to * (all available interfaces)',
  },
  {
    dest: 'master_bind_port', flags: ['--master-bind-port'], kind: 'int', default: DEFAULT_MASTER_PORT,
    env: 'LOCUST_MASTER_BIND_PORT', group: MASTER, help: 'Port that the master should bind to. Defaults to 5557',
  },
  {
    dest: 'expect_workers', flags: ['--expect-workers'], kind: 'int', default: 1, env: 'LOCUST_EXPECT_WORKERS', group: MASTER,
    help: 'How many workers the master should expect to connect before starting the test (only with --headless/--autostart)',
  },
  {
    dest: 'expect_workers_max_wait', flags: ['--expect-workers-max-wait'], kind: 'int', default: 0,
    env: 'LOCUST_EXPECT_WORKERS_MAX_WAIT', group: MASTER,
    help: 'How long the master should wait for workers to connect before giving up. Defaults to wait forever',
  },
  {
    dest: 'enable_rebalancing', flags: ['--enable-rebalancing'], kind: 'flag', default: false,
    env: 'LOCUST_ENABLE_REBALANCING', group: MASTER,
    help: 'Rebalance users automatically when workers are added or removed during a test run',
  },

  {
    dest: 'worker', flags: ['--worker'], kind: 'flag', default: false, env: 'LOCUST_MODE_WORKER', group: WORKER,
    help: 'Run in distributed mode with this process as worker',
  },
  {
    dest: 'processes', flags: ['--processes'], kind: 'int', default: null, env: 'LOCUST_PROCESSES', group: WORKER,
    help: 'Number of worker processes to fork (-1 = one per CPU core). With --worker: N workers; otherwise a master plus N workers',
  },
  {
    dest: 'master_host', flags: ['--master-host'], kind: 'string', default: '127.0.0.1', env: 'LOCUST_MASTER_NODE_HOST',
    metavar: 'MASTER_NODE_HOST', group: WORKER, help: 'Host or IP address of the master. Defaults to 127.0.0.1',
  },
  {
    dest: 'master_port', flags: ['--master-port'], kind: 'int', default: DEFAULT_MASTER_PORT, env: 'LOCUST_MASTER_NODE_PORT',
    metavar: 'MASTER_NODE_PORT', group: WORKER, help: 'Port of the master to connect to. Defaults to 5557',
  },

  {
    dest: 'tags', flags: ['-T', '--tags'], kind: 'list', default: null, env: 'LOCUST_TAGS', metavar: 'TAG', group: TAGS,
    help: 'Tags to include in the test (passed on to workers)',
  },
  {
    dest: 'exclude_tags', flags: ['-E', '--exclude-tags'], kind: 'list', default: null, env: 'LOCUST_EXCLUDE_TAGS',
    metavar: 'TAG', group: TAGS, help: 'Tags to exclude from the test (passed on to workers)',
  },

  {
    dest: 'csv_prefix', flags: ['--csv'], kind: 'string', default: null, env: 'LOCUST_CSV', metavar: 'CSV_PREFIX', group: STATS,
    help: 'Store request stats in CSV files: CSV_PREFIX_stats.csv, CSV_PREFIX_stats_history.csv and CSV_PREFIX_failures.csv',
  },
  {
    dest: 'stats_history_enabled', flags: ['--csv-full-history'], kind: 'flag', default: false, env: 'LOCUST_CSV_FULL_HISTORY',
    group: STATS, help: "Store each stats entry in _stats_history.csv. Requires '--csv'",
  },
  { dest: 'print_stats', flags: ['--print-stats'], kind: 'flag', default: false, env: 'LOCUST_PRINT_STATS', group: STATS, help: 'Print stats in the console' },
  { dest: 'only_summary', flags: ['--only-summary'], kind: 'flag', default: false, env: 'LOCUST_ONLY_SUMMARY', group: STATS, help: 'Only print the summary stats' },
  {
    dest: 'reset_stats', flags: ['--reset-stats'], kind: 'flag', default: false, env: 'LOCUST_RESET_STATS', group: STATS,
    help: 'Reset statistics once spawning has been completed',
  },
  { dest: 'json', flags: ['--json'], kind: 'flag', default: false, env: 'LOCUST_JSON', group: STATS, help: 'Prints the final stats in JSON format to stdout' },
  { dest: 'json_file', flags: ['--json-file'], kind: 'string', default: null, env: 'LOCUST_JSON_FILE', metavar: 'JSON_FILE', group: STATS, help: 'Writes the final stats in JSON format to JSON_FILE.json' },
  { dest: 'html_file', flags: ['--html'], kind: 'string', default: null, env: 'LOCUST_HTML', metavar: 'HTML_FILE', group: STATS, help: 'Store HTML report to this file; {u}, {r}, {t} become the number of users, spawn rate and run time' },

  {
    dest: 'loglevel', flags: ['--loglevel', '-L'], kind: 'string', default: 'INFO', env: 'LOCUST_LOGLEVEL', group: LOGGING,
    help: 'Choose between DEBUG/INFO/WARNING/ERROR/CRITICAL. Default is INFO',
  },
  { dest: 'logfile', flags: ['--logfile'], kind: 'string', default: null, env: 'LOCUST_LOGFILE', group: LOGGING, help: 'Path to log file. If not set, log goes to stderr' },

  {
    dest: 'exit_code_on_error', flags: ['--exit-code-on-error'], kind: 'int', default: 1, env: 'LOCUST_EXIT_CODE_ON_ERROR',
    group: OTHER, help: 'Process exit code to use when a test result contains any failure or error',
  },
  {
    dest: 'stop_timeout', flags: ['-s', '--stop-timeout'], kind: 'timespan', default: null, env: 'LOCUST_STOP_TIMEOUT',
    group: OTHER, help: 'Seconds (or a time span) to wait for a user to finish its task before stopping it. Default: stop at once',
  },

  {
    dest: 'watch_scale', flags: ['--watch-scale'], kind: 'string', default: null, env: 'LOCUST_WATCH_SCALE', metavar: 'DEPLOYMENT', group: SCALE,
    help: "Record this Kubernetes Deployment's replicas, its HPA, pods and events beside the load (GET /scale, PREFIX_scale.csv)",
  },
  {
    dest: 'kube_namespace', flags: ['--kube-namespace'], kind: 'string', default: null, env: 'LOCUST_KUBE_NAMESPACE', metavar: 'NS', group: SCALE,
    help: "Namespace of the watched Deployment. Default: the context's namespace, or the pod's, or 'default'",
  },
  {
    dest: 'kube_context', flags: ['--kube-context'], kind: 'string', default: null, env: 'LOCUST_KUBE_CONTEXT', metavar: 'CTX', group: SCALE,
    help: 'kubeconfig context to use (KUBECONFIG or ~/.kube/config). Default: the current context, or the in-cluster service account',
  },
  {
    dest: 'assert_scale', flags: ['--assert-scale'], kind: 'append', default: null, env: 'LOCUST_ASSERT_SCALE', metavar: 'EXPR', group: SCALE,
    help: "Check the scaling when the run ends, e.g. 'replicas>=3 within 90s', 'replicas<=1 within 300s after stop' (repeatable; exit code 3 on a FAIL)",
  },
];

/** argparse's display name of an option: all spellings joined by '/', e.g. `-u/--users`. */
export function displayName(spec: OptionSpec): string {
  return spec.flags.join('/');
}

/** The newest Locust's `parsed_options` keys in its order (captures/head-headless.jsonl); keys we
 * have no option for get the newest Locust's default, so Python workers see a familiar map. */
export const PARSED_OPTIONS_KEYS: readonly string[] = [
  'locustfile', 'config', 'host', 'num_users', 'spawn_rate', 'run_time', 'list_commands', 'config_users',
  'web_host', 'web_host_display_name', 'web_port', 'headless', 'autostart', 'autoquit', 'headful', 'web_auth',
  'web_login', 'tls_cert', 'tls_key', 'class_picker', 'build_path', 'legacy_ui', 'master', 'master_bind_host',
  'master_bind_port', 'expect_workers', 'expect_workers_max_wait', 'enable_rebalancing', 'expect_slaves', 'worker',
  'processes', 'slave', 'master_host', 'master_port', 'web_base_path', 'tags', 'exclude_tags', 'csv_prefix',
  'stats_history_enabled', 'print_stats', 'only_summary', 'reset_stats', 'html_file', 'json', 'json_file',
  'skip_log_setup', 'loglevel', 'logfile', 'show_task_ratio', 'show_task_ratio_json', 'exit_code_on_error',
  'stop_timeout', 'equal_weights', 'profile', 'otel', 'user_classes',
];

/** Defaults (newest Locust) of the `parsed_options` keys that locust-ts has no flag for. */
export const UNSUPPORTED_OPTION_DEFAULTS: Readonly<Record<string, OptionValue>> = {
  config_users: null,
  web_host_display_name: null,
  web_login: false,
  tls_cert: '',
  tls_key: '',
  build_path: '',
  legacy_ui: false,
  expect_slaves: null,
  slave: null,
  json: false,
  json_file: null,
  skip_log_setup: false,
  show_task_ratio: false,
  show_task_ratio_json: false,
  equal_weights: false,
  profile: null,
  otel: false,
};

/**
 * Our environment minus every `LOCUST_*` option variable: for child processes (workers, dev
 * parts, tests) whose settings must come from their flags only.
 */
export function envWithoutLocustOptions(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const spec of OPTION_SPECS) if (spec.env) delete env[spec.env];
  return env;
}
