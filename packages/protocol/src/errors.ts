/** Errors of the wire layer, one class per kind (the undici way). */

/** A payload that is not a valid Locust envelope (bad msgpack, trailing bytes, wrong shape). */
export class FrameDecodeError extends Error {
  override readonly name = 'FrameDecodeError';
}

/** A well-formed envelope whose `data` does not match what its message type requires. */
export class MessageValidationError extends Error {
  override readonly name = 'MessageValidationError';
  constructor(
    readonly messageType: string,
    detail: string,
  ) {
    super(`invalid '${messageType}' message: ${detail}`);
  }
}
