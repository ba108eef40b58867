/**
 * A worker's concurrency: at most `size` syncs doing work at once. A sync that sleeps in backoff
 * (a 429, a 5xx, a database that went away) gives its slot back for the sleep and queues for one
 * when it wakes, ahead of new claims, so a failing or rate-limited sheet never keeps the other
 * customers waiting. A sleeping sync still holds its lease (its heartbeat keeps it), so nobody
 * else runs that customer meanwhile. At most `maxHeld` syncs are held in all, working or
 * sleeping: each sleeper costs a lease renewal every third of a lease, and a Google outage
 * would otherwise let one worker lease the whole fleet.
 */
export class SyncSlots {
  private working = 0;
  private held = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly size: number,
    readonly maxHeld: number,
    /** Called when a slot frees up, so the claim loop can look for work at once. */
    private readonly onFree: () => void = () => {},
  ) {}

  /** How many more customers may be claimed now. */
  get free(): number {
    return Math.max(0, Math.min(this.size - this.working - this.waiting.length, this.maxHeld - this.held));
  }

  /** Syncs doing work (not sleeping). */
  get busy(): number {
    return this.working;
  }

  /** A claimed sync starts (the claim asked for at most `free`). */
  take(): void {
    this.working++;
    this.held++;
  }

  /** A sync ended: its slot and its place among the held are free. */
  end(): void {
    this.working--;
    this.held--;
    this.handOver();
  }

  /** Sleeps without a slot: runs `sleep`, then waits for a slot before the sync goes on. */
  async away<T>(sleep: () => Promise<T>): Promise<T> {
    this.working--;
    this.handOver();
    try {
      return await sleep();
    } finally {
      await this.back();
    }
  }

  private back(): Promise<void> {
    if (this.working < this.size && this.waiting.length === 0) {
      this.working++;
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      this.waiting.push(() => {
        this.working++;
        resolve();
      }),
    );
  }

  private handOver(): void {
    while (this.working < this.size && this.waiting.length > 0) this.waiting.shift()?.();
    if (this.free > 0) this.onFree();
  }
}
