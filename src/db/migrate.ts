import { setTimeout as sleep } from 'node:timers/promises';
import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import { dialectOf, isBusyError } from './dialect.js';
import * as initial from './migrations/0001-initial.js';
import * as service from './migrations/0002-service.js';
import * as notifications from './migrations/0003-notifications.js';
import * as leadSyncIndex from './migrations/0004-lead-sync-index.js';
import * as dropEmailIndex from './migrations/0005-drop-email-index.js';
import * as runLiveLeads from './migrations/0006-run-live-leads.js';
import * as approvalsAndWarnings from './migrations/0007-approvals-and-warnings.js';
import * as runDays from './migrations/0008-run-days.js';
import * as leadChanges from './migrations/0009-lead-changes.js';
import * as pushAndRevisions from './migrations/0010-push-and-revisions.js';
import * as dueWorkIndex from './migrations/0011-due-work-index.js';
import * as googleQuota from './migrations/0012-google-quota.js';
import * as sqlitePrimaryKeys from './migrations/0013-sqlite-primary-keys-not-null.js';

/**
 * Every migration, by name, in order. Imported rather than read from a folder so it works the
 * same under tsx, compiled output and a bundler. Add new ones at the end; never edit old ones.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  '0001-initial': initial,
  '0002-service': service,
  '0003-notifications': notifications,
  '0004-lead-sync-index': leadSyncIndex,
  '0005-drop-email-index': dropEmailIndex,
  '0006-run-live-leads': runLiveLeads,
  '0007-approvals-and-warnings': approvalsAndWarnings,
  '0008-run-days': runDays,
  '0009-lead-changes': leadChanges,
  '0010-push-and-revisions': pushAndRevisions,
  '0011-due-work-index': dueWorkIndex,
  '0012-google-quota': googleQuota,
  '0013-sqlite-primary-keys-not-null': sqlitePrimaryKeys,
});

/** How often a SQLite migration that waited busy_timeout for another process's lock is tried again. */
const BUSY_ATTEMPTS = 5;

/**
 * Brings the schema up to the newest migration; returns the names it applied (empty when current).
 *
 * Two processes may start at once on a fresh database. PostgreSQL migrations run in a
 * transaction under Kysely's advisory lock. Kysely runs SQLite migrations outside any
 * transaction and without a lock, so both processes would create the same tables; here they run
 * inside `BEGIN IMMEDIATE`, which takes the write lock first: the second process waits, then
 * finds the work done, and a failed migration leaves nothing half applied.
 */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<{ applied: string[] }> {
  for (let attempt = 1; ; attempt++) {
    try {
      if (dialectOf(db) === 'postgres') return await runMigrator(db);
      return await db.connection().execute(async (conn) => {
        await sql`begin immediate`.execute(conn);
        try {
          const result = await runMigrator(conn);
          await sql`commit`.execute(conn);
          return result;
        } catch (error) {
          await sql`rollback`.execute(conn);
          throw error;
        }
      });
    } catch (error) {
      if (!isBusyError(error) || attempt >= BUSY_ATTEMPTS) throw error;
      await sleep(100 * attempt);
    }
  }
}

async function runMigrator<DB>(db: Kysely<DB>): Promise<{ applied: string[] }> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve({ ...MIGRATIONS }) },
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined)
    throw error instanceof Error ? error : new Error('Migration failed', { cause: error });
  return { applied: results.filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
