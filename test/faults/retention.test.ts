import { afterAll, beforeAll, expect, it } from 'vitest';
import { newId } from '../../src/ids.js';
import type { MailState } from '../../src/db/notify.tables.js';
import { createWebhook } from '../../src/db/webhooks.repository.js';
import { createSecretBox } from '../../src/db/secret-box.js';
import type { RunOutcome } from '../../src/db/database.js';
import { startService, type RunningService } from '../../src/service/server.js';
import { loadConfig } from '../../src/config.js';
import { RetentionPruner } from '../../src/worker/retention.js';
import { sheetId, startHarness, type Harness } from '../api/harness.js';
import { describeEachDialect } from '../helpers/databases.js';
import { until } from '../service/until.js';

const NOW = new Date();
const DAY = 86_400_000;
const ago = (days: number, ms = 0) => new Date(NOW.getTime() - days * DAY - ms).toISOString();
const KEPT = 5;
const OUTCOMES: RunOutcome[] = ['success', 'unchanged', 'failed', 'needs_review', 'cancelled'];

/**
 * Retention keeps the history tables bounded without changing what they report: old delivered
 * notifications go, old runs beyond each customer's newest LEADSYNC_RUNS_KEPT fold into daily
 * totals, and the metrics endpoint answers exactly as before.
 */
