import type SQLite from 'better-sqlite3';
import {
  SqliteDialect,
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { LRUCache } from 'lru-cache';
import { LeadsyncError } from '../errors.js';
import { isBusyError } from './dialect.js';
import type { SqliteCheckpointer } from './sqlite-checkpointer.js';

/**
 * SQLite for a service that must keep answering while a sync writes.
 *
 * Kysely's own SqliteDriver puts every query of the process behind one mutex on one connection:
 * a sync's long write transaction made every API read, the heartbeat and the claim loop wait
 * for it (a status request waited 11.4 s). Here:
 *
 * - reads outside a transaction run on their own connection: in WAL mode a reader sees the last
 *   commit and never waits for the writer;
 * - writes and transactions take the writer connection, behind an async mutex (one transaction
 *   at a time per connection, never interleaved with another caller's statements);
 * - transactions begin IMMEDIATE (the write lock is taken up front, so a transaction never fails
 *   half-way with a snapshot conflict), and when another connection — a sync's own, a CLI in
 *   another process — holds the lock, the wait is a timer, not `busy_timeout`'s sleep inside
 *   the driver, which would freeze the event loop;
 * - statements are prepared once and reused (Kysely prepared every query again).
 */

/** How long a write waits for another connection's write lock before failing. */
export const DEFAULT_BUSY_WAIT_MS = 30_000;

export interface SqlitePoolOptions {
  /** The connection that writes (and runs transactions). */
  writer: SQLite.Database;
  /** The connection for reads outside transactions; null: the writer reads too. */
  reader: SQLite.Database | null;
  busyWaitMs?: number;
  /** Runs the WAL checkpoints after commits (the writer's automatic ones are then off). */
  checkpointer?: SqliteCheckpointer | null;
}

/** A Kysely dialect over a writer (and an optional reader) connection, as described above. */
export class LeadsyncSqliteDialect extends SqliteDialect {
  constructor(private readonly pool: SqlitePoolOptions) {
    super({ database: pool.writer });
  }

  override createDriver(): Driver {
    return new SqliteSplitDriver(this.pool);
  }
}

class Mutex {
  private tail: Promise<void> = Promise.resolve();

  /** Resolves, once it is the caller's turn, to the function that ends the turn. */
  lock(): Promise<() => void> {
    let release!: () => void;
    const turn = new Promise<void>((resolve) => (release = resolve));
    const previous = this.tail;
    this.tail = previous.then(() => turn);
    return previous.then(() => release);
  }
}

class Statements {
  private readonly cache = new LRUCache<string, SQLite.Statement>({ max: 500 });
  constructor(readonly db: SQLite.Database) {}

  get(sql: string): SQLite.Statement {
    let stmt = this.cache.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.cache.set(sql, stmt);
    }
    return stmt;
  }
}

class SqliteSplitDriver implements Driver {
  private readonly writer: Statements;
  private readonly reader: Statements | null;
  /** Statements the reader cannot run (writes, temporary tables): not prepared there again. */
  private readonly writesOnly = new LRUCache<string, true>({ max: 500 });
  private readonly mutex = new Mutex();
  private readonly busyWaitMs: number;

  constructor(private readonly pool: SqlitePoolOptions) {
    this.writer = new Statements(pool.writer);
    this.reader = pool.reader ? new Statements(pool.reader) : null;
    this.busyWaitMs = pool.busyWaitMs ?? DEFAULT_BUSY_WAIT_MS;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new SqliteSession(this);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    void settings; // SQLite transactions are serializable; there is nothing to set.
    const session = connection as SqliteSession;
    session.release = await this.mutex.lock();
    try {
      await this.whenNotBusy(() => this.writer.get('begin immediate').run());
    } catch (error) {
      session.end();
      throw error;
    }
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const session = connection as SqliteSession;
    try {
      this.writer.get('commit').run();
      this.pool.checkpointer?.request();
    } finally {
      // A failed COMMIT (disk full) leaves the transaction open: roll it back before anyone else writes.
      if (this.pool.writer.inTransaction) this.pool.writer.exec('rollback');
      session.end();
    }
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const session = connection as SqliteSession;
    try {
      // Only while this session still holds the writer: after a failed COMMIT it already let go,
      // and the transaction open now may be someone else's.
      if (session.release && this.pool.writer.inTransaction) this.writer.get('rollback').run();
    } finally {
      session.end();
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as SqliteSession).end();
  }

