/**
 * The ZMTP 3.x greeting (rfc 23/ZMTP §"Version negotiation", 37/ZMTP): 64 bytes each side sends
 * first. Ours says version 3.1, mechanism NULL, as-server 0; a peer's is checked byte by byte
 * as it arrives, so a peer that is not ZMTP 3 (an HTTP request, a port scanner, ZMTP 1/2) is
 * turned away at its first wrong byte instead of after 64.
 */

export const GREETING_SIZE = 64;

/** signature: 0xFF, 8 bytes padding, 0x7F (bit 0 set = "ZMTP 2 or later follows"). */
const SIGNATURE_FIRST = 0xff;
const SIGNATURE_LAST_OFFSET = 9;
const VERSION_MAJOR_OFFSET = 10;
const VERSION_MINOR_OFFSET = 11;
const MECHANISM_OFFSET = 12;
const MECHANISM_SIZE = 20;

/** The lowest major version spoken: libzmq 4.x, pyzmq and zeromq.js all send 3. */
export const ZMTP_MAJOR = 3;
/** 3.1 adds PING/PONG (rfc 37); a 3.0 peer simply never sends them. */
export const ZMTP_MINOR = 1;

/** NULL: no security, the only mechanism Locust uses. */
const NULL_MECHANISM = 'NULL';

/** Our greeting, the same bytes for every connection. */
export const OUR_GREETING: Buffer = (() => {
  const g = Buffer.alloc(GREETING_SIZE);
  g[0] = SIGNATURE_FIRST;
  // libzmq writes its identity's length + 1 into the last padding byte (for ZMTP 1.0 peers); a
  // ROUTER has none, so 1: our greeting is then byte for byte libzmq's ROUTER's.
  g[SIGNATURE_LAST_OFFSET - 1] = 1;
  g[SIGNATURE_LAST_OFFSET] = 0x7f;
  g[VERSION_MAJOR_OFFSET] = ZMTP_MAJOR;
  g[VERSION_MINOR_OFFSET] = ZMTP_MINOR;
  g.write(NULL_MECHANISM, MECHANISM_OFFSET, 'latin1');
  // as-server (offset 32) 0 and the filler stay zero.
  return g;
})();

/**
 * Why the first `filled` bytes of a peer's greeting cannot be ZMTP 3 with NULL, or null while
 * they still can. Called as bytes arrive; each check runs once its byte is there.
 */
export function greetingProblem(greeting: Buffer, filled: number): string | null {
  if (filled > 0 && greeting[0] !== SIGNATURE_FIRST) return `not a ZMTP greeting (first byte 0x${hex(greeting[0])})`;
  if (filled > SIGNATURE_LAST_OFFSET && ((greeting[SIGNATURE_LAST_OFFSET] ?? 0) & 1) === 0) return 'a ZMTP 1.0 peer (unsupported)';
  if (filled > VERSION_MAJOR_OFFSET && (greeting[VERSION_MAJOR_OFFSET] ?? 0) < ZMTP_MAJOR) {
    return `ZMTP version ${greeting[VERSION_MAJOR_OFFSET]} (3 or later needed)`;
  }
  if (filled >= MECHANISM_OFFSET + MECHANISM_SIZE) {
    const mechanism = greeting.toString('latin1', MECHANISM_OFFSET, MECHANISM_OFFSET + MECHANISM_SIZE).replace(/\0+$/, '');
    if (mechanism !== NULL_MECHANISM) return `security mechanism '${mechanism}' (only NULL is spoken)`;
  }
  return null;
}

function hex(byte: number | undefined): string {
  return (byte ?? 0).toString(16).padStart(2, '0');
}
