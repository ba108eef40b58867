import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/api/rate-limit.js';

function clock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe('RateLimiter (token bucket per key)', () => {
  it('allows a burst of perMinute, then refuses with the seconds until a token is back', () => {
    const c = clock();
    const limiter = new RateLimiter(30, c.now);
    for (let i = 0; i < 30; i++) expect(limiter.take('a')).toEqual({ allowed: true, retryAfterSeconds: 0 });
    // One token every 2 s.
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 2 });
    c.advance(1_500);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    c.advance(500);
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
  });

  it('refills continuously up to the burst size, not beyond', () => {
    const c = clock();
    const limiter = new RateLimiter(6, c.now);
    for (let i = 0; i < 6; i++) limiter.take('a');
    c.advance(60 * 60_000);
    let allowed = 0;
    while (limiter.take('a').allowed) allowed++;
    expect(allowed).toBe(6);
  });

  it('keeps keys apart: one customer hitting the limit does not limit another', () => {
    const c = clock();
    const limiter = new RateLimiter(2, c.now);
    limiter.take('a');
    limiter.take('a');
    expect(limiter.take('a').allowed).toBe(false);
    expect(limiter.take('b').allowed).toBe(true);
  });

  it('rounds Retry-After up to whole seconds, at least 1', () => {
    const c = clock();
    const limiter = new RateLimiter(1, c.now);
    limiter.take('a');
    expect(limiter.take('a').retryAfterSeconds).toBe(60);
    c.advance(59_001);
    expect(limiter.take('a').retryAfterSeconds).toBe(1);
    const fast = new RateLimiter(6000, c.now);
    for (let i = 0; i < 6000; i++) fast.take('x');
    expect(fast.take('x')).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it('drops full buckets when it holds too many keys, without forgetting a limited one', () => {
    const c = clock();
    const limiter = new RateLimiter(1, c.now, 3);
    limiter.take('limited');
    limiter.take('b');
    limiter.take('c');
    c.advance(60_000);
    // b and c are full again and may be dropped; `limited` is full too after a minute.
    limiter.take('d');
    limiter.take('limited');
    expect(limiter.take('limited').allowed).toBe(false);
  });
});
