import { PostgresAdapter, sql, type DialectAdapter, type RawBuilder, type SqlBool } from 'kysely';

/**
 * Everything that differs between SQLite and PostgreSQL lives here, so the repositories read
 * the same for both and a third dialect would be one more entry, not a hunt for `if`s.
 */
export type DialectName = 'sqlite' | 'postgres';

export interface DialectTraits {
  /** Most bind parameters one statement may carry (SQLITE_MAX_VARIABLE_NUMBER; PostgreSQL's Int16 count). */
  maxBindParameters: number;
  /** `FOR UPDATE SKIP LOCKED` exists; SQLite has one writer at a time, so a plain UPDATE claims. */
  supportsSkipLocked: boolean;
  /** One write transaction at a time for the whole database (SQLite): every other writer waits for it. */
  singleWriter: boolean;
  /** Case-insensitive pattern operator: SQLite's LIKE already ignores ASCII case. */
  likeOperator: 'like' | 'ilike';
  /**
   * Column types for migrations. Migrations are history: changing these changes what a fresh
   * database gets, so add new names rather than editing the old ones.
   */
  columnTypes: {
    timestamp: 'timestamptz' | 'text';
    json: 'jsonb' | 'text';
    flag: 'boolean' | 'integer';
    /** Byte counts can pass 2 GiB (LEADSYNC_MAX_SHEET_BYTES may be raised). */
    bigint: 'bigint' | 'integer';
  };
  /** Default of a flag column that starts off: PostgreSQL rejects `DEFAULT 0` on a boolean. */
  flagOff: boolean | number;
}

export const DIALECT_TRAITS: Readonly<Record<DialectName, Readonly<DialectTraits>>> = Object.freeze({
  sqlite: {
    maxBindParameters: 32766,
    supportsSkipLocked: false,
    singleWriter: true,
    likeOperator: 'like',
    columnTypes: { timestamp: 'text', json: 'text', flag: 'integer', bigint: 'integer' },
    flagOff: 0,
  },
  postgres: {
    maxBindParameters: 65535,
    supportsSkipLocked: true,
    singleWriter: false,
    likeOperator: 'ilike',
    columnTypes: { timestamp: 'timestamptz', json: 'jsonb', flag: 'boolean', bigint: 'bigint' },
    flagOff: false,
  },
});

/** Any Kysely instance or transaction, whatever its tables. */
type AnyKysely = { getExecutor(): { readonly adapter: DialectAdapter } };

/** Which dialect a Kysely instance (or transaction) talks to. */
export function dialectOf(db: AnyKysely): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

export function traitsOf(db: AnyKysely): Readonly<DialectTraits> {
  return DIALECT_TRAITS[dialectOf(db)];
}

/** Escapes LIKE wildcards so user text matches literally (with `ESCAPE '\'`). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * `column` contains `needle`, ignoring case: LIKE on SQLite (ASCII only), ILIKE on PostgreSQL.
 * The escape character is spelled out because SQLite has no default one.
 */
export function containsIgnoringCase(
  dialect: DialectName,
  column: string,
  needle: string,
): RawBuilder<SqlBool> {
  const operator = sql.raw(DIALECT_TRAITS[dialect].likeOperator);
  return sql<SqlBool>`${sql.ref(column)} ${operator} ${`%${escapeLike(needle)}%`} escape '\\'`;
}

/** A UNIQUE or PRIMARY KEY violation, from either driver. */
export function isUniqueViolation(error: unknown): boolean {
  const code = errorCode(error);
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** A FOREIGN KEY violation (e.g. a lead for a customer that does not exist), from either driver. */
export function isForeignKeyViolation(error: unknown): boolean {
  const code = errorCode(error);
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/** SQLite's "another connection holds the write lock" (after busy_timeout, or at once on a snapshot conflict). */
export function isBusyError(error: unknown): boolean {
  const code = errorCode(error);
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

function errorCode(error: unknown): unknown {
  return error !== null && typeof error === 'object' && 'code' in error ? error.code : undefined;
}

/** One field a write may change: its name and the SQL of its value before and after. */
export interface FieldPair {
  name: string;
  before: string;
  after: string;
}

/**
 * SQL building `{"name": [before, after], …}` of the pairs whose values differ (null-safe), `{}`
 * when none does; `whole` joins in only when no pair differs (a change to an unmapped column).
 * SQLite: json_patch drops the members a patch sets to null. PostgreSQL: jsonb_strip_nulls drops
 * null members (recursively, but the values are arrays, whose null elements stay).
 */
export function changedFieldsSql(
  dialect: DialectName,
  pairs: readonly FieldPair[],
  whole?: FieldPair,
): string {
  const differs = (p: FieldPair) =>
    dialect === 'sqlite' ? `${p.before} IS NOT ${p.after}` : `${p.before} IS DISTINCT FROM ${p.after}`;
  const array = (p: FieldPair) =>
    dialect === 'sqlite'
      ? `json_array(${p.before}, ${p.after})`
      : `jsonb_build_array(${p.before}, ${p.after})`;
  const members = pairs.map((p) => `'${p.name}', CASE WHEN ${differs(p)} THEN ${array(p)} END`);
  if (whole) {
    const none = pairs.map((p) => `NOT (${differs(p)})`).join(' AND ');
    members.push(`'${whole.name}', CASE WHEN ${none} AND ${differs(whole)} THEN ${array(whole)} END`);
  }
  return dialect === 'sqlite'
    ? `json_patch('{}', json_object(${members.join(', ')}))`
    : `jsonb_strip_nulls(jsonb_build_object(${members.join(', ')}))`;
}
