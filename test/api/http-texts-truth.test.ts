/**
 * The texts behind FastHttpUser's and rest()'s failure rows, each against real Python on this
 * machine: Python's `json.loads` errors (the ending of rest()'s "Could not parse response as JSON"),
 * geventhttpclient 2.0.8's `BadStatusCode`/`RetriesExceeded` reprs (Locust 2.12.1's FastHttpUser),
 * and the newest Locust's `LocustBadStatusCode` on the newest geventhttpclient's ConnectionError
 * (test/api/fixtures/newest_fast_errors.py, copied verbatim). URLs with quotes and parentheses
 * included: the reprs rewrite every ')'.
 */
import { describe, expect, it } from 'vitest';
import { DEBIAN_LOCUST_VERSION, LOCUST_PROTOCOL_VERSION, textsVersionFor } from '@locust-ts/protocol';
import { badStatusCodeText, connectionErrorTexts, fastStatusIsValid } from '../../packages/worker/src/http/error-text.js';
import { pythonJsonError } from '../../packages/worker/src/http/py-json-error.js';
import { runPythonJson } from '@locust-ts/test-support/python';

const BODIES = [
  'plain words', '', ' ', '<h1>not found</h1>', '{"a": 1,}', '[1,2,]', '{"a" 1}', "{'a': 1}", '[1 2]', '123abc',
  '{"a": "b\nc"}', '"abc', '"a\\qb"', '"\\u12G4"', '{"x": [1, {"y": tru}]}', '\n\n  nope', 'é{', '{"a":1} {"b":2}',
  '-', '-Infinity', 'NaN', '[', '{', '{"a"', '{"a":', '1.', '01', '[1,\n 2,\n x]', '😀 {', '{"😀": x}',
];

const URLS = [
  'http://127.0.0.1:8089/checkout/confirm',
  "http://api.local/it's",
  'http://api.local/a(b)c?q=(1)',
  'http://api.local/say"hi"',
];

describe('rest() JSON failure endings are Python json.loads errors', () => {
  it('each body: the same `Expecting value: line 1 column 1 (char 0)` text, or none where Python reads it', async () => {
    const python = await runPythonJson<Array<string | null>>(
      `
import json, sys
out = []
for s in json.load(sys.stdin):
    try:
        json.loads(s)
        out.append(None)
    except json.JSONDecodeError as e:
        out.append(str(e))
print(json.dumps(out))
`,
      BODIES,
    );
    expect(BODIES.map((b) => pythonJsonError(b))).toEqual(python);
  });
});

describe("FastHttpUser's status and timeout texts are geventhttpclient's reprs", () => {
  it("Locust 2.12.1: BadStatusCode('url', code=N) and RetriesExceeded('url', 1, original=timed out), as installed", async () => {
    const python = await runPythonJson<string[][]>(
      `
import json, sys, socket
from geventhttpclient.useragent import BadStatusCode, RetriesExceeded
out = []
for url in json.load(sys.stdin):
    out.append([repr(BadStatusCode(url, code=500)), repr(BadStatusCode(url, code=404)), repr(RetriesExceeded(url, 1, original=socket.timeout("timed out"))), str(RetriesExceeded(url, 1, original=socket.timeout("timed out")))])
print(json.dumps(out))
`,
      URLS,
    );
    const timeout = { code: 'UND_ERR_HEADERS_TIMEOUT' };
    const ts = URLS.map((url) => {
      const t = connectionErrorTexts(timeout, { host: '', port: 0, url, timeoutSeconds: 1 }, 'fast', DEBIAN_LOCUST_VERSION);
      return [badStatusCodeText(url, 500, DEBIAN_LOCUST_VERSION), badStatusCodeText(url, 404, DEBIAN_LOCUST_VERSION), t.repr, t.str];
    });
    expect(ts).toEqual(python);
  });

  it('the newest Locust: LocustBadStatusCode(code=N) and RetriesExceeded(url, 0, …), from its own classes', async () => {
    const python = await runPythonJson<string[][]>(
      `
import json, sys, socket, runpy
ns = runpy.run_path("test/api/fixtures/newest_fast_errors.py")
Bad, Retries = ns["LocustBadStatusCode"], ns["RetriesExceeded"]
out = []
for url in json.load(sys.stdin):
    out.append([repr(Bad(url, code=500)), repr(Retries(url, 0, original=socket.timeout("timed out"))), str(Retries(url, 0, original=socket.timeout("timed out")))])
print(json.dumps(out))
`,
      URLS,
    );
    const timeout = { code: 'UND_ERR_BODY_TIMEOUT' };
    const ts = URLS.map((url) => {
      const t = connectionErrorTexts(timeout, { host: '', port: 0, url, timeoutSeconds: 1 }, 'fast', LOCUST_PROTOCOL_VERSION);
      return [badStatusCodeText(url, 500, LOCUST_PROTOCOL_VERSION), t.repr, t.str];
    });
    expect(ts).toEqual(python);
  });

  it("connection refused and DNS failures: repr for the row, Python's str for rest()", async () => {
    const python = await runPythonJson<string[][]>(
      `
import json, sys, socket
errs = [ConnectionRefusedError(111, "Connection refused"), socket.gaierror(-2, "Name or service not known")]
print(json.dumps([[repr(e), str(e)] for e in errs]))
`,
      null,
    );
    const req = { host: '', port: 0, url: 'http://x/', timeoutSeconds: null };
    const ts = ['ECONNREFUSED', 'ENOTFOUND'].map((code) => connectionErrorTexts({ code }, req, 'fast', DEBIAN_LOCUST_VERSION)).map((t) => [t.repr, t.str]);
    expect(ts).toEqual(python);
  });

  it("valid codes: 2.12.1's geventhttpclient list; 304 and 308 only since Locust 2.41.4", async () => {
    const python = await runPythonJson<number[]>(
      `
import json
from locust.contrib.fasthttp import LocustUserAgent
print(json.dumps(sorted(LocustUserAgent.valid_response_codes)))
`,
      null,
    );
    const codes = Array.from({ length: 500 }, (_, i) => 100 + i);
    expect(codes.filter((c) => fastStatusIsValid(c, DEBIAN_LOCUST_VERSION))).toEqual(python);
    expect(codes.filter((c) => fastStatusIsValid(c, LOCUST_PROTOCOL_VERSION))).toEqual([...python, 304, 308].sort((a, b) => a - b));
  });
});

describe("the release a master's locust-ts workers write texts for", () => {
  it("its Python workers' (Debian's empty version is 2.12.1; the oldest of several), else the newest", () => {
    const tsWorker = `${LOCUST_PROTOCOL_VERSION}+locust-ts.0.2.0`;
    expect(textsVersionFor([tsWorker])).toBe(LOCUST_PROTOCOL_VERSION);
    expect(textsVersionFor([])).toBe(LOCUST_PROTOCOL_VERSION);
    expect(textsVersionFor([tsWorker, ''])).toBe('2.12.1');
    expect(textsVersionFor(['2.33.0', tsWorker, '2.20.1'])).toBe('2.20.1');
    expect(textsVersionFor(['2.46.3'])).toBe('2.46.3');
  });
});
