/**
 * The frame parser against a byte stream recorded from a real pyzmq DEALER
 * (fixtures/capture-dealer.py): cut anywhere — at every offset, and into single bytes — it reads
 * the same greeting, commands and frames the DEALER sent, and refuses what is not ZMTP 3.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ZmtpProtocolError } from '../errors.js';
import { parseCommand, parseProperties } from './commands.js';
import { FrameParser } from './frame-parser.js';

const STREAM = Buffer.from(readFileSync(new URL('./fixtures/pyzmq-dealer-stream.hex', import.meta.url), 'utf8').trim(), 'hex');
const IDENTITY = 'capture_0123456789abcdef';
/** What capture-dealer.py sent, message by message, after its handshake. */
const SENT_FRAMES = [
  { more: false, hex: Buffer.from('93a968656172746265617482a57374617465a57265616479b163757272656e745f6370755f7573616765cb3ff8000000000000b8' + Buffer.from(IDENTITY).toString('hex'), 'hex').toString('hex') },
  { more: false, hex: Buffer.alloc(1000, 'x').toString('hex') },
  { more: true, hex: Buffer.from('two').toString('hex') },
  { more: false, hex: Buffer.from('frames').toString('hex') },
  { more: false, hex: '' },
];

type Event = { kind: 'greeting' } | { kind: 'command'; name: string; data: string } | { kind: 'frame'; more: boolean; hex: string };

function parse(chunks: Buffer[], maxMessageSize = 1 << 20): Event[] {
  const events: Event[] = [];
  const parser = new FrameParser(
    {
      greeting: () => events.push({ kind: 'greeting' }),
      command: (body) => {
        const { name, data } = parseCommand(body);
        events.push({ kind: 'command', name, data: data.toString('hex') });
      },
      frame: (body, more) => events.push({ kind: 'frame', more, hex: body.toString('hex') }),
    },
    maxMessageSize,
  );
  for (const chunk of chunks) parser.feed(chunk);
  return events;
}

describe('FrameParser on a recorded pyzmq DEALER stream', () => {
  const whole = parse([STREAM]);

  it('reads the greeting, a READY with the DEALER socket type and identity, PINGs, and the frames sent', () => {
    expect(whole[0]).toEqual({ kind: 'greeting' });
    const commands = whole.filter((e) => e.kind === 'command');
    expect(commands[0]?.name).toBe('READY');
    const properties = parseProperties(Buffer.from(commands[0]?.data ?? '', 'hex'));
    expect(properties.get('socket-type')?.toString()).toBe('DEALER');
    expect(properties.get('identity')?.toString()).toBe(IDENTITY);
    // The heartbeat interval made libzmq send PING (TTL 0, no context) between the messages.
    expect(commands.slice(1).length).toBeGreaterThan(0);
    expect(commands.slice(1).every((c) => c.name === 'PING' && c.data === '0000')).toBe(true);
    expect(whole.filter((e) => e.kind === 'frame')).toEqual(SENT_FRAMES.map((f) => ({ kind: 'frame', ...f })));
  });

  it('reads the same events with the stream cut at every offset', () => {
    for (let cut = 1; cut < STREAM.length; cut++) {
      expect(parse([STREAM.subarray(0, cut), STREAM.subarray(cut)]), `cut at ${cut}`).toEqual(whole);
    }
  });

  it('reads the same events fed one byte at a time', () => {
    expect(parse([...STREAM].map((b) => Buffer.from([b])))).toEqual(whole);
  });

  it('refuses a message over the size cap at its header, before its body arrives', () => {
    const headerOfLong = STREAM.indexOf(Buffer.from([0x02, 0, 0, 0, 0, 0, 0, 0x03, 0xe8])); // the 1000-byte frame
    expect(headerOfLong).toBeGreaterThan(0);
    expect(() => parse([STREAM.subarray(0, headerOfLong + 9)], 999)).toThrow(ZmtpProtocolError);
    expect(() => parse([STREAM.subarray(0, headerOfLong + 9)], 1000)).not.toThrow();
  });

  it('refuses what is not a ZMTP 3 greeting at the first wrong byte', () => {
    expect(() => parse([Buffer.from('GET / HTTP/1.1\r\n')])).toThrow(/not a ZMTP greeting/);
    const zmtp2 = Buffer.from(STREAM.subarray(0, 11));
    zmtp2[10] = 1;
    expect(() => parse([zmtp2])).toThrow(/ZMTP version 1/);
    const curve = Buffer.from(STREAM.subarray(0, 64));
    curve.write('CURVE', 12, 'latin1');
    expect(() => parse([curve])).toThrow(/CURVE/);
  });
});