describeEachDialect('retention', (dialect) => {
  let h: Harness;
  const env = { LEADSYNC_RUNS_KEPT: String(KEPT), LEADSYNC_RETENTION_DAYS: '30' };
  beforeAll(async () => {
    h = await startHarness(dialect, env);
  });
  afterAll(async () => h?.close());

  async function customer(n: number): Promise<string> {
    const res = await h.call('POST', '/api/customers', {
      name: `Retention ${n}`,
      sheetUrl: `https://docs.google.com/spreadsheets/d/${sheetId(n)}/edit#gid=0`,
    });
    expect(res.statusCode).toBe(201);
    return res.json().id as string;
  }

  /** A finished run with figures that vary with `i`. */
  const runRow = (customerId: string, i: number, startedAt: string) => {
    const outcome = OUTCOMES[i % OUTCOMES.length]!;
    return {
      id: newId(),
      customerId,
      trigger: 'schedule' as const,
      outcome: outcome as RunOutcome | null,
      startedAt,
      finishedAt: startedAt as string | null,
      durationMs: i % 4 === 3 ? null : 100 + i * 37,
      rowsProcessed: 10 + i,
      rowsInserted: i % 3,
      rowsUpdated: i % 5,
      rowsDeleted: i % 2,
      rowsUnchanged: 0,
      duplicateKeys: 0,
      retryCount: i % 3 === 0 ? 1 : 0,
      bytes: 100,
      errorCode: outcome === 'failed' || outcome === 'needs_review' ? 'SHEET_UNAVAILABLE' : null,
      errorMessage: null,
    };
  };

  /** `count` finished runs, one every 7 hours back from `fromDays` days ago. */
  async function addRuns(customerId: string, count: number, fromDays: number): Promise<void> {
    const rows = Array.from({ length: count }, (_, i) =>
      runRow(customerId, i, ago(fromDays, i * 7 * 3_600_000)),
    );
    await h.t.db.insertInto('lead_sync_runs').values(rows).execute();
  }

  const metrics = async (customerId?: string) => {
    const res = await h.call(
      'GET',
      `/api/leads/sync/metrics${customerId ? `?customerId=${customerId}` : ''}`,
    );
    expect(res.statusCode).toBe(200);
    // The percentile is of the runs kept one by one, and `timestamp` is the answer's own time;
    // everything else must not move.
    const { p95DurationMs, timestamp, summary, ...rest } = res.json<
      Record<string, unknown> & { summary: Record<string, unknown> }
    >();
    void p95DurationMs;
    void timestamp;
    const { p95DurationMs: summaryP95, ...summaryRest } = summary;
    void summaryP95;
    return { ...rest, summary: summaryRest } as Record<string, unknown>;
  };
  const runCount = async (customerId: string) =>
    (
      await h.t.db
        .selectFrom('lead_sync_runs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('customerId', '=', customerId)
        .executeTakeFirstOrThrow()
    ).n;

  it('folds runs beyond the newest N into daily totals, and the metrics stay exactly as they were', async () => {
    const a = await customer(1);
    const b = await customer(2);
    await addRuns(a, 40, 60); // 40 old runs, 7 hours apart: ~12 days of history
    await addRuns(a, 3, 1); // inside the delete guard's window: kept whatever their rank
    await addRuns(b, 4, 90); // fewer than N: all kept
    const before = { a: await metrics(a), b: await metrics(b), all: await metrics() };
    expect(before.a.totalSyncs).toBe(43);
    const pruner = new RetentionPruner({ db: h.t.db, config: h.config, batch: 7 });

    const counts = await pruner.runOnce(NOW);

    // a keeps its newest 5 (the 3 recent ones among them): 38 folded; b has fewer than 5.
    expect(counts.runs).toBe(38);
    expect(await runCount(a)).toBe(5);
    expect(await runCount(b)).toBe(4);
    expect({ a: await metrics(a), b: await metrics(b), all: await metrics() }).toEqual(before);
    const days = await h.t.db
      .selectFrom('lead_sync_run_days')
      .select(['day', 'runs'])
      .where('customerId', '=', a)
      .execute();
    expect(days.reduce((sum, d) => sum + Number(d.runs), 0)).toBe(38);
    expect(days.length).toBeGreaterThan(5);
    // The API lists the runs kept, newest first.
    const listed = (await h.call('GET', `/api/leads/sync/runs?customerId=${a}&limit=100`)).json();
    expect(listed.runs).toHaveLength(5);

    // A second round, and two pruners at once (two processes), fold nothing twice.
    await addRuns(a, 12, 45);
    const more = await metrics(a);
    const second = new RetentionPruner({ db: h.t.db, config: h.config, batch: 3 });
    const [x, y] = await Promise.all([pruner.runOnce(NOW), second.runOnce(NOW)]);
    // A batch that met the other pruner's deletes comes back short and ends its round early; the
    // next round finishes. What matters: every run folded exactly once.
    const z = await pruner.runOnce(NOW);
    expect(x.runs + y.runs + z.runs).toBe(12);
    expect(await runCount(a)).toBe(5);
    expect(await metrics(a)).toEqual(more);
    expect((await pruner.runOnce(NOW)).runs).toBe(0);
  });

  it('never folds runs the mass-delete guard still reads, nor open runs', async () => {
    const c = await customer(3);
    await addRuns(c, 20, 0.5); // all inside the 7-day window
    await h.t.db
      .insertInto('lead_sync_runs')
      .values({ ...runRow(c, 0, ago(40)), outcome: null, finishedAt: null })
      .execute();
    const counts = await new RetentionPruner({ db: h.t.db, config: h.config }).runOnce(NOW);
    expect(counts.runs).toBe(0);
    expect(await runCount(c)).toBe(21);
  });

  it('deletes old delivered notifications, and keeps whatever is still owed', async () => {
    const n = h.t.db;
    const { id: webhookId } = await createWebhook(
      h.t.db,
      { url: 'https://example.com/hook', events: ['*'], customerId: null, enabled: true, secret: 's' },
      new Date(ago(100)),
      createSecretBox(null),
    );
    const event = async (
      name: string,
      createdDays: number,
      dispatched: boolean,
      mailState: MailState | null,
    ) => {
      await n
        .insertInto('outbox_events')
        .values({
          id: name,
          type: 'sync.completed',
          customerId: null,
          payload: '{}',
          createdAt: ago(createdDays),
          dispatchedAt: dispatched ? ago(createdDays) : null,
          mailState,
        })
        .execute();
    };
    const delivery = async (eventId: string, state: 'pending' | 'delivered' | 'failed', days: number) =>
      n
        .insertInto('webhook_deliveries')
        .values({
          id: newId(),
          webhookId,
          eventId,
          eventType: 'sync.completed',
          attempt: 1,
          state,
          createdAt: ago(days),
          updatedAt: ago(days),
        })
        .execute();
    await event('old-done', 40, true, 'sent');
    await event('old-no-mail', 40, true, null);
    await event('old-skipped', 40, true, 'skipped');
    await event('old-mail-waiting', 40, true, 'pending');
    await event('old-undispatched', 40, false, null);
    await event('old-delivery-pending', 40, true, null);
    await event('recent-done', 5, true, 'sent');
    await delivery('old-done', 'delivered', 40);
    await delivery('old-no-mail', 'failed', 40);
    await delivery('old-delivery-pending', 'pending', 40);
    await delivery('recent-done', 'delivered', 5);

    const counts = await new RetentionPruner({ db: h.t.db, config: h.config, batch: 2 }).runOnce(NOW);

    expect(counts).toMatchObject({ deliveries: 2, events: 3 });
    const left = await n.selectFrom('outbox_events').select('id').orderBy('id').execute();
    expect(left.map((e) => e.id)).toEqual([
      'old-delivery-pending',
      'old-mail-waiting',
      'old-undispatched',
      'recent-done',
    ]);
    const deliveries = await n
      .selectFrom('webhook_deliveries')
      .select(['eventId', 'state'])
      .orderBy('eventId')
      .execute();
    expect(deliveries).toEqual([
      { eventId: 'old-delivery-pending', state: 'pending' },
      { eventId: 'recent-done', state: 'delivered' },
    ]);
  });

  it('is applied by the service on its own, periodically', async () => {
    const d = await customer(4);
    await addRuns(d, 9, 50);
    let service: RunningService | null = null;
    try {
      service = await startService({
        config: loadConfig({
          DATABASE_URL: h.t.url,
          GOOGLE_SHEETS_BASE_URL: h.google.baseUrl,
          GOOGLE_SHEETS_API_BASE_URL: h.google.apiBaseUrl,
          LEADSYNC_FETCH_RETRIES: '0',
          ...env,
          LEADSYNC_PRUNE_INTERVAL_MS: '50',
        }),
        api: false,
        worker: true,
        print: () => {},
      });
      await until(
        () => runCount(d),
        (n) => n <= KEPT,
        10_000,
      );
    } finally {
      await service?.close();
    }
    expect(await runCount(d)).toBeLessThanOrEqual(KEPT + 1);
  });
});
