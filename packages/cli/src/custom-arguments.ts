/**
 * Custom command-line arguments from a locustfile (Locust's `init_command_line_parser` event):
 *
 *   events.initCommandLineParser.addListener(({ parser }) =>
 *     parser.addArgument('--greeting', { default: 'hello', help: 'What to say', includeInWebUi: true }));
 *
 * Each becomes an {@link OptionSpec} parsed as argparse parses Locust's `parser.add_argument`:
 * only `action` makes a bare flag (`{ default: true }` takes a value, `--flag false` gives the
 * text 'false'); `type` converts ('int', 'float', a function); `nargs`/'append' give lists; the
 * environment is read only where `envVar` is given (ConfigArgParse's `env_var=`). Config files
 * (`greeting = hi`), `--help` (with `{choices}`), `parsed_options` sent to workers and the web UI
 * form (`extra_options`, unless `includeInWebUi: false`) follow.
 */
import { ARGUMENT_OPTION_KEYS, type ArgumentOptions, type ArgumentParser } from '@locust-ts/protocol';
import type { OptionKind, OptionSpec, OptionValue } from './option-specs.js';
import { pythonFloat, pythonInt } from './options.js';

export const CUSTOM_GROUP = 'Custom options';

/** A locustfile's option, with what the web UI needs beyond an OptionSpec. */
export interface CustomOptionSpec extends OptionSpec {
  includeInWebUi: boolean;
  isSecret: boolean;
  isRequired: boolean;
  isMultiple: boolean;
  /** argparse's `required=True` */
  required: boolean;
  choices?: readonly (string | number)[];
}

/** Locust's (snake_case) spelling of a key → ours, for the error on an unknown key. */
const PYTHON_SPELLINGS: Readonly<Record<string, string>> = {
  env_var: 'envVar',
  include_in_web_ui: 'includeInWebUi',
  is_secret: 'isSecret',
  is_required: 'isRequired',
  is_multiple: 'isMultiple',
};

function kindOf(options: ArgumentOptions): OptionKind {
  if (options.action === 'store_true' || options.action === 'store_false' || options.type === 'flag') return 'flag';
  if (options.action === 'append') return 'append';
  if (options.nargs) return 'list';
  if (options.type === 'int') return 'int';
  if (options.type === 'float') return 'float';
  // argparse: without `type` the value is the text, whatever the default's type (True, 3, …)
  return 'string';
}

/** The converter of a list's items (argparse applies `type` to each). */
function itemParser(options: ArgumentOptions): Pick<OptionSpec, 'parse' | 'typeName'> {
  const type = options.type;
  if (typeof type === 'function') return { parse: (text) => type(text) as OptionValue, typeName: type.name || 'value' };
  if (options.action !== 'append' && !options.nargs) return {};
  if (type === 'int') return { parse: (text) => parseIntOrThrow(text), typeName: 'int' };
  if (type === 'float') return { parse: (text) => parseFloatOrThrow(text), typeName: 'float' };
  return {};
}

function parseIntOrThrow(text: string): number {
  const n = pythonInt(text);
  if (n === null) throw new Error('not an int');
  return n;
}

function parseFloatOrThrow(text: string): number {
  const n = pythonFloat(text);
  if (n === null) throw new Error('not a float');
  return n;
}

/** A one-line reason `addArgument` cannot take these options, or null. */
function optionsProblem(flags: readonly string[], options: ArgumentOptions): string | null {
  const call = `addArgument(${flags.map((f) => `'${f}'`).join(', ')})`;
  if (!flags.some((f) => f.startsWith('--')) || flags.some((f) => !f.startsWith('-'))) return `${call}: give a --long-flag (and optionally a -s short one)`;
  for (const key of Object.keys(options)) {
    if ((ARGUMENT_OPTION_KEYS as readonly string[]).includes(key)) continue;
    const ours = PYTHON_SPELLINGS[key];
    const hint = ours ? `: Locust's ${key} is spelled ${ours} here` : ` (Locust's add_argument has ${ARGUMENT_OPTION_KEYS.join(', ')})`;
    return `${call}: unknown option key '${key}'${hint}`;
  }
  if (options.action !== undefined && !['store', 'store_true', 'store_false', 'append'].includes(options.action)) {
    return `${call}: unknown action '${String(options.action)}' (store, store_true, store_false or append)`;
  }
  if (options.nargs !== undefined && options.nargs !== '*' && options.nargs !== '+') return `${call}: nargs must be '*' or '+'`;
  const type = options.type;
  if (type !== undefined && typeof type !== 'function' && !['string', 'int', 'float', 'flag'].includes(type)) {
    return `${call}: unknown type '${String(type)}' ('string', 'int', 'float' or a function of the text)`;
  }
  return null;
}

