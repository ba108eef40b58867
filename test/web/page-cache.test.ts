import { describe, expect, it } from 'vitest';
import { createPageCache } from '../../web/client/page-cache.js';

/** The typed client's cache behind fetchLeadsFromApiCached, on an injected clock. */
describe('the client page cache', () => {
  const setup = (ttlMs = 1000) => {
    let now = 1000; // lru-cache takes a start time of 0 for "none".
    const cache = createPageCache<string>(ttlMs, () => now);
    let loads = 0;
    const load = (value: string) => () => {
      loads += 1;
      return Promise.resolve(`${value}#${loads}`);
    };
    return { cache, load, loads: () => loads, advance: (ms: number) => void (now += ms) };
  };

  it('serves a page from the cache until its TTL has passed, then loads it again', async () => {
    const t = setup();
    expect(await t.cache.get('c1', 'q', t.load('a'))).toBe('a#1');
    t.advance(999);
    expect(await t.cache.get('c1', 'q', t.load('a'))).toBe('a#1');
    t.advance(2);
    expect(await t.cache.get('c1', 'q', t.load('a'))).toBe('a#2');
    expect(t.loads()).toBe(2);
  });

  it('shares one load between callers that ask at once', async () => {
    const t = setup();
    const [a, b] = [t.cache.get('c1', 'q', t.load('a')), t.cache.get('c1', 'q', t.load('a'))];
    expect(a).toBe(b);
    expect(await b).toBe('a#1');
  });

  it('forgets a failed load, so the next call tries again', async () => {
    const t = setup();
    await expect(t.cache.get('c1', 'q', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await t.cache.get('c1', 'q', t.load('a'))).toBe('a#1');
  });

  it("drops one customer's pages, leaving the others, or all of them", async () => {
    const t = setup();
    await t.cache.get('c1', 'q1', t.load('a'));
    await t.cache.get('c1', 'q2', t.load('b'));
    await t.cache.get('c10', 'q1', t.load('c')); // An id the first one is a prefix of.
    t.cache.invalidate('c1');
    expect(await t.cache.get('c1', 'q1', t.load('a'))).toBe('a#4');
    expect(await t.cache.get('c1', 'q2', t.load('b'))).toBe('b#5');
    expect(await t.cache.get('c10', 'q1', t.load('c'))).toBe('c#3');
    t.cache.invalidate();
    expect(await t.cache.get('c10', 'q1', t.load('c'))).toBe('c#6');
  });

  it('keeps at most 500 pages, dropping the least recently used', async () => {
    const t = setup();
    for (let i = 0; i < 501; i += 1) await t.cache.get('c1', `q${i}`, t.load('p'));
    expect(await t.cache.get('c1', 'q500', t.load('p'))).toBe('p#501');
    expect(await t.cache.get('c1', 'q0', t.load('p'))).toBe('p#502');
  });

  it('caches nothing with a TTL of 0', async () => {
    const t = setup(0);
    await t.cache.get('c1', 'q', t.load('a'));
    expect(await t.cache.get('c1', 'q', t.load('a'))).toBe('a#2');
  });
});
