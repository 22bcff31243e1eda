import { describe, expect, it } from 'vitest';
import * as errors from './errors.js';
import { ArrivalRateError, UsageError, createError, errnoCode } from './errors.js';

describe('errors with codes', () => {
  it('makes a class whose instances carry its code and name and are still Errors', () => {
    const Kind = createError('LOCUST_TS_TEST', 'TestError');
    const err = new Kind('one line');
    expect(err).toBeInstanceOf(Kind);
    expect(err).toBeInstanceOf(Error);
    expect([err.code, err.name, err.message]).toEqual(['LOCUST_TS_TEST', 'TestError', 'one line']);
    expect(String(err)).toBe('TestError: one line');
  });

  it('gives every kind its own code, so a caller can match the code instead of the text', () => {
    const codes = Object.values(errors)
      .filter((v): v is new (message: string) => errors.CodedError => typeof v === 'function' && v.prototype instanceof Error)
      .map((Kind) => new Kind('x').code);
    expect(codes.length).toBeGreaterThan(10);
    expect(new Set(codes).size).toBe(codes.length);
    expect(new ArrivalRateError('x')).not.toBeInstanceOf(UsageError);
  });

  it("keeps a usage error's exit code (argparse's 2 unless told)", () => {
    expect(new UsageError('bad').exitCode).toBe(errors.EXIT_USAGE);
    expect(new UsageError('bad', 1).exitCode).toBe(1);
  });

  it('finds the errno code of an error or of the error that caused it', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(errnoCode(refused)).toBe('ECONNREFUSED');
    expect(errnoCode(new Error('fetch failed', { cause: refused }))).toBe('ECONNREFUSED');
    expect(errnoCode(new Error('plain'))).toBeUndefined();
    expect(errnoCode(undefined)).toBeUndefined();
  });
});
