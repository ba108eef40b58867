import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { apiClient, type ApiClient } from './api-client.js';
import type { Dataset } from './data.js';
import type { DbFactory, Dialect } from './databases.js';
import type { ExportServer } from './export-server.js';
import { percentiles, type Percentiles } from './measure.js';
import { startService } from './service-process.js';
import { spreadsheetId } from './scenarios.js';

export interface PhaseSeen {
  phase: string;
  polls: number;
  minPercent: number;
  maxPercent: number;
}

export interface ServiceResult {
  rows: number;
  dialect: Dialect;
  /** VmRSS of the started service, before any customer exists (MiB). */
  idleRssMb: number;
  /** VmHWM of the service once the run has finished, before it is stopped (MiB). */
  peakRssMb: number;
  /** Every status request from the customer's creation to the end of its first run. */
  latency: Percentiles;
  /** The same, only the requests that answered `applying`; null when none did. */
  applyingLatency: Percentiles | null;
  phases: PhaseSeen[];
  applyingSeen: boolean;
  /** The run's own durationMs. */
  runMs: number;
  /** Creation request → first status that shows the run ended, as the client saw it. */
  wallMs: number;
  outcome: string;
  writes: number;
  expectedWrites: number;
  /** Worst event-loop delay of the bench process while polling: latencies above it are the service's. */
  harnessLagMaxMs: number;
  /** The change feed read after the run: changes served and the rate (absent in older results). */
  feed?: { changes: number; ms: number; perSecond: number };
  errors: string[];
}

/** Changes the feed read takes after the run: 100,000 pages a 500k customer well and costs ~10 s. */
export const FEED_READ_MAX = 100_000;

export interface ServiceContext {
  cli: string;
  server: ExportServer;
  factory: DbFactory;
}

const POLL_EVERY_MS = 100;
const ENDED = new Set(['success', 'unchanged', 'failed', 'error', 'needs_review', 'paused']);

interface Poll {
  ms: number;
  phase: string | null;
  percent: number;
}

/**
 * Service mode: `leadsync serve` on a fresh database; a customer for the sheet is created through
 * the API (which queues its first run at once, so the creation is the trigger: a separate trigger
 * would race the worker's claim and queue a second run), and its status is polled at 10 Hz on one
 * keep-alive connection until that run ends.
 */
export async function runService(ctx: ServiceContext, data: Dataset): Promise<ServiceResult> {
  const result = emptyResult(data.rows, ctx.factory.dialect);
  const label = `${result.dialect} ${data.rows} service`;
  const id = spreadsheetId(data.rows);
  ctx.server.serve(id, data.base);
  const db = await ctx.factory.empty(`lsbench_${result.dialect}_${data.rows}_service`);
  try {
    const service = await startService(ctx.cli, db, ctx.server.baseUrl);
    const client = apiClient(service.url, service.token);
    try {
      await new Promise((r) => setTimeout(r, 1000)); // let start-up garbage settle
      result.idleRssMb = service.rssMb();
      const { polls, customerId } = await createAndPoll(client, id, result);
      result.peakRssMb = service.peakRssMb();
      summarize(polls, result);
      result.feed = await readFeed(client, customerId, Math.min(data.rows, FEED_READ_MAX));
      const feed = result.feed;
      console.error(
        `  ${label}: feed ${feed.changes} changes in ${Math.round(feed.ms)} ms = ${Math.round(feed.perSecond)}/s`,
      );
      console.error(
        `  ${label}: ${Math.round(result.runMs)} ms run, status p50 ${ms(result.latency.p50)} p99 ${ms(result.latency.p99)} max ${ms(result.latency.max)}, applying ${result.applyingSeen ? 'seen' : 'not seen'}, idle ${Math.round(result.idleRssMb)} MB, peak ${Math.round(result.peakRssMb)} MB`,
      );
    } finally {
      client.close();
      const code = await service.stop();
      if (code !== 0) result.errors.push(`leadsync serve exited ${code}: ${service.log().slice(-500)}`);
    }
  } catch (error) {
    result.errors.push(error instanceof Error ? error.message : String(error));
    console.error(`  ${label}: FAILED ${result.errors.at(-1)}`);
  } finally {
    await ctx.factory.drop(db);
  }
  return result;
}

/**
 * The change feed of the customer just synced, from the beginning, 1000 changes a request on the
 * one keep-alive connection, as a consumer catching up would read it; up to `max` changes.
 */
