import { Cron } from 'croner';
import { describe, expect, it } from 'vitest';
import { nextRunAfter, nextRunOnResume, scheduleOf, validateSchedule } from '../../src/worker/next-run.js';

const at = (iso: string) => new Date(iso);
const MIN = 60_000;

describe('nextRunAfter', () => {
  it('counts an interval from the end of the last run, so a manual run pushes the schedule back', () => {
    expect(nextRunAfter({ intervalMinutes: 10 }, at('2026-01-01T10:03:17.250Z'))).toEqual(
      at('2026-01-01T10:13:17.250Z'),
    );
    expect(nextRunAfter({ intervalMinutes: 1440 }, at('2026-01-01T23:59:00Z'))).toEqual(
      at('2026-01-02T23:59:00Z'),
    );
  });

  it('keeps the slots of a cron schedule whenever the run ended', () => {
    const hourly = { cron: '0 * * * *', timezone: 'UTC' };
    expect(nextRunAfter(hourly, at('2026-01-01T10:00:00Z'))).toEqual(at('2026-01-01T11:00:00Z'));
    expect(nextRunAfter(hourly, at('2026-01-01T10:59:59Z'))).toEqual(at('2026-01-01T11:00:00Z'));
  });

  it('reads a cron expression in its time zone, across the spring DST change', () => {
    // 09:00 in Berlin is 08:00 UTC in winter (CET) and 07:00 UTC from 29 March 2026 (CEST).
    const nine = { cron: '0 9 * * *', timezone: 'Europe/Berlin' };
    expect(nextRunAfter(nine, at('2026-03-27T09:00:00Z'))).toEqual(at('2026-03-28T08:00:00Z'));
    expect(nextRunAfter(nine, at('2026-03-28T08:30:00Z'))).toEqual(at('2026-03-29T07:00:00Z'));
    const ny = { cron: '0 9 * * *', timezone: 'America/New_York' };
    expect(nextRunAfter(ny, at('2026-03-07T15:00:00Z'))).toEqual(at('2026-03-08T13:00:00Z'));
  });

  it('runs a slot in the skipped hour once (at the jump) and a slot in the repeated hour once', () => {
    const twoThirty = { cron: '30 2 * * *', timezone: 'Europe/Berlin' };
    // 29 March: 02:00 becomes 03:00, so 02:30 does not exist; the run is not skipped for the day.
    const spring = nextRunAfter(twoThirty, at('2026-03-28T12:00:00Z'));
    expect(spring).toEqual(at('2026-03-29T01:00:00Z'));
    expect(nextRunAfter(twoThirty, spring)).toEqual(at('2026-03-30T00:30:00Z'));
    // 25 October: 02:30 happens twice (CEST, then CET); one run, not two.
    const autumn = nextRunAfter(twoThirty, at('2026-10-24T12:00:00Z'));
    expect(autumn).toEqual(at('2026-10-25T00:30:00Z'));
    expect(nextRunAfter(twoThirty, autumn)).toEqual(at('2026-10-26T01:30:00Z'));
  });

  it('collapses runs missed while no worker was up into one catch-up run', () => {
    const hourly = { cron: '0 * * * *', timezone: 'UTC' };
    const lastRun = at('2026-01-01T10:00:00Z');
    const now = at('2026-01-04T10:20:00Z');
    // Due since three days: claimed once...
    const due = nextRunAfter(hourly, lastRun);
    expect(due < now).toBe(true);
    // ...and the run that catches up schedules the next slot after itself, not the 72 missed ones.
    expect(nextRunAfter(hourly, at('2026-01-04T10:20:05Z'))).toEqual(at('2026-01-04T11:00:00Z'));
    const interval = nextRunAfter({ intervalMinutes: 10 }, at('2026-01-04T10:20:05Z'));
    expect(interval.getTime() - at('2026-01-04T10:20:05Z').getTime()).toBe(10 * MIN);
  });

  it('keeps the slot of an every-minute cron: the next whole minute, even a few seconds away', () => {
    const everyMinute = { cron: '* * * * *', timezone: 'UTC' };
    expect(nextRunAfter(everyMinute, at('2026-01-01T10:00:55Z'))).toEqual(at('2026-01-01T10:01:00Z'));
    expect(nextRunAfter(everyMinute, at('2026-01-01T10:01:00Z'))).toEqual(at('2026-01-01T10:02:00Z'));
  });

  it('runs a six-field cron stored before they were refused at most once a minute', () => {
    for (const cron of ['* * * * * *', '*/5 * * * * *', '0,30 * * * * *', '59 * * * * *']) {
      let finished = at('2026-01-01T10:00:00.400Z');
      let previous: Date | null = null;
      for (let run = 0; run < 5; run++) {
        const next = nextRunAfter({ cron, timezone: 'Europe/Berlin' }, finished);
        expect(next > finished, cron).toBe(true);
        if (previous) expect(next.getTime() - previous.getTime(), cron).toBeGreaterThanOrEqual(MIN);
        previous = next;
        finished = new Date(next.getTime() + 1_500); // each run takes 1.5 s
      }
    }
    const everySecond = { cron: '* * * * * *', timezone: 'UTC' };
    expect(nextRunAfter(everySecond, at('2026-01-01T10:00:00.400Z'))).toEqual(at('2026-01-01T10:01:00Z'));
  });
});

