import type pg from 'pg';
import type { FleetGoogle } from './fleet-google.js';
import type { FleetWorker } from './fleet-workers.js';

/** What one phase of the fleet bench measured. */
export interface PhaseFigures {
  label: string;
  workers: number;
  seconds: number;
  syncs: number;
  syncsPerSecond: number;
  changed: number;
  failed: number;
  googlePerMinute: number;
  googleBusiestMinute: number;
  rejected429: number;
  lagP50s: number;
  lagP95s: number;
  lagMaxS: number;
  durationP50Ms: number;
  durationP95Ms: number;
  cpuMsPerSync: number;
  roundTripsPerSync: number;
  rowsWrittenPerSync: number;
  connectionsMax: number;
  rssMaxMb: number;
}

export const quantile = (xs: number[], q: number): number => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
};

/** Most of `times` (sorted) inside any half-open window [t, t + windowMs). */
export function busiest(times: number[], windowMs: number): number {
  let best = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

export async function rowsWritten(client: pg.Client): Promise<number> {
  await client.query('select pg_stat_clear_snapshot()');
  const { rows } = await client.query<{ n: string }>(
    `select tup_inserted + tup_updated + tup_deleted as n from pg_stat_database where datname = current_database()`,
  );
  return Number(rows[0]?.n ?? 0);
}

interface Baseline {
  at: number;
  cpu: number;
  trips: number;
  rows: number;
  rejected: number;
}

/** Reads the counters a phase's figures are differences of. */
export async function baseline(
  client: pg.Client,
  workers: FleetWorker[],
  google: FleetGoogle,
): Promise<Baseline> {
  return {
    at: Date.now(),
    cpu: workers.reduce((s, w) => s + w.cpuSeconds(), 0),
    trips: workers.reduce((s, w) => s + w.roundTrips(), 0),
    rows: await rowsWritten(client),
    rejected: google.rejected(),
  };
}

/**
 * Samples connections and RSS every second for `seconds`, then works out the phase's figures
 * from the runs it started. A run's lag is its start minus when it was due: its customer's
 * spread start time for the first run of the phase, its previous run's end plus the interval
 * after that; customers still waiting at the end count with the lag they have by then.
 */
export async function measurePhase(input: {
  label: string;
  client: pg.Client;
  workers: FleetWorker[];
  google: FleetGoogle;
  seconds: number;
  intervalMs: number;
  firstDue: (customerId: string) => number;
  /** Runs each interval while the phase lasts (the zero-latency phase re-queues customers). */
  tick?: () => Promise<void>;
}): Promise<PhaseFigures> {
  const { client, workers, google } = input;
  const start = await baseline(client, workers, google);
  let connectionsMax = 0;
  let rssMaxMb = 0;
  const endAt = start.at + input.seconds * 1000;
  while (Date.now() < endAt) {
    const { rows } = await client.query<{ n: string }>(
      `select count(*) as n from pg_stat_activity where datname = current_database() and application_name = 'leadsync'`,
    );
    connectionsMax = Math.max(connectionsMax, Number(rows[0]?.n ?? 0));
    rssMaxMb = Math.max(rssMaxMb, ...workers.map((w) => w.rssMb()));
    await input.tick?.();
    await new Promise((r) => setTimeout(r, Math.min(1000, Math.max(0, endAt - Date.now()))));
  }
  const end = await baseline(client, workers, google);
  const seconds = (end.at - start.at) / 1000;
  const { rows: runs } = await client.query<{
    customerId: string;
    started: string;
    finished: string | null;
    durationMs: number | null;
    outcome: string | null;
  }>(
    `select "customerId", extract(epoch from "startedAt") * 1000 as started,
            extract(epoch from "finishedAt") * 1000 as finished, "durationMs", outcome
       from lead_sync_runs where "startedAt" >= to_timestamp($1 / 1000.0) order by "customerId", "startedAt"`,
    [start.at],
  );
  const finished = runs.filter((r) => r.finished !== null && Number(r.finished) <= end.at);
  const lags: number[] = [];
  let previous: { customerId: string; finished: number | null } | null = null;
  for (const run of runs) {
    const due =
      previous?.customerId === run.customerId
        ? (previous.finished ?? Number.NaN) + input.intervalMs
        : input.firstDue(run.customerId);
    if (Number.isFinite(due)) lags.push(Math.max(0, Number(run.started) - due));
    previous = { customerId: run.customerId, finished: run.finished === null ? null : Number(run.finished) };
  }
  const { rows: waiting } = await client.query<{ lag: string }>(
    `select extract(epoch from (to_timestamp($1 / 1000.0) - "nextRunAt")) * 1000 as lag from lead_sync_states
      where "nextRunAt" < to_timestamp($1 / 1000.0) and ("leaseExpiresAt" is null or "leaseExpiresAt" < now())`,
    [end.at],
  );
  for (const w of waiting) lags.push(Number(w.lag));
  const accepted = google.accepted.filter((t) => t >= start.at && t < end.at);
  const syncs = finished.length;
  const per = (x: number) => (syncs === 0 ? 0 : x / syncs);
  return {
    label: input.label,
    workers: workers.length,
    seconds,
    syncs,
    syncsPerSecond: syncs / seconds,
    changed: finished.filter((r) => r.outcome === 'success').length,
    failed: finished.filter((r) => r.outcome === 'failed').length,
    googlePerMinute: (accepted.length / seconds) * 60,
    googleBusiestMinute: seconds >= 60 ? busiest(accepted, 60_000) : Number.NaN,
    rejected429: end.rejected - start.rejected,
    lagP50s: quantile(lags, 0.5) / 1000,
    lagP95s: quantile(lags, 0.95) / 1000,
    lagMaxS: Math.max(0, ...lags) / 1000,
    durationP50Ms: quantile(
      finished.map((r) => r.durationMs ?? 0),
      0.5,
    ),
    durationP95Ms: quantile(
      finished.map((r) => r.durationMs ?? 0),
      0.95,
    ),
    cpuMsPerSync: per((end.cpu - start.cpu) * 1000),
    roundTripsPerSync: per(end.trips - start.trips),
    rowsWrittenPerSync: per(end.rows - start.rows),
    connectionsMax,
    rssMaxMb,
  };
}
