/**
 * Which database failures leadsync knows, from the drivers' own errors (better-sqlite3's
 * `SQLITE_*` codes, PostgreSQL's SQLSTATE, Node's socket errors, pg's own messages). Everything
 * else stays unknown (INTERNAL, not retried). No imports: src/errors.ts reads it.
 */
export type DatabaseFault = 'DATABASE_UNAVAILABLE' | 'DATABASE_FULL' | 'DATABASE_READ_ONLY';

/** SQLSTATEs of a server that went away or is not taking connections (restart, failover, terminate). */
const POSTGRES_GONE = new Set([
  '57P01', // admin_shutdown: pg_terminate_backend, a fast shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up, or a standby being promoted
  '53300', // too_many_connections: a failover's flood of reconnects
]);

/** Node's errors for a socket that could not be opened or was cut. */
const SOCKET_GONE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** pg's own errors (no code) for a connection that ended or never came. */
const PG_GONE_MESSAGES = [
  /^Connection terminated/,
  /is not queryable/,
  /^timeout exceeded when trying to connect/,
  /is not currently accepting connections/,
];

export function databaseFaultOf(error: unknown): DatabaseFault | null {
  if (error === null || typeof error !== 'object') return null;
  const code = 'code' in error && typeof error.code === 'string' ? error.code : '';
  if (code === 'SQLITE_FULL') return 'DATABASE_FULL';
  if (code.startsWith('SQLITE_READONLY')) return 'DATABASE_READ_ONLY';
  if (code === '53100') return 'DATABASE_FULL'; // disk_full on PostgreSQL
  if (code === '25006') return 'DATABASE_READ_ONLY'; // read_only_sql_transaction: a standby
  if (POSTGRES_GONE.has(code) || code.startsWith('08') || SOCKET_GONE.has(code))
    return 'DATABASE_UNAVAILABLE';
  const message = error instanceof Error ? error.message : '';
  if (PG_GONE_MESSAGES.some((pattern) => pattern.test(message))) return 'DATABASE_UNAVAILABLE';
  // A refused connection to localhost is an AggregateError of one refusal per address.
  if (error instanceof AggregateError)
    return error.errors.some((e) => databaseFaultOf(e) === 'DATABASE_UNAVAILABLE')
      ? 'DATABASE_UNAVAILABLE'
      : null;
  return null;
}
