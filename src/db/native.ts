import type SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { Database } from './database.js';

/**
 * The drivers under a Kysely instance, for the one place that needs more than Kysely offers: a
 * sync's bulk write (src/db/lead-stage.ts), which streams COPY on a pooled client (PostgreSQL).
 * Registered by openDatabase.
 */
export type NativeAccess =
  | {
      dialect: 'sqlite';
      /** The process's writer connection (also the reader for :memory:). */
      writer: SQLite.Database;
    }
  | { dialect: 'postgres'; pool: pg.Pool };

// Keyed by the dialect adapter: one per openDatabase, shared by every instance derived from it
// (withPlugin, transactions), so a test's write-counting plugin does not hide the drivers.
const registry = new WeakMap<object, NativeAccess>();

export function registerNative(db: Kysely<Database>, native: NativeAccess): void {
  registry.set(db.getExecutor().adapter, native);
}

/** The drivers of a database opened by openDatabase (or of any instance derived from it). */
export function nativeOf(db: Kysely<Database>): NativeAccess {
  const native = registry.get(db.getExecutor().adapter);
  if (!native) throw new Error('nativeOf: this Kysely instance was not made by openDatabase');
  return native;
}
