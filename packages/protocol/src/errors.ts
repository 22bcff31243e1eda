/**
 * Every error locust-ts reports to a person: one line, a class per kind and a stable code,
 * all made here (the fastify `lib/errors.js` way: `createError(code, name)`). A caller matches
 * the class (`instanceof`) or the `code`; the CLI prints the message as is. Packages re-export
 * their own kinds from where their callers import them.
 */

/** An error with a stable code (`LOCUST_TS_…`). */
export interface CodedError extends Error {
  readonly code: string;
}

/** A class of one-line errors with this code and name (its instances say `name: message` in a stack). */
export function createError(code: string, name: string): new (message: string, options?: ErrorOptions) => CodedError {
  return class extends Error implements CodedError {
    readonly code = code;
    override readonly name = name;
  };
}

/** The errno-style code of an error or of its cause chain (fetch and client-node wrap the socket error). */
export function errnoCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

// ---------------------------------------------------------------- the wire (protocol)

/** A payload that is not a valid Locust envelope (bad msgpack, trailing bytes, wrong shape). */
export class FrameDecodeError extends createError('LOCUST_TS_FRAME_DECODE', 'FrameDecodeError') {}

/** A ZMTP peer that breaks the wire protocol (bad greeting, handshake or frame): its connection is closed. */
export class ZmtpProtocolError extends createError('LOCUST_TS_ZMTP', 'ZmtpProtocolError') {}

/** A well-formed envelope whose `data` does not match what its message type requires. */
export class MessageValidationError extends createError('LOCUST_TS_MESSAGE_INVALID', 'MessageValidationError') {
  constructor(
    readonly messageType: string,
    detail: string,
  ) {
    super(`invalid '${messageType}' message: ${detail}`);
  }
}

/**
 * An `update_user_class` map (spec §3.12) with a value that cannot work: one line for the log
 * and the HTTP answer. Master (`POST /user`) and worker refuse the same values with the same text.
 */
export class UserClassUpdateError extends createError('LOCUST_TS_USER_CLASS_UPDATE', 'UserClassUpdateError') {}

// ---------------------------------------------------------------- the master

/** A master that cannot start (port busy, no user classes): one clear line for the CLI to print. */
export class MasterStartError extends createError('LOCUST_TS_MASTER_START', 'MasterStartError') {}

/** An arrival-rate start or rate change that cannot be applied: one line for the log or the CLI. */
export class ArrivalRateError extends createError('LOCUST_TS_ARRIVAL_RATE', 'ArrivalRateError') {}

/** A `--shape` spec that cannot be used; the message names the bad part. */
export class ShapeSpecError extends createError('LOCUST_TS_SHAPE_SPEC', 'ShapeSpecError') {}

/** `--web-auth` not in Locust's `user:pass` form (Locust's own text). */
export class WebAuthFormatError extends createError('LOCUST_TS_WEB_AUTH', 'WebAuthFormatError') {
  constructor() {
    super("Invalid --web-auth value. It should be a string in the following format: 'user:pass'");
  }
}

/** An `--assert-scale` expression that does not parse; the message names the bad part. */
export class ScaleAssertionSyntaxError extends createError('LOCUST_TS_SCALE_ASSERTION', 'ScaleAssertionSyntaxError') {}

/** A Python locustfile whose user classes the master cannot read. */
export class UserClassLoadError extends createError('LOCUST_TS_USER_CLASS_LOAD', 'UserClassLoadError') {}

// ---------------------------------------------------------------- the worker

/** A locustfile that cannot be used. Its message is one line, printed as is by the CLI (exit 1). */
export class LocustfileError extends createError('LOCUST_TS_LOCUSTFILE', 'LocustfileError') {}

/** A wait time built with bad arguments, e.g. `between(2, 1)`. */
export class WaitTimeError extends createError('LOCUST_TS_WAIT_TIME', 'WaitTimeError') {}

// ---------------------------------------------------------------- the CLI, `pnpm dev`, deploy

/** argparse's exit code for a bad command line. */
export const EXIT_USAGE = 2;

/** A bad flag, value or combination: printed as one `locust-ts: error: ...` line. */
export class UsageError extends createError('LOCUST_TS_USAGE', 'UsageError') {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_USAGE,
  ) {
    super(message);
  }
}

/** A bad `pnpm dev` option (one `pnpm dev:` line). */
export class DevUsageError extends createError('LOCUST_TS_DEV_USAGE', 'Error') {}

/** A bad scale-watch option; the CLI turns it into its usage error (exit 2). */
export class ScaleOptionError extends createError('LOCUST_TS_SCALE_OPTION', 'Error') {}

/** A kubeconfig or in-cluster account that cannot be used. */
export class KubeConfigError extends createError('LOCUST_TS_KUBECONFIG', 'KubeConfigError') {}

/** A failure the deploy tool explains itself; `message` is the whole one-line report. */
export class DeployError extends createError('LOCUST_TS_DEPLOY', 'DeployError') {}
