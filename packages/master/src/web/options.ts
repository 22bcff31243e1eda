import type { WebUi } from '@locust-ts/protocol';
import type { ScaleRecorder } from '../scale/recorder.js';

/** What the CLI hands the web server (Locust's `--web-*` flags and the defaults shown in the form). */
export interface WebUiOptions {
  /** `--web-host`; '' or '*' = all interfaces (Locust's default). */
  host: string;
  /** `--web-port` (default 8089); 0 picks a free port (tests). */
  port: number;
  /** `--web-auth user:pass`: HTTP basic auth on every route. */
  auth?: string;
  /** `--web-login`: a login page in front of every route; the locustfile's `webUi` decides logins */
  webLogin?: WebUi;
  /** `--tls-cert` / `--tls-key`: PEM files; the UI is then served over HTTPS. */
  tlsCert?: string;
  tlsKey?: string;
  /** `--web-base-path /locust`: prefix of every route. */
  webBasePath?: string;
  /** a load shape drives the test: the form hides users / spawn rate, `/swarm` starts the shape */
  isShape?: boolean;
  /** the shape's class name (`/swarm` message, the form's shape list) */
  shapeName?: string;
  /** the shape keeps the common options in the form (Locust's `use_common_options`) */
  shapeUseCommonOptions?: boolean;
  /** `--class-picker`: the form lists the user classes to choose from */
  classPicker?: boolean;
  /** `-u`, `-r`, `-t` as given on the command line: the form's defaults */
  numUsers?: number | null;
  spawnRate?: number | null;
  runTime?: string | null;
  /** `--arrival-rate`/`--max-users`: the form's defaults for an arrival-rate test (arrival-rate-ui.ts) */
  arrivalRate?: number | null;
  maxUsers?: number | null;
  /** `--csv PREFIX --csv-full-history`: the history file `/stats/requests_full_history/csv` serves */
  fullHistoryCsvPath?: string | null;
  /** the locustfile's custom arguments for the form (newest Locust's `extra_options`) */
  extraOptions?: Record<string, { default_value: unknown; help_text: string; is_secret: boolean; is_required: boolean; is_multiple: boolean; choices: readonly (string | number)[] | null }>;
  /** the live `environment.parsedOptions`: `POST /swarm` writes the form's custom fields into it */
  parsedOptions?: Record<string, unknown>;
  /** the locustfile's `webUi.templateArgs`, merged over the page's (read on every page load) */
  templateArgs?: Record<string, unknown>;
  /** shown in the UI's About box */
  version?: string;
  /** `--watch-scale`: the recorder `GET /scale` and `/metrics` read (null: `/scale` says enabled: false) */
  scale?: ScaleRecorder | null;
  /** one line per notable event (UI build, auth failures are not logged); default console.log */
  log?: (line: string) => void;
}

export interface WebUiHandle {
  /** e.g. `http://127.0.0.1:8089` (+ base path) — what the caller prints at start-up */
  url: string;
  port: number;
  close(): Promise<void>;
}
