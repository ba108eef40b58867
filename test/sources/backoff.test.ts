import { describe, expect, it } from 'vitest';
import { LeadsyncError, toLeadsyncError } from '../../src/errors.js';
import { MAX_RETRY_AFTER_MS, retryDelayMs, shouldRetry } from '../../src/sources/backoff.js';

const DEFAULTS = { baseMs: 1000, maxMs: 10_000 };
const plain = new LeadsyncError('SHEET_UNAVAILABLE');
const always = (value: number) => () => value;

describe('retryDelayMs', () => {
  it('follows 1 s → 2 s → 4 s → 8 s → 10 s at the top of the jitter range', () => {
    const delays = [1, 2, 3, 4, 5, 6, 12].map((n) => retryDelayMs(n, plain, DEFAULTS, always(1)));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });

  it('never waits less than half the nominal delay (equal jitter)', () => {
    const delays = [1, 2, 3, 4, 5].map((n) => retryDelayMs(n, plain, DEFAULTS, always(0)));
    expect(delays).toEqual([500, 1000, 2000, 4000, 5000]);
  });

  it('spreads the other half with the random value', () => {
    expect(retryDelayMs(1, plain, DEFAULTS, always(0.5))).toBe(750);
    expect(retryDelayMs(3, plain, DEFAULTS, always(0.25))).toBe(2500);
    expect(retryDelayMs(2, plain, { baseMs: 300, maxMs: 1000 }, always(0.1))).toBe(330);
  });

  it('treats attempt 0 like the first retry and survives absurd attempts', () => {
    expect(retryDelayMs(0, plain, DEFAULTS, always(1))).toBe(1000);
    expect(retryDelayMs(10_000, plain, DEFAULTS, always(1))).toBe(10_000);
  });

  it('clamps a random source that misbehaves', () => {
    expect(retryDelayMs(1, plain, DEFAULTS, always(7))).toBe(1000);
    expect(retryDelayMs(1, plain, DEFAULTS, always(-1))).toBe(500);
    expect(retryDelayMs(1, plain, DEFAULTS, always(Number.NaN))).toBe(500);
  });

  it('waits at least as long as Retry-After asked', () => {
    const limited = new LeadsyncError('SHEET_RATE_LIMITED', undefined, { retryAfterSeconds: 30 });
    expect(retryDelayMs(1, limited, DEFAULTS, always(1))).toBe(30_000);
  });

  it('keeps the backoff when it is longer than Retry-After', () => {
    const limited = new LeadsyncError('SHEET_RATE_LIMITED', undefined, { retryAfterSeconds: 1 });
    expect(retryDelayMs(4, limited, DEFAULTS, always(1))).toBe(8000);
  });

  it('caps Retry-After at 5 minutes', () => {
    const limited = new LeadsyncError('SHEET_UNAVAILABLE', undefined, { retryAfterSeconds: 86_400 });
    expect(retryDelayMs(1, limited, DEFAULTS, always(0))).toBe(MAX_RETRY_AFTER_MS);
    expect(MAX_RETRY_AFTER_MS).toBe(300_000);
  });
});

describe('shouldRetry', () => {
  it('retries retryable errors up to maxRetries times', () => {
    expect([0, 1, 2, 3, 4].map((done) => shouldRetry(plain, done, 3))).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
  });

  it('never retries errors that cannot get better', () => {
    for (const code of [
      'SHEET_NOT_PUBLIC',
      'SHEET_TAB_NOT_FOUND',
      'SHEET_NOT_CSV',
      'SOURCE_FORBIDDEN',
      'INTERNAL',
    ] as const) {
      expect(shouldRetry(new LeadsyncError(code), 0, 3)).toBe(false);
    }
  });

  it('never retries an unknown error (a bug), wrapped as INTERNAL', () => {
    expect(shouldRetry(toLeadsyncError(new TypeError('x is undefined')), 0, 3)).toBe(false);
  });

  it('retries nothing when retries are off', () => {
    expect(shouldRetry(plain, 0, 0)).toBe(false);
  });

  it('honours a retryable override on the error', () => {
    expect(
      shouldRetry(new LeadsyncError('SHEET_UNAVAILABLE', 'bad certificate', { retryable: false }), 0, 3),
    ).toBe(false);
  });
});
