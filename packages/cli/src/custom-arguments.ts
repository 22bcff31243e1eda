/**
 * Custom command-line arguments from a locustfile (Locust's `init_command_line_parser` event):
 *
 *   events.initCommandLineParser.addListener(({ parser }) =>
 *     parser.addArgument('--greeting', { default: 'hello', help: 'What to say', includeInWebUi: true }));
 *
 * Each becomes an {@link OptionSpec} like Locust's own options: command line, `LOCUST_GREETING`,
 * config files (`greeting = hi`), `--help`, `parsed_options` sent to workers, and the web UI form
 * (`extra_options`) unless `includeInWebUi: false`.
 */
import type { ArgumentOptions, ArgumentParser } from '@locust-ts/protocol';
import type { OptionKind, OptionSpec, OptionValue } from './option-specs.js';

export const CUSTOM_GROUP = 'Custom options';

/** A locustfile's option, with what the web UI needs beyond an OptionSpec. */
export interface CustomOptionSpec extends OptionSpec {
  includeInWebUi: boolean;
  isSecret: boolean;
  isRequired: boolean;
  choices: readonly string[] | null;
}

function kindOf(options: ArgumentOptions): OptionKind {
  if (options.action === 'store_true' || options.action === 'store_false' || options.type === 'flag') return 'flag';
  if (options.type === 'int') return 'int';
  if (options.type === 'float') return 'float';
  if (options.type === 'string') return 'string';
  if (typeof options.default === 'boolean') return 'flag';
  if (typeof options.default === 'number') return Number.isInteger(options.default) ? 'int' : 'float';
  return 'string';
}

/** Collects `addArgument` calls; `specs` is the result. */
export class CustomArgumentParser implements ArgumentParser {
  readonly specs: CustomOptionSpec[] = [];

  addArgument(...args: [string, ArgumentOptions?] | [string, string, ArgumentOptions?]): void {
    const flags = args.filter((a): a is string => typeof a === 'string');
    const options = (args.find((a) => typeof a === 'object') ?? {}) as ArgumentOptions;
    const long = flags.find((f) => f.startsWith('--'));
    if (!long || flags.some((f) => !f.startsWith('-'))) {
      throw new TypeError(`addArgument(${flags.map((f) => `'${f}'`).join(', ')}): give a --long-flag (and optionally a -s short one)`);
    }
    const dest = options.dest ?? long.slice(2).replaceAll('-', '_');
    const kind = kindOf(options);
    const fallback: OptionValue = kind === 'flag' ? options.action === 'store_false' : null;
    this.specs.push({
      dest,
      flags,
      kind,
      default: options.default === undefined ? fallback : options.default,
      env: options.envVar ?? `LOCUST_${dest.toUpperCase()}`,
      ...(options.metavar ? { metavar: options.metavar } : {}),
      help: options.help ?? '',
      group: CUSTOM_GROUP,
      includeInWebUi: options.includeInWebUi ?? true,
      isSecret: options.isSecret ?? false,
      isRequired: options.isRequired ?? false,
      choices: options.choices ? [...options.choices] : null,
    });
  }

  addArgumentGroup(): ArgumentParser {
    return this;
  }
}

/** Check `choices` and required options after parsing: one `UsageError`-style line, or null. */
export function customOptionProblem(specs: readonly CustomOptionSpec[], values: Record<string, unknown>): string | null {
  for (const spec of specs) {
    const value = values[spec.dest];
    if (spec.choices && value !== null && value !== undefined && !spec.choices.includes(String(value))) {
      return `argument ${spec.flags.join('/')}: invalid choice: '${String(value)}' (choose from ${spec.choices.map((c) => `'${c}'`).join(', ')})`;
    }
    if (spec.isRequired && (value === null || value === undefined)) return `the following arguments are required: ${spec.flags.join('/')}`;
  }
  return null;
}

/** One field of the web UI's `extra_options` (newest Locust's `UIExtraArgOptions`). */
export interface UiExtraOption {
  default_value: unknown;
  is_secret: boolean;
  is_required: boolean;
  help_text: string;
  is_multiple: boolean;
  choices: readonly string[] | null;
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
      is_multiple: false,
      choices: spec.choices,
    };
  }
  return out;
}
