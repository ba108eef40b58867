import type { SyncProgress } from '../events/event-types.js';
import type { SyncPhase } from '../db/database.js';

export type ProgressListener = (progress: SyncProgress) => void;

/** When a run entered a phase (ISO time): the run detail page's timeline. */
export interface PhaseMark {
  phase: SyncPhase;
  at: string;
}

/**
 * Share of the bar each phase owns: the download, then the parse of the downloaded body (whose
 * size is then known), then the write.
 */
const PHASE_RANGES: Record<SyncPhase, [number, number]> = {
  queued: [0, 0],
  fetching: [0, 30],
  parsing: [30, 70],
  diffing: [70, 75],
  applying: [75, 99],
  finishing: [99, 100],
};

/**
 * Turns "how far into this phase" into one monotonic percentage and forwards it,
 * throttled so a 500k-row sheet does not call listeners 500k times, but never silent
 * for longer than `heartbeatMs` while a phase is long.
 */
export class ProgressTracker {
  private current: SyncProgress = { percent: 0, phase: 'queued', message: 'Queued' };
  private lastEmit = 0;
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly marks: PhaseMark[] = [];

  constructor(
    private readonly listener: ProgressListener,
    private readonly options: { throttleMs?: number; heartbeatMs?: number; now?: () => number } = {},
  ) {}

  get value(): SyncProgress {
    return this.current;
  }

  /** Each phase the run entered, in order, with when (a phase entered twice, after a retry, once). */
  get phases(): PhaseMark[] {
    return [...this.marks];
  }

  private mark(phase: SyncPhase): void {
    if (this.marks.some((m) => m.phase === phase)) return;
    this.marks.push({ phase, at: new Date((this.options.now ?? Date.now)()).toISOString() });
  }

  start(): void {
    this.mark('queued');
    this.emit(true);
    const heartbeatMs = this.options.heartbeatMs ?? 1000;
    if (heartbeatMs > 0) {
      this.heartbeat = setInterval(() => this.emit(true), heartbeatMs);
      this.heartbeat.unref();
    }
  }

  /** `fraction` is how far into `phase` the run is (0-1); ignored when it would lower the bar. */
  update(phase: SyncPhase, fraction: number, message: string): void {
    const [from, to] = PHASE_RANGES[phase];
    const clamped = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
    const percent = Math.max(this.current.percent, Math.floor(from + (to - from) * clamped));
    const phaseChanged = phase !== this.current.phase;
    if (phaseChanged) this.mark(phase);
    this.current = { percent: Math.min(percent, phase === 'finishing' ? 100 : 99), phase, message };
    this.emit(phaseChanged);
  }

  /**
   * What `complete(message)` (done: true) or `abandon(message)` will report, without reporting
   * it: the engine stores it with the run's ending and announces it only once that committed.
   */
  final(message: string, done: boolean): SyncProgress {
    return done
      ? { percent: 100, phase: 'finishing', message }
      : { ...this.current, phase: 'finishing', message };
  }

  /** The run ended and its ending is committed: 100 %. */
  complete(message: string): void {
    this.current = this.final(message, true);
    this.emit(true);
    this.stop();
  }

  /** A run that ended without success: the bar stays where it was, the message says why. */
  abandon(message: string): void {
    this.current = this.final(message, false);
    this.emit(true);
    this.stop();
  }

  stop(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  private emit(force: boolean): void {
    const now = (this.options.now ?? Date.now)();
    if (!force && now - this.lastEmit < (this.options.throttleMs ?? 200)) return;
    this.lastEmit = now;
    this.listener({ ...this.current });
  }
}
