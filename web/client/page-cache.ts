import { LRUCache } from 'lru-cache';

/** How many (customer, query) pages the client keeps at most. */
const MAX_PAGES = 500;

/**
 * Pages of leads kept for a while (lru-cache's TTL; no timers, so a Node script still exits),
 * keyed by customer so one customer's pages can be dropped at once. The dashboard does not use
 * it (react-query's staleTime serves it); this backs the seed's `fetchLeadsFromApiCached`.
 */
export function createPageCache<T>(ttlMs: number, now: () => number = () => performance.now()) {
  const pages =
    ttlMs > 0
      ? new LRUCache<string, Promise<T>>({ max: MAX_PAGES, ttl: ttlMs, ttlResolution: 0, perf: { now } })
      : null;
  const prefix = (customerId: string) => `${JSON.stringify(customerId)}\n`;
  return {
    /** The cached page for (customerId, key), or `load()`'s, kept for the TTL. */
    get(customerId: string, key: string, load: () => Promise<T>): Promise<T> {
      if (!pages) return load();
      const id = prefix(customerId) + key;
      const hit = pages.get(id);
      if (hit) return hit;
      const page = load();
      pages.set(id, page);
      // A failed load is not remembered: the next call tries again.
      page.catch(() => {
        if (pages.peek(id) === page) pages.delete(id);
      });
      return page;
    },
    /** Forgets one customer's pages, or every page when no id is given. */
    invalidate(customerId?: string): void {
      if (!pages) return;
      if (customerId === undefined) return pages.clear();
      const start = prefix(customerId);
      for (const id of [...pages.keys()]) if (id.startsWith(start)) pages.delete(id);
    },
  };
}