/** Collects `addArgument` calls; `specs` is the result, `problems` the refused calls (one line each). */
export class CustomArgumentParser implements ArgumentParser {
  readonly specs: CustomOptionSpec[] = [];
  readonly problems: string[] = [];

  addArgument(...args: [string, ArgumentOptions?] | [string, string, ArgumentOptions?]): void {
    const flags = args.filter((a): a is string => typeof a === 'string');
    const options = (args.find((a) => typeof a === 'object' && a !== null) ?? {}) as ArgumentOptions;
    const problem = optionsProblem(flags, options);
    if (problem) {
      // reported by prepare() as one line; a throw here would be logged as a listener failure
      this.problems.push(problem);
      return;
    }
    const long = flags.find((f) => f.startsWith('--'))!;
    const dest = options.dest ?? long.slice(2).replaceAll('-', '_');
    const kind = kindOf(options);
    const flagValue = options.action !== 'store_false';
    const fallback: OptionValue = kind === 'flag' ? !flagValue : null;
    this.specs.push({
      dest,
      flags,
      kind,
      default: options.default === undefined ? fallback : (options.default as OptionValue),
      // ConfigArgParse reads the environment only for options given an env_var
      ...(options.envVar ? { env: options.envVar } : {}),
      ...(options.metavar ? { metavar: options.metavar } : {}),
      ...(options.choices ? { choices: [...options.choices] } : {}),
      ...(options.nargs ? { nargs: options.nargs } : {}),
      ...(kind === 'flag' ? { flagValue } : {}),
      ...itemParser(options),
      help: options.help ?? '',
      group: CUSTOM_GROUP,
      includeInWebUi: options.includeInWebUi ?? true,
      isSecret: options.isSecret ?? false,
      isRequired: options.isRequired ?? false,
      isMultiple: options.isMultiple ?? false,
      required: options.required ?? false,
    });
  }

  addArgumentGroup(): ArgumentParser {
    return this;
  }
}

/** Check `choices` and `required` after parsing: one argparse-style line, or null. */
export function customOptionProblem(specs: readonly CustomOptionSpec[], values: Record<string, unknown>): string | null {
  for (const spec of specs) {
    const value = values[spec.dest];
    if (spec.required && (value === null || value === undefined)) return `the following arguments are required: ${spec.flags.join('/')}`;
    // argparse checks what was given, not the default
    if (!spec.choices || value === spec.default || value === null || value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (!spec.choices.includes(item as string | number)) {
        return `argument ${spec.flags.join('/')}: invalid choice: ${pyRepr(item)} (choose from ${spec.choices.map(pyRepr).join(', ')})`;
      }
    }
  }
  return null;
}

function pyRepr(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

/** One field of the web UI's `extra_options` (newest Locust's `UIExtraArgOptions`). */
export interface UiExtraOption {
  default_value: unknown;
  is_secret: boolean;
  is_required: boolean;
  help_text: string;
  is_multiple: boolean;
  choices: readonly (string | number)[] | null;
}

/** The web UI's `extra_options` (newest Locust's `ui_extra_args_dict`). */
export function webUiExtraOptions(specs: readonly CustomOptionSpec[], values: Record<string, unknown>): Record<string, UiExtraOption> {
  const out: Record<string, UiExtraOption> = {};
  for (const spec of specs) {
    if (!spec.includeInWebUi) continue;
    out[spec.dest] = {
      default_value: values[spec.dest] ?? spec.default,
      is_secret: spec.isSecret,
      is_required: spec.isRequired,
      help_text: spec.help,
      is_multiple: spec.isMultiple,
      choices: spec.choices ?? null,
    };
  }
  return out;
}
