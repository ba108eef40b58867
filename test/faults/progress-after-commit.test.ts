import { execFileSync } from 'node:child_process';
import SQLite from 'better-sqlite3';
import { expect, it } from 'vitest';
import { describeEachDialect, type TestDialect } from '../helpers/databases.js';
import { PEOPLE, peopleCsv, useSyncBed, type TestCustomer } from '../sync/support.js';
import type { SyncProgress } from '../../src/events/event-types.js';

/**
 * What another connection sees of the customer's latest run at this very moment: a synchronous
 * look (a second SQLite connection; psql on PostgreSQL), taken inside the progress listener, so
 * an event reported before the commit meets a run still open.
 */
function committedOutcome(dialect: TestDialect, url: string, customerId: string): string {
  const query = `SELECT coalesce(outcome, 'open') FROM lead_sync_runs WHERE "customerId" = '${customerId}'
    ORDER BY "startedAt" DESC LIMIT 1`;
  if (dialect === 'postgres')
    return execFileSync('psql', ['-Atq', url, '-c', query], { encoding: 'utf8' }).trim();
  const other = new SQLite(url.slice('sqlite:'.length), { readonly: true });
  try {
    return String(other.prepare(query).pluck().get());
  } finally {
    other.close();
  }
}

/** "Done" as a person reads it: 100 %, or a message saying it wrote or ended. */
const saysDone = (p: SyncProgress) => p.percent === 100 || /^(Wrote|No changes|Held|Failed)/.test(p.message);

describeEachDialect('progress says done only after the commit', (dialect) => {
  const bed = useSyncBed(dialect);

  /** Syncs and returns, for every "done" report, the run's outcome another connection saw then. */
  async function syncWatching(customer: TestCustomer): Promise<{ seen: string[]; last: SyncProgress }> {
    const seen: string[] = [];
    const { progress } = await bed.sync(customer, {
      batchSize: 2,
      onProgress: (p) => {
        if (saysDone(p))
          seen.push(`${p.percent} ${p.message} → ${committedOutcome(dialect, bed.url, customer.id)}`);
      },
    });
    return { seen, last: progress.at(-1)! };
  }

  it('reports "Wrote N" and 100 % once the write transaction is visible to another connection', async () => {
    const customer = await bed.seeded(peopleCsv(PEOPLE));
    bed.setSheet(customer, peopleCsv([...PEOPLE.slice(0, 5), 'Gus', 'Hal']).replaceAll('Acme', 'Acme Ltd'));
    const { seen, last } = await syncWatching(customer);
    expect(seen).toEqual(['100 Wrote 7 and deleted 1 leads → success']);
    expect(last).toMatchObject({ percent: 100, phase: 'finishing' });
  });

  it('reports an identical sheet, a held run and a failure only once they are recorded', async () => {
    const customer = await bed.seeded(peopleCsv(PEOPLE));
    expect((await syncWatching(customer)).seen).toEqual([
      '100 No changes: the sheet is byte for byte what the last sync read → unchanged',
    ]);
    bed.setSheet(customer, peopleCsv(['Ada']));
    expect((await syncWatching(customer)).seen).toEqual([
      '100 Held: would delete 5 of 6 leads → needs_review',
    ]);
    bed.setSheet(customer, peopleCsv(['Ada']), { private: true });
    const failed = (await syncWatching(customer)).seen;
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(/Failed: SHEET_NOT_PUBLIC: .* → failed$/);
  });

  it('stores the final progress with the ending', async () => {
    const customer = await bed.seeded(peopleCsv(PEOPLE));
    expect(await bed.state(customer)).toMatchObject({
      isRunning: false,
      progressPercent: 100,
      progressPhase: 'finishing',
      progressMessage: 'Wrote 6 and deleted 0 leads',
    });
  });
});
