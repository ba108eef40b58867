import { Cron } from 'croner';
import { LeadsyncError } from '../errors.js';

/** When a customer syncs: every N minutes, or on a cron expression read in a time zone. */
export type Schedule = { intervalMinutes: number } | { cron: string; timezone: string };

/** The schedule stored on a customer row (columns of `customers`). */
export interface ScheduleColumns {
  scheduleIntervalMinutes: number | null;
  scheduleCron: string | null;
  scheduleTimezone: string | null;
}

export function scheduleOf(row: ScheduleColumns, defaultIntervalMinutes: number): Schedule {
  if (row.scheduleCron) return { cron: row.scheduleCron, timezone: row.scheduleTimezone ?? 'UTC' };
  return { intervalMinutes: row.scheduleIntervalMinutes ?? defaultIntervalMinutes };
}

/** Throws VALIDATION_FAILED for a cron expression or time zone croner does not accept. */
export function validateSchedule(schedule: Schedule): void {
  if ('intervalMinutes' in schedule) {
    const n = schedule.intervalMinutes;
    if (!Number.isInteger(n) || n < 1 || n > 525_600) throw invalid('intervalMinutes must be 1 to 525600');
    return;
  }
  try {
    const next = new Cron(schedule.cron, { timezone: schedule.timezone, paused: true }).nextRun();
    if (next === null) throw new Error('the expression never fires');
  } catch (error) {
    throw invalid(
      `cron "${schedule.cron}" in ${schedule.timezone} is not valid: ${(error as Error).message}`,
    );
  }
}

/**
 * When the next run after a run that finished at `finishedAt` is due. An interval counts from
 * the end of the last run (manual or scheduled), so a manual run pushes the schedule back; a cron
 * schedule keeps its slots. Runs missed while no worker was up collapse into one: the next slot
 * is always after `finishedAt`, never a backlog.
 */
export function nextRunAfter(schedule: Schedule, finishedAt: Date): Date {
  if ('intervalMinutes' in schedule)
    return new Date(finishedAt.getTime() + schedule.intervalMinutes * 60_000);
  const next = new Cron(schedule.cron, { timezone: schedule.timezone, paused: true }).nextRun(finishedAt);
  // validateSchedule refuses expressions that never fire; a far date keeps a bad row harmless.
  return next ?? new Date(finishedAt.getTime() + 365 * 86_400_000);
}

/**
 * `nextRunAt` on resume: an interval customer whose last sync is older than one interval is due
 * at once; otherwise the schedule continues from the last sync (cron: its next slot).
 */
export function nextRunOnResume(schedule: Schedule, lastSyncAt: Date | null, now: Date): Date {
  if ('intervalMinutes' in schedule) {
    if (lastSyncAt === null) return now;
    const due = nextRunAfter(schedule, lastSyncAt);
    return due < now ? now : due;
  }
  return nextRunAfter(schedule, now);
}

function invalid(message: string): LeadsyncError {
  return new LeadsyncError('VALIDATION_FAILED', `The schedule is not valid: ${message}`, {
    details: { field: 'schedule' },
  });
}
