/** A small time-to-live cache keyed by customer, so one customer's entries can be dropped at once. */
export class TtlCache<T> {
  private readonly entries = new Map<string, Map<string, { value: Promise<T>; expires: number }>>();

  constructor(
    /** Lifetime of an entry in ms; 0 disables caching. */
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The cached value for (customerId, key), or `load()`'s, which is then kept for the TTL. */
  get(customerId: string, key: string, load: () => Promise<T>): Promise<T> {
    if (this.ttlMs <= 0) return load();
    const forCustomer =
      this.entries.get(customerId) ?? new Map<string, { value: Promise<T>; expires: number }>();
    this.entries.set(customerId, forCustomer);
    const hit = forCustomer.get(key);
    if (hit && hit.expires > this.now()) return hit.value;
    const value = load();
    forCustomer.set(key, { value, expires: this.now() + this.ttlMs });
    // A failed load is not remembered: the next call tries again.
    value.catch(() => {
      if (forCustomer.get(key)?.value === value) forCustomer.delete(key);
    });
    return value;
  }

  /** Forgets one customer's entries, or every entry when no id is given. */
  invalidate(customerId?: string): void {
    if (customerId === undefined) this.entries.clear();
    else this.entries.delete(customerId);
  }
}