describe('nextRunOnResume', () => {
  const every10 = { intervalMinutes: 10 };
  const now = at('2026-05-01T12:00:00Z');

  it('makes a never-synced interval customer due at once', () => {
    expect(nextRunOnResume(every10, null, now)).toEqual(now);
  });

  it('makes an interval customer due at once when its last sync is older than one interval', () => {
    expect(nextRunOnResume(every10, at('2026-05-01T11:00:00Z'), now)).toEqual(now);
  });

  it('continues the interval from the last sync when it is recent', () => {
    expect(nextRunOnResume(every10, at('2026-05-01T11:55:00Z'), now)).toEqual(at('2026-05-01T12:05:00Z'));
  });

  it('gives a cron customer its next slot after now (missed slots are not replayed)', () => {
    const hourly = { cron: '15 * * * *', timezone: 'UTC' };
    expect(nextRunOnResume(hourly, at('2026-04-01T00:00:00Z'), now)).toEqual(at('2026-05-01T12:15:00Z'));
    expect(nextRunOnResume(hourly, null, now)).toEqual(at('2026-05-01T12:15:00Z'));
  });
});

describe('schedules', () => {
  it('reads the stored columns, cron first, UTC when no zone is stored', () => {
    const none = { scheduleIntervalMinutes: null, scheduleCron: null, scheduleTimezone: null };
    expect(scheduleOf(none, 10)).toEqual({ intervalMinutes: 10 });
    expect(scheduleOf({ ...none, scheduleIntervalMinutes: 5 }, 10)).toEqual({ intervalMinutes: 5 });
    expect(scheduleOf({ ...none, scheduleCron: '0 * * * *' }, 10)).toEqual({
      cron: '0 * * * *',
      timezone: 'UTC',
    });
  });

  it('refuses bad intervals, bad cron expressions and unknown time zones with VALIDATION_FAILED', () => {
    for (const schedule of [
      { intervalMinutes: 0 },
      { intervalMinutes: 1.5 },
      { intervalMinutes: 525_601 },
      { cron: 'every day', timezone: 'UTC' },
      { cron: '0 9 * * *', timezone: 'Mars/Olympus' },
    ]) {
      expect(() => validateSchedule(schedule), JSON.stringify(schedule)).toThrow(
        expect.objectContaining({ code: 'VALIDATION_FAILED' }),
      );
    }
    expect(() => validateSchedule({ cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' })).not.toThrow();
  });

  it('refuses cron expressions with a seconds or year field: schedules are minute-granular', () => {
    for (const cron of [
      '* * * * * *',
      '*/10 * * * * *',
      '0 * * * * *',
      '0 0 9 * * * 2027',
      ' * * * * * * ',
    ]) {
      expect(() => validateSchedule({ cron, timezone: 'UTC' }), cron).toThrow(
        expect.objectContaining({
          code: 'VALIDATION_FAILED',
          message: expect.stringContaining('minute-granular'),
        }),
      );
    }
    for (const cron of ['* * * * *', '*/1 * * * *', '@hourly', ' 0 9 * * * '])
      expect(() => validateSchedule({ cron, timezone: 'UTC' }), cron).not.toThrow();
  });

  it('accepts no cron whose runs come less than a minute apart, across DST changes and odd offsets', () => {
    const patterns = ['* * * * *', '* 1-3 * * *', '30 2 * * *', '59,0 1,2,3 * * *', '0 2 L * *'];
    // Each zone with the days of its clock changes: an hour, half an hour (Lord Howe), none (+05:45).
    const zones: Record<string, string[]> = {
      'Europe/Berlin': ['2026-03-29', '2026-10-25'],
      'America/New_York': ['2026-03-08', '2026-11-01'],
      'Australia/Lord_Howe': ['2026-04-05', '2026-10-04'],
      'Asia/Kathmandu': ['2026-06-30'],
    };
    for (const [timezone, days] of Object.entries(zones))
      for (const cron of patterns) {
        validateSchedule({ cron, timezone });
        const job = new Cron(cron, { timezone, paused: true });
        for (const day of days) {
          // Every run of the 48 hours around the day's clock change (the hours where runs could
          // bunch up), not 2000 runs: for a daily or monthly pattern those went on for years.
          const from = Date.parse(`${day}T00:00:00Z`) - 12 * 3_600_000;
          let previous = job.nextRun(new Date(from));
          for (let run = previous && job.nextRun(previous); run && run.getTime() < from + 48 * 3_600_000;) {
            const gap = run.getTime() - previous!.getTime();
            expect(gap, `${cron} in ${timezone} at ${run.toISOString()}`).toBeGreaterThanOrEqual(MIN);
            previous = run;
            run = job.nextRun(run);
          }
        }
      }
  });
});