async function readFeed(
  client: ApiClient,
  customerId: string,
  max: number,
): Promise<NonNullable<ServiceResult['feed']>> {
  const started = performance.now();
  let changes = 0;
  let since = '';
  while (changes < max) {
    const path = `/api/leads/changes?customerId=${encodeURIComponent(customerId)}&limit=1000${since && `&since=${since}`}`;
    const r = await client.get(path);
    const page = r.body as { changes?: unknown[]; nextCursor?: string; hasMore?: boolean };
    if (r.status !== 200 || !page.changes)
      throw new Error(`GET changes: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    changes += page.changes.length;
    since = page.nextCursor ?? '';
    if (!page.hasMore) break;
  }
  const ms = performance.now() - started;
  return { changes, ms, perSecond: (changes / ms) * 1000 };
}

async function createAndPoll(
  client: ApiClient,
  id: string,
  result: ServiceResult,
): Promise<{ polls: Poll[]; customerId: string }> {
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const started = performance.now();
  const created = await client.post('/api/customers', {
    name: `bench ${result.rows}`,
    sheetUrl: `https://docs.google.com/spreadsheets/d/${id}/edit#gid=0`,
    // No scheduled run may start while this one is measured.
    schedule: { intervalMinutes: 525_600 },
  });
  const customerId = (created.body as { id?: string }).id;
  if (created.status !== 201 || !customerId)
    throw new Error(`POST /api/customers: ${created.status} ${JSON.stringify(created.body).slice(0, 300)}`);
  const polls: Poll[] = [];
  const deadline = started + Math.max(120_000, result.rows * 2); // 2 ms a row: 1000 s at 500k
  const statusPath = `/api/leads/sync/status?customerId=${encodeURIComponent(customerId)}`;
  for (let next = performance.now(); ;) {
    const wait = next - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    next = performance.now() + POLL_EVERY_MS;
    const r = await client.get(statusPath);
    const s = r.body as {
      status?: string;
      isRunning?: boolean;
      progress?: { phase: string | null; percent: number };
    };
    if (r.status !== 200) throw new Error(`GET status: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    polls.push({ ms: r.ms, phase: s.progress?.phase ?? null, percent: s.progress?.percent ?? NaN });
    if (!s.isRunning && ENDED.has(s.status ?? '')) break;
    if (performance.now() > deadline)
      throw new Error(`the run had not ended after ${Math.round(deadline - started)} ms`);
  }
  result.wallMs = performance.now() - started;
  lag.disable();
  result.harnessLagMaxMs = lag.max / 1e6;
  const runs = await client.get(`/api/leads/sync/runs?customerId=${encodeURIComponent(customerId)}&limit=5`);
  const run = (runs.body as { runs?: RunFields[] }).runs?.at(-1);
  if (!run) throw new Error(`GET runs: ${runs.status} ${JSON.stringify(runs.body).slice(0, 300)}`);
  result.runMs = run.durationMs ?? NaN;
  result.outcome = run.outcome ?? 'none';
  result.writes = run.rowsInserted + run.rowsUpdated + run.rowsDeleted;
  if (result.outcome !== 'success')
    result.errors.push(`run ended ${result.outcome}: ${JSON.stringify(run.error)}`);
  return { polls, customerId };
}

interface RunFields {
  outcome: string | null;
  durationMs: number | null;
  rowsInserted: number;
  rowsUpdated: number;
  rowsDeleted: number;
  error: unknown;
}

function summarize(polls: readonly Poll[], into: ServiceResult): void {
  into.latency = percentiles(polls.map((p) => p.ms));
  const applying = polls.filter((p) => p.phase === 'applying');
  into.applyingSeen = applying.length > 0;
  into.applyingLatency = applying.length ? percentiles(applying.map((p) => p.ms)) : null;
  const byPhase = new Map<string, PhaseSeen>();
  for (const p of polls) {
    const phase = p.phase ?? '(none)';
    const seen = byPhase.get(phase) ?? { phase, polls: 0, minPercent: Infinity, maxPercent: -Infinity };
    seen.polls += 1;
    seen.minPercent = Math.min(seen.minPercent, p.percent);
    seen.maxPercent = Math.max(seen.maxPercent, p.percent);
    byPhase.set(phase, seen);
  }
  into.phases = [...byPhase.values()];
}

function emptyResult(rows: number, dialect: Dialect): ServiceResult {
  return {
    ...{ rows, dialect, idleRssMb: NaN, peakRssMb: NaN, latency: percentiles([]), applyingLatency: null },
    ...{ phases: [], applyingSeen: false, runMs: NaN, wallMs: NaN, outcome: 'none', writes: NaN },
    ...{ expectedWrites: rows, harnessLagMaxMs: NaN, errors: [] },
  };
}

const ms = (x: number): string => (Number.isFinite(x) ? `${Math.round(x)} ms` : '–');
