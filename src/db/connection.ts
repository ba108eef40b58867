import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { LeadsyncError } from '../errors.js';
import type { Database } from './database.js';
import type { DialectName } from './dialect.js';
import { migrateToLatest } from './migrate.js';

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: DialectName;
  /** The URL it was opened with (may hold a password: do not log it). */
  url: string;
  /** Closes the pool or file; safe to call more than once. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** Apply pending migrations before returning. Default true. */
  migrate?: boolean;
  /** PostgreSQL pool size (SQLite has one connection). Default 10. */
  poolSize?: number;
}

/**
 * Opens `sqlite:PATH` (relative to the working directory; parent folders are created),
 * `sqlite::memory:`, or `postgres://…` / `postgresql://…`. Anything else is CONFIG_INVALID.
 */
export async function openDatabase(url: string, options: OpenDatabaseOptions = {}): Promise<DatabaseHandle> {
  const dialect = url.startsWith('sqlite:') ? 'sqlite' : /^postgres(ql)?:\/\//.test(url) ? 'postgres' : null;
  if (dialect === null) {
    throw new LeadsyncError(
      'CONFIG_INVALID',
      `DATABASE_URL must be sqlite:PATH or postgres://…, got "${redact(url)}"`,
    );
  }
  const db = new Kysely<Database>({
    dialect: dialect === 'sqlite' ? sqliteDialect(url) : await postgresDialect(url, options.poolSize ?? 10),
  });
  let closing: Promise<void> | undefined;
  const handle: DatabaseHandle = { db, dialect, url, close: () => (closing ??= db.destroy()) };
  if (options.migrate ?? true) {
    try {
      await migrateToLatest(db);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }
  return handle;
}

function sqliteDialect(url: string): SqliteDialect {
  const path = url.slice('sqlite:'.length);
  if (path === '' || (path.startsWith('//') && !path.startsWith('///'))) {
    throw new LeadsyncError('CONFIG_INVALID', `Use sqlite:PATH or sqlite:///absolute/path, got "${url}"`);
  }
  let file = ':memory:';
  if (path !== ':memory:') {
    file = resolve(path);
    mkdirSync(dirname(file), { recursive: true });
  }
  const sqlite = new SQLite(file);
  // WAL: readers (API) never wait for the sync's writes. Not available in memory.
  if (file !== ':memory:') sqlite.pragma('journal_mode = WAL');
  // With WAL, NORMAL is durable against crashes of the process; only power loss can lose the last commits.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  // The API, worker and CLI may share a file: wait for the writer instead of failing at once.
  sqlite.pragma('busy_timeout = 5000');
  // Big sorts and index builds (500k-row syncs) spill to temp files, which the page cache bounds,
  // instead of growing RSS without limit. It is this build's default; stated so no one "tunes" it.
  sqlite.pragma('temp_store = FILE');
  // A 500k-row transaction grows the WAL file; truncate it after checkpoints, not keep it forever.
  sqlite.pragma('journal_size_limit = 67108864');
  return new SqliteDialect({ database: sqlite });
}

/** pg is imported only for PostgreSQL: a process on SQLite (the default) never loads it. */
async function postgresDialect(url: string, max: number): Promise<PostgresDialect> {
  const [{ default: pg }, { postgresTypeParsers }] = await Promise.all([
    import('pg'),
    import('./postgres-types.js'),
  ]);
  const pool = new pg.Pool({
    connectionString: url,
    max,
    types: postgresTypeParsers(),
    application_name: 'leadsync',
    // Timestamps are parsed with their offset either way; UTC keeps SQL like date_trunc predictable.
    options: '-c TimeZone=UTC',
  });
  // An idle client whose server went away emits 'error' on the pool; the pool already discards
  // it and the next query reconnects, so the event must not crash the process.
  pool.on('error', () => {});
  return new PostgresDialect({ pool });
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
