import type SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { Database } from './database.js';

/**
 * The drivers under a Kysely instance, for the one place that needs more than Kysely offers: a
 * sync's bulk write (src/sync/stage/), which uses prepared statements on a connection of its
 * own (SQLite) or COPY on a pooled client (PostgreSQL). Registered by openDatabase.
 */
export type NativeAccess =
  | {
      dialect: 'sqlite';
      /** The process's writer connection (also the reader for :memory:). */
      writer: SQLite.Database;
      /** A new connection to the same file; null for :memory:, where there is only one. */
      openConnection(): SQLite.Database | null;
      busyWaitMs: number;
    }
  | { dialect: 'postgres'; pool: pg.Pool };

const registry = new WeakMap<Kysely<Database>, NativeAccess>();

export function registerNative(db: Kysely<Database>, native: NativeAccess): void {
  registry.set(db, native);
}

/** The drivers of a database opened by openDatabase (not of a transaction: pass the root instance). */
export function nativeOf(db: Kysely<Database>): NativeAccess {
  const native = registry.get(db);
  if (!native) throw new Error('nativeOf: this Kysely instance was not made by openDatabase');
  return native;
}
