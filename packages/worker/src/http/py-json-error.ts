/**
 * Python's `json.loads` error text (`Expecting value: line 1 column 1 (char 0)`) for a body
 * that is not JSON: `rest()` ends its failure with it, as Locust's does, so rows merge with
 * Python workers'. A scanner in the order of CPython's `_json.c` (Python 3.11's messages),
 * run only on a body `JSON.parse` already refused. Positions count code points, as Python's str.
 */

class PyJsonError extends Error {
  constructor(
    readonly msg: string,
    readonly pos: number,
  ) {
    super(msg);
  }
}

const WS = new Set([' ', '\t', '\n', '\r']);
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/;

class Scanner {
  constructor(private readonly s: string[]) {}

  ws(i: number): number {
    while (i < this.s.length && WS.has(this.s[i]!)) i++;
    return i;
  }

  startsWith(word: string, i: number): boolean {
    return this.s.slice(i, i + word.length).join('') === word;
  }

  /** One value at `i`; returns the index after it. */
  value(i: number): number {
    const c = this.s[i];
    if (c === '"') return this.string(i + 1);
    if (c === '{') return this.object(i + 1);
    if (c === '[') return this.array(i + 1);
    for (const word of ['null', 'true', 'false', 'NaN', 'Infinity', '-Infinity']) if (this.startsWith(word, i)) return i + word.length;
    const m = NUMBER.exec(this.s.slice(i, i + 400).join(''));
    if (m) return i + [...m[0]].length;
    throw new PyJsonError('Expecting value', i);
  }

  string(i: number): number {
    const begin = i - 1;
    for (;;) {
      if (i >= this.s.length) throw new PyJsonError('Unterminated string starting at', begin);
      const c = this.s[i]!;
      if (c === '"') return i + 1;
      if (c === '\\') {
        i++;
        if (i >= this.s.length) throw new PyJsonError('Unterminated string starting at', begin);
        const e = this.s[i]!;
        if (e === 'u') {
          const hex = this.s.slice(i + 1, i + 5).join('');
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new PyJsonError('Invalid \\uXXXX escape', i);
          i += 5;
        } else if ('"\\/bfnrt'.includes(e)) i++;
        else throw new PyJsonError('Invalid \\escape', i - 1);
      } else if (c.charCodeAt(0) < 0x20) throw new PyJsonError('Invalid control character at', i);
      else i++;
    }
  }

  object(i: number): number {
    i = this.ws(i);
    if (this.s[i] === '}') return i + 1;
    for (;;) {
      if (this.s[i] !== '"') throw new PyJsonError('Expecting property name enclosed in double quotes', i);
      i = this.ws(this.string(i + 1));
      if (this.s[i] !== ':') throw new PyJsonError("Expecting ':' delimiter", i);
      i = this.ws(this.value(this.ws(i + 1)));
      if (this.s[i] === '}') return i + 1;
      if (this.s[i] !== ',') throw new PyJsonError("Expecting ',' delimiter", i);
      i = this.ws(i + 1);
    }
  }

  array(i: number): number {
    i = this.ws(i);
    if (this.s[i] === ']') return i + 1;
    for (;;) {
      i = this.ws(this.value(i));
      if (this.s[i] === ']') return i + 1;
      if (this.s[i] !== ',') throw new PyJsonError("Expecting ',' delimiter", i);
      i = this.ws(i + 1);
    }
  }
}

/** `str(JSONDecodeError)` for `text`, or null when Python would parse it (NaN, Infinity). */
export function pythonJsonError(text: string): string | null {
  const chars = [...text];
  const scanner = new Scanner(chars);
  try {
    const end = scanner.ws(scanner.value(scanner.ws(0)));
    if (end !== chars.length) throw new PyJsonError('Extra data', end);
    return null;
  } catch (err) {
    if (!(err instanceof PyJsonError)) throw err;
    const before = chars.slice(0, err.pos);
    const line = before.filter((c) => c === '\n').length + 1;
    const lastNewline = before.lastIndexOf('\n');
    const column = err.pos - lastNewline;
    return `${err.msg}: line ${line} column ${column} (char ${err.pos})`;
  }
}
