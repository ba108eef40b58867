import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/db/database.js';
import { nativeOf } from '../../src/db/native.js';
import { countLeadWrites } from '../sync/lead-writes.js';
import { Worker } from '../../src/worker/worker.js';
import { leadsCsv, sheetId, type Harness } from '../api/harness.js';

/**
 * Makes every INSERT into `leads` take `ms` longer, so a sync's write phase lasts seconds.
 * PostgreSQL: a row trigger calling pg_sleep. SQLite: a temporary trigger on the process's
 * writer connection calling a function that busy-waits — synchronous, so it is exactly what
 * would freeze the event loop if the merge were not chunked. Returns the undo.
 */
export async function slowLeadInserts(db: Kysely<Database>, ms: number): Promise<() => Promise<void>> {
  const native = nativeOf(db);
  if (native.dialect === 'sqlite') {
    native.writer.function('slow_row', () => {
      const end = Date.now() + ms;
      while (Date.now() < end);
      return 0;
    });
    native.writer.exec(
      `CREATE TEMP TRIGGER slow_leads BEFORE INSERT ON main.leads BEGIN SELECT slow_row(); END`,
    );
    return async () => void native.writer.exec('DROP TRIGGER IF EXISTS temp.slow_leads');
  }
  await sql`CREATE FUNCTION slow_row() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN PERFORM pg_sleep(${sql.lit(ms / 1000)}); RETURN NEW; END $$`.execute(db);
  await sql`CREATE TRIGGER slow_leads BEFORE INSERT ON leads FOR EACH ROW EXECUTE FUNCTION slow_row()`.execute(
    db,
  );
  return async () => {
    await sql`DROP TRIGGER slow_leads ON leads`.execute(db);
    await sql`DROP FUNCTION slow_row()`.execute(db);
  };
}

/** A handle on `db` that notes when each statement writing leads returned: the apply's timeline. */
export function timedLeadWrites(db: Kysely<Database>): { db: Kysely<Database>; times: number[] } {
  const times: number[] = [];
  const counted = countLeadWrites(db, () => times.push(performance.now()));
  return { db: counted.db, times };
}

/** The p-quantile (0-1) of `values`. */
export function quantile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

export interface SlowSync {
  worker: Worker;
  customerId: string;
  /** When each lead-writing statement finished (performance.now()). */
  writeTimes: number[];
  /** Stops the worker and removes the slow trigger. */
  stop(): Promise<void>;
}

/**
 * A worker in the harness's process, a sheet of `rows` leads whose every insert takes `rowMs`,
 * and a customer for it made through the API (which queues its first sync): the set-up of the
 * long-write tests. The worker starts at once.
 */
export async function startSlowSync(
  h: Harness,
  options: { name: string; rows: number; rowMs: number; leaseMs: number; log?: (message: string) => void },
): Promise<SlowSync> {
  const writes = timedLeadWrites(h.t.db);
  const worker = new Worker({
    db: writes.db,
    config: h.config,
    bus: h.bus,
    metrics: h.metrics,
    concurrency: 2,
    pollIntervalMs: 20,
    leaseMs: options.leaseMs,
    autoPauseFailures: 3,
    ...(options.log && { log: options.log }),
  });
  const undo = await slowLeadInserts(h.t.db, options.rowMs);
  h.google.setSheet(sheetId(1), [{ gid: '0', title: 'Leads', csv: leadsCsv(options.rows) }]);
  const created = await h.call('POST', '/api/customers', {
    name: options.name,
    sheetUrl: `https://docs.google.com/spreadsheets/d/${sheetId(1)}/edit#gid=0`,
  });
  if (created.statusCode !== 201) throw new Error(`customer not created: ${created.body}`);
  worker.start();
  return {
    worker,
    customerId: created.json().id as string,
    writeTimes: writes.times,
    stop: async () => {
      await worker.close();
      await undo();
    },
  };
}
