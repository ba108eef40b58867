import { LRUCache } from 'lru-cache';
import type { EventBus } from '../events/event-bus.js';

export type CacheState = 'hit' | 'miss' | 'off';

/**
 * Lead counts and first pages per customer, kept for `ttlSeconds` (0 turns the cache off).
 * Entries are dropped when a sync commits or a lead is edited: the `leads-changed` event reaches
 * every API process (over NOTIFY on PostgreSQL), so no process serves a stale count for long.
 */
export class LeadCache {
  private readonly cache: LRUCache<string, { value: unknown }> | null;

  constructor(
    readonly ttlSeconds: number,
    bus: EventBus,
    max = 10_000,
  ) {
    this.cache = ttlSeconds > 0 ? new LRUCache({ max, ttl: ttlSeconds * 1000 }) : null;
    bus.subscribe((event) => {
      if (event.type === 'leads-changed' || event.type === 'customer-deleted')
        this.invalidate(event.customerId);
    });
  }

  /** The cached value, or `load()`'s (then stored); tells whether it was a hit. */
  async get<T>(
    customerId: string,
    key: string,
    load: () => Promise<T>,
  ): Promise<{ value: T; cache: CacheState }> {
    if (!this.cache) return { value: await load(), cache: 'off' };
    const fullKey = `${customerId}\u0000${key}`;
    const found = this.cache.get(fullKey);
    if (found) return { value: found.value as T, cache: 'hit' };
    const value = await load();
    this.cache.set(fullKey, { value });
    return { value, cache: 'miss' };
  }

  invalidate(customerId: string): void {
    if (!this.cache) return;
    const prefix = `${customerId}\u0000`;
    for (const key of this.cache.keys()) if (key.startsWith(prefix)) this.cache.delete(key);
  }
}
