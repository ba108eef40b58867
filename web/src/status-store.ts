import type { SyncStatus } from '../client/index.js';

type Listener = () => void;

/**
 * Every customer's live status, outside React state so a progress event re-renders only the
 * row (or page) showing that customer, never the whole 1,000-row table. `version` changes only
 * when something a filter looks at changes (status word, paused, error), not on progress.
 */
export class StatusStore {
  private readonly statuses = new Map<string, SyncStatus>();
  private readonly byId = new Map<string, Set<Listener>>();
  private readonly listListeners = new Set<Listener>();
  private listVersion = 0;

  get(customerId: string): SyncStatus | undefined {
    return this.statuses.get(customerId);
  }

  all(): SyncStatus[] {
    return [...this.statuses.values()];
  }

  version = (): number => this.listVersion;

  /** Replaces everything (the first load). */
  load(statuses: SyncStatus[]): void {
    this.statuses.clear();
    for (const s of statuses) this.statuses.set(s.customerId, s);
    for (const listeners of this.byId.values()) for (const l of listeners) l();
    this.bumpList();
  }

  set(status: SyncStatus): void {
    const before = this.statuses.get(status.customerId);
    this.statuses.set(status.customerId, status);
    this.notify(status.customerId);
    if (!before || summary(before) !== summary(status)) this.bumpList();
  }

  /** A progress event: the run is live, whatever the last snapshot said. */
  progress(customerId: string, progress: SyncStatus['progress']): void {
    const before = this.statuses.get(customerId);
    if (!before) return;
    this.set({ ...before, status: before.isPaused ? 'paused' : 'running', isRunning: true, progress });
  }

  remove(customerId: string): void {
    if (this.statuses.delete(customerId)) {
      this.notify(customerId);
      this.bumpList();
    }
  }

  subscribe(customerId: string, listener: Listener): () => void {
    const set = this.byId.get(customerId) ?? new Set();
    this.byId.set(customerId, set);
    set.add(listener);
    return () => set.delete(listener);
  }

  subscribeList = (listener: Listener): (() => void) => {
    this.listListeners.add(listener);
    return () => this.listListeners.delete(listener);
  };

  private notify(customerId: string): void {
    for (const l of this.byId.get(customerId) ?? []) l();
  }

  private bumpList(): void {
    this.listVersion += 1;
    for (const l of this.listListeners) l();
  }
}

/** What filters and counts depend on. */
const summary = (s: SyncStatus) => `${s.status}|${s.isPaused}|${s.isRunning}|${s.lastErrorCode ?? ''}`;
