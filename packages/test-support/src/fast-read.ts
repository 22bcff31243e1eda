/** What the master's byte readers (packages/protocol/src/fast-read) are checked against. */
import { decodeFlatMessage, parseWorkerMessage } from '@locust-ts/protocol';
import { type CapturedFrame, captureFiles, loadCapturedFrames } from './captures.js';

/** What the master's general path makes of a payload, or the error it throws. */
export function generalRead(payload: Buffer): unknown {
  try {
    return parseWorkerMessage(decodeFlatMessage(payload));
  } catch (err) {
    return err;
  }
}

/** Every recorded worker→master frame, of every capture. */
export function recordedWorkerFrames(): CapturedFrame[] {
  return captureFiles()
    .flatMap((file) => loadCapturedFrames(file))
    .filter((f) => f.dir === 'worker->master');
}

/**
 * Damaged copies of a payload: cut at every length, one nil byte appended, and every byte set to
 * each of `values` and to itself with its low bit flipped.
 */
export function damagedCopies(payload: Buffer, values: readonly number[]): Buffer[] {
  const copies: Buffer[] = [];
  for (let cut = 0; cut < payload.length; cut++) copies.push(payload.subarray(0, cut));
  copies.push(Buffer.concat([payload, Buffer.from([0xc0])]));
  for (let i = 0; i < payload.length; i++) {
    for (const value of [...values, payload[i]! ^ 0x01]) {
      const copy = Buffer.from(payload);
      copy[i] = value;
      copies.push(copy);
    }
  }
  return copies;
}
