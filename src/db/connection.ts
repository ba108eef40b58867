import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, type Dialect } from 'kysely';
import { LeadsyncError } from '../errors.js';
import type { Database } from './database.js';
import type { DialectName } from './dialect.js';
import { migrateToLatest } from './migrate.js';
import { registerNative, type NativeAccess } from './native.js';
import { SqliteCheckpointer } from './sqlite-checkpointer.js';
import { DEFAULT_BUSY_WAIT_MS, LeadsyncSqliteDialect } from './sqlite-driver.js';

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
  /** PostgreSQL pool size. Default 10. */
  poolSize?: number;
  /** SQLite: how long a write waits for another connection's lock. Default 30 s. */
  busyWaitMs?: number;
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
  const made =
    dialect === 'sqlite'
      ? sqliteDialect(url, options.busyWaitMs)
      : await postgresDialect(url, options.poolSize ?? 10);
  const db = new Kysely<Database>({ dialect: made.dialect });
  registerNative(db, made.native);
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

function sqliteDialect(
  url: string,
  busyWaitMs: number | undefined,
): { dialect: Dialect; native: NativeAccess } {
  const path = url.slice('sqlite:'.length);
  if (path === '' || (path.startsWith('//') && !path.startsWith('///'))) {
    throw new LeadsyncError('CONFIG_INVALID', `Use sqlite:PATH or sqlite:///absolute/path, got "${url}"`);
  }
  let file = ':memory:';
  if (path !== ':memory:') {
    file = resolve(path);
    mkdirSync(dirname(file), { recursive: true });
  }
  const writer = openSqliteConnection(file);
  const checkpointer = file === ':memory:' ? null : new SqliteCheckpointer(file);
  // Checkpoints run in the checkpointer's thread after each commit, not inside a commit here.
  if (checkpointer) writer.pragma('wal_autocheckpoint = 0');
  // A second connection to :memory: would be another, empty database: there the writer reads too.
  const reader = file === ':memory:' ? null : openSqliteConnection(file, { reader: true });
  return {
    dialect: new LeadsyncSqliteDialect({
      writer,
      reader,
      busyWaitMs: busyWaitMs ?? DEFAULT_BUSY_WAIT_MS,
      checkpointer,
    }),
    native: { dialect: 'sqlite', writer },
  };
}

/** One connection to the file with leadsync's settings. */
export function openSqliteConnection(file: string, options: { reader?: boolean } = {}): SQLite.Database {
  const sqlite = new SQLite(file);
  // WAL: readers (API) never wait for the sync's writes. Not available in memory.
  if (file !== ':memory:') sqlite.pragma('journal_mode = WAL');
  // With WAL, NORMAL is durable against crashes of the process; only power loss can lose the last commits.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  // Writers wait for another connection's lock on a timer in the driver (sqlite-driver.ts), never in
  // SQLite's busy handler, which sleeps the whole event loop. A WAL reader only waits in rare
  // recovery cases, briefly.
  sqlite.pragma(`busy_timeout = ${options.reader ? 1000 : 0}`);
  if (options.reader) sqlite.pragma('query_only = ON');
  // Big sorts and index builds (500k-row syncs) spill to temp files, which the page cache bounds,
  // instead of growing RSS without limit. It is this build's default; stated so no one "tunes" it.
  sqlite.pragma('temp_store = FILE');
  // A 500k-row transaction grows the WAL file; truncate it after checkpoints, not keep it forever.
  sqlite.pragma('journal_size_limit = 67108864');
  return sqlite;
}

/** How long a new PostgreSQL connection may take before the attempt fails (DATABASE_UNAVAILABLE). */
const CONNECT_TIMEOUT_MS = 5000;

/** pg is imported only for PostgreSQL: a process on SQLite (the default) never loads it. */
async function postgresDialect(
  url: string,
  max: number,
): Promise<{ dialect: Dialect; native: NativeAccess }> {
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
    // A server that vanished without closing its sockets (a failover, a cut network) is noticed
    // by TCP keep-alive, and a connect to it gives up instead of hanging readyz and every query.
    keepAlive: true,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  // An idle client whose server went away emits 'error' on the pool; the pool already discards
  // it and the next query reconnects, so the event must not crash the process.
  pool.on('error', () => {});
  // A checked-out client has no pool listener (pg-pool removes it on checkout): when the server
  // ends the connection between two statements of a transaction (pg_terminate_backend, a
  // restart), its 'error' would be an uncaught exception. Its next query fails instead, with
  // "not queryable", and the pool discards it on release.
  pool.on('connect', (client) => client.on('error', () => {}));
  return { dialect: new PostgresDialect({ pool }), native: { dialect: 'postgres', pool } };
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
