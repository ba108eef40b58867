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

const MINUTE_MS = 60_000;

/**
 * Throws VALIDATION_FAILED for a cron expression or time zone croner does not accept, and for
 * one with a seconds (or year) field: schedules are minute-granular, and `* * * * * *` would
 * mean a sync, its events and its webhook deliveries every second. With five fields croner
 * fires on whole minutes only, so no accepted expression runs more than once a minute
 * (test/worker/next-run.test.ts walks a year of DST changes to check it).
 */
export function validateSchedule(schedule: Schedule): void {
  if ('intervalMinutes' in schedule) {
    const n = schedule.intervalMinutes;
    if (!Number.isInteger(n) || n < 1 || n > 525_600) throw invalid('intervalMinutes must be 1 to 525600');
    return;
  }
  const fields = schedule.cron.trim().split(/\s+/).length;
  if (fields > 5)
    throw invalid(
      `cron "${schedule.cron}" has ${fields} fields; schedules are minute-granular (at most once a minute), so use the five fields minute hour day-of-month month day-of-week, without seconds`,
    );
  try {
    const next = new Cron(schedule.cron, {
      timezone: schedule.timezone,
      paused: true,
      mode: '5-part',
    }).nextRun();
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
 *
 * A cron slot is looked for from the start of the minute after `finishedAt`. For a five-field
 * expression that changes nothing (its slots are whole minutes); a six-field one stored before
 * validateSchedule refused them still runs at most once a minute, at its first second.
 */
export function nextRunAfter(schedule: Schedule, finishedAt: Date): Date {
  if ('intervalMinutes' in schedule)
    return new Date(finishedAt.getTime() + schedule.intervalMinutes * MINUTE_MS);
  const nextMinute = (Math.floor(finishedAt.getTime() / MINUTE_MS) + 1) * MINUTE_MS;
  const next = new Cron(schedule.cron, { timezone: schedule.timezone, paused: true }).nextRun(
    new Date(nextMinute - 1),
  );
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
