import type { Kysely } from 'kysely';
import { LeadsyncError } from '../errors.js';
import type { Database } from './database.js';

/**
 * Small conversions every repository needs between rows (text timestamps, JSON text, 0/1
 * flags) and domain objects (ISO strings, parsed JSON, booleans).
 */

/**
 * The one timestamp form we store: `Date#toISOString()`. SQLite compares timestamps as text,
 * which is only chronological when every value has exactly this shape; years outside 0001-9999
 * do not have it (`+010000-…`, `-000001-…`), and PostgreSQL has no year 0000 (a 500 on insert).
 */
export function toIso(value: string | Date): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  const year = date.getUTCFullYear();
  if (!Number.isFinite(date.getTime()) || year < 1 || year > 9999) {
    throw new LeadsyncError(
      'VALIDATION_FAILED',
      `Not a valid timestamp (years 0001-9999): ${String(value).slice(0, 40)}`,
    );
  }
  return date.toISOString();
}

export function toIsoOrNull(value: string | Date | null): string | null {
  return value === null ? null : toIso(value);
}

export function parseJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

export const toFlag = (value: boolean): number => (value ? 1 : 0);

/** Runs `fn` in the caller's transaction when there is one, else in a new one. */
export function inTransaction<T>(
  db: Kysely<Database>,
  fn: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}