  async destroy(): Promise<void> {
    await this.pool.checkpointer?.close();
    this.pool.reader?.close();
    this.pool.writer.close();
  }

  /** Runs one statement for a session: inside its transaction, on the reader, or as one write. */
  async execute(session: SqliteSession, query: CompiledQuery): Promise<QueryResult<unknown>> {
    const control = TRANSACTION_CONTROL.exec(query.sql)?.[1]?.toLowerCase();
    if (control !== undefined) return this.control(session, control);
    if (session.release) return run(this.writer.get(query.sql), query.parameters);
    const readStmt = this.readOnly(query.sql);
    if (readStmt) return run(readStmt, query.parameters);
    const release = await this.mutex.lock();
    try {
      const stmt = this.writer.get(query.sql);
      const result = await this.whenNotBusy(() => run(stmt, query.parameters));
      this.pool.checkpointer?.request();
      return result;
    } finally {
      release();
    }
  }

  async *stream(session: SqliteSession, query: CompiledQuery): AsyncIterableIterator<QueryResult<unknown>> {
    const stmt = (!session.release && this.readOnly(query.sql)) || this.writer.get(query.sql);
    for (const row of stmt.iterate(query.parameters)) yield { rows: [row] };
  }

  /**
   * `begin` / `commit` / `rollback` sent as SQL on one connection (`db.connection()`, as the
   * migrations do): the same as Kysely's transaction calls, so the session holds the writer.
   */
  private async control(session: SqliteSession, command: string): Promise<QueryResult<unknown>> {
    if (command === 'begin') await this.beginTransaction(session, {});
    else if (command === 'rollback') await this.rollbackTransaction(session);
    else if (!session.release) throw new Error('commit without a transaction');
    else await this.commitTransaction(session);
    return { rows: [] };
  }

  /** The statement prepared on the reader when it only reads; null when the writer must run it. */
  private readOnly(sqlText: string): SQLite.Statement | null {
    if (!this.reader || this.writesOnly.has(sqlText)) return null;
    try {
      const stmt = this.reader.get(sqlText);
      if (stmt.readonly) return stmt;
    } catch {
      // Not preparable there (e.g. a temporary table, which only the writer's connection has).
    }
    this.writesOnly.set(sqlText, true);
    return null;
  }

  /**
   * Runs `work` (one statement, which SQLite rolls back whole when it answers BUSY), waiting on
   * a timer while another connection holds the write lock. The wait grows from 2 ms to 50 ms.
   */
  async whenNotBusy<T>(work: () => T): Promise<T> {
    const deadline = Date.now() + this.busyWaitMs;
    for (let wait = 2; ; wait = Math.min(50, wait * 2)) {
      try {
        return work();
      } catch (error) {
        if (!isBusyError(error)) throw error;
        if (Date.now() >= deadline) {
          throw new LeadsyncError(
            'DATABASE_BUSY',
            `Another connection kept the SQLite database locked for more than ${this.busyWaitMs} ms`,
            { cause: error },
          );
        }
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }
}

/** Transaction control as plain SQL (`begin immediate`, `commit`, `end`, `rollback`), not savepoints. */
const TRANSACTION_CONTROL =
  /^\s*(begin|commit|end|rollback)\b(?!\s+to\b)(?:\s+(?:deferred|immediate|exclusive))?(?:\s+transaction)?\s*;?\s*$/i;

class SqliteSession implements DatabaseConnection {
  /** Set while this session holds the writer (its transaction). */
  release: (() => void) | null = null;

  constructor(private readonly driver: SqliteSplitDriver) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.driver.execute(this, query) as Promise<QueryResult<R>>;
  }

  streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    return this.driver.stream(this, query) as AsyncIterableIterator<QueryResult<R>>;
  }

  end(): void {
    const release = this.release;
    this.release = null;
    release?.();
  }
}

function run(stmt: SQLite.Statement, parameters: readonly unknown[]): QueryResult<unknown> {
  // An array binds positionally, like spreading it, without an argument list of 30,000.
  if (stmt.reader) return { rows: stmt.all(parameters) };
  const { changes, lastInsertRowid } = stmt.run(parameters);
  return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
}
