import { expect, it } from 'vitest';
import { nativeOf } from '../../src/db/native.js';
import { describeEachDialect } from '../helpers/databases.js';
import { byKey, peopleCsv, useSyncBed } from '../sync/support.js';
import type { SyncProgress } from '../../src/events/event-types.js';

const names = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => `${tag}${String(i).padStart(5, '0')}`);

/**
 * The SQLite file stops taking writes in the middle of a sync's write transaction. Disk full is
 * simulated portably with `PRAGMA max_page_count` (SQLite then answers SQLITE_FULL exactly as on
 * a full disk); a read-only file with `PRAGMA query_only` on the writer (SQLITE_READONLY, what a
 * read-only remount or a permission change gives; chmod means nothing to root, who runs CI).
 * SQLite only: a PostgreSQL server's disk is the server's (53100 and 25006 map to the same codes,
 * test/unit/database-faults.test.ts).
 */
describeEachDialect(
  'a SQLite file that stops taking writes mid-sync',
  (dialect) => {
    const bed = useSyncBed(dialect);
    const writer = () => {
      const native = nativeOf(bed.db);
      if (native.dialect !== 'sqlite') throw new Error('SQLite only');
      return native.writer;
    };
    /** Calls `fault` once, when the write transaction has written its first batch. */
    const onFirstApply = (fault: () => void) => {
      let done = false;
      return (p: SyncProgress) => {
        if (p.phase === 'applying' && !done) {
          done = true;
          fault();
        }
      };
    };

    it('fails with DATABASE_FULL when the disk fills, keeps the old leads, and syncs once there is room', async () => {
      const customer = await bed.seeded(peopleCsv(names(200, 'Old')));
      const before = await bed.leads(customer);
      bed.setSheet(customer, peopleCsv([...names(200, 'Old'), ...names(3000, 'New')]));

      const { run } = await bed.sync(customer, {
        batchSize: 100,
        // A few pages of room: enough to record the ending, far from enough for 3,000 leads.
        onProgress: onFirstApply(() => {
          const pages = Number(writer().pragma('page_count', { simple: true }));
          writer().pragma(`max_page_count = ${pages + 8}`);
        }),
      });

      expect(run).toMatchObject({ outcome: 'failed', error: { code: 'DATABASE_FULL' }, rowsInserted: 0 });
      expect(run.error?.message).toMatch(/database is full.*disk is full/i);
      expect(await bed.leads(customer)).toEqual(before);
      expect(await bed.state(customer)).toMatchObject({ isRunning: false, lastErrorCode: 'DATABASE_FULL' });

      writer().pragma('max_page_count = 4294967294');
      const again = await bed.sync(customer);
      expect(again.run).toMatchObject({ outcome: 'success', rowsInserted: 3000 });
    });

    it('fails with DATABASE_READ_ONLY when the file turns read-only, writing nothing', async () => {
      const customer = await bed.seeded(peopleCsv(names(200, 'Old')));
      const before = await bed.leads(customer);
      bed.setSheet(customer, peopleCsv([...names(100, 'Old'), ...names(1000, 'New')]));

      // Nothing can be written then, the run's ending included: the sync itself rejects with the code.
      const failed = bed.sync(customer, {
        batchSize: 100,
        onProgress: onFirstApply(() => writer().pragma('query_only = ON')),
      });
      await expect(failed).rejects.toMatchObject({ code: 'DATABASE_READ_ONLY', retryable: false });
      writer().pragma('query_only = OFF');
      expect(byKey(await bed.leads(customer))).toEqual(byKey(before));

      const again = await bed.sync(customer);
      expect(again.run).toMatchObject({ outcome: 'success', rowsInserted: 1000, rowsDeleted: 100 });
    });
  },
  ['sqlite'],
);
