/** The golden capture frames (`shared/protocol/captures/*.jsonl`, see its README). */
import { readFileSync, readdirSync } from 'node:fs';
import { CAPTURES_DIR } from './paths.js';

export type CaptureDirection = 'worker->master' | 'master->worker';

export interface CapturedFrame {
  file: string;
  seq: number;
  dir: CaptureDirection;
  /** The worker's ZMQ identity (= node_id in every capture). */
  identity: string;
  /** Absent for undecodable payloads. */
  type?: string;
  /** The exact payload bytes. */
  payload: Buffer;
  /** Python's decoded view; numeric map keys are `repr` strings ("130", "130.0"). */
  data?: unknown;
  /** Set when Python could not decode the payload. */
  decodeError?: string;
}

interface CaptureRecord {
  seq: number;
  kind: string;
  dir?: CaptureDirection;
  identity?: string;
  type?: string;
  payload_b64?: string;
  data?: unknown;
  decode_error?: string;
}

/** Session capture files (not the `.web.jsonl` REST logs). */
export function captureFiles(): string[] {
  return readdirSync(CAPTURES_DIR)
    .filter((f) => f.endsWith('.jsonl') && !f.endsWith('.web.jsonl'))
    .sort();
}

/** Every `kind: "message"` record of one capture file, in order. */
export function loadCapturedFrames(file: string): CapturedFrame[] {
  const frames: CapturedFrame[] = [];
  for (const line of readFileSync(`${CAPTURES_DIR}/${file}`, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as CaptureRecord;
    if (r.kind !== 'message' || !r.dir || r.payload_b64 === undefined) continue;
    const frame: CapturedFrame = {
      file,
      seq: r.seq,
      dir: r.dir,
      identity: r.identity ?? '',
      payload: Buffer.from(r.payload_b64, 'base64'),
    };
    if (r.type !== undefined) frame.type = r.type;
    if ('data' in r) frame.data = r.data;
    if (r.decode_error !== undefined) frame.decodeError = r.decode_error;
    frames.push(frame);
  }
  return frames;
}

/** The first captured frame of `type` in `dir` of `file` (throws if there is none). */
export function findCapturedFrame(file: string, dir: CaptureDirection, type: string): CapturedFrame {
  const frame = loadCapturedFrames(file).find((f) => f.dir === dir && f.type === type);
  if (!frame) throw new Error(`no ${dir} '${type}' frame in ${file}`);
  return frame;
}
