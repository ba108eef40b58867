import type { ColumnType, Kysely, Selectable } from 'kysely';
import type { Database, LeadSyncStatesTable, RunTrigger } from './database.js';

/**
 * The tables and columns migration 0002-service adds, seen by the service's repositories only;
 * the engine keeps reading `Database`.
 */
export interface ApiTokensTable {
  id: string;
  /** SHA-256 (hex) of the token. */
  tokenHash: string;
  customerId: string | null;
  label: string;
  createdAt: ColumnType<string, string, string>;
}

/** A customer's push URL (migration 0010): the secret is kept as its SHA-256 only. */
export interface PushUrlsTable {
  customerId: string;
  /** SHA-256 (hex) of the secret in the URL. */
  secretHash: string;
  /** A burst of pushes becomes one run this many seconds after its first push. */
  debounceSeconds: number;
  createdAt: ColumnType<string, string, string>;
  lastPushAt: ColumnType<string, string, string> | null;
  pushCount: ColumnType<number, number | undefined, number>;
}

export interface ServiceDatabase extends Omit<Database, 'lead_sync_states'> {
  lead_sync_states: LeadSyncStatesTable & {
    claimedTrigger: RunTrigger | null;
    /** A pushed run is due at this time (migration 0010); null: no push waiting. */
    pushRunAt: ColumnType<string, string, string> | null;
    /** When the run in `pendingTrigger` was asked for (migration 0011): its place in the queue. */
    askedAt: ColumnType<string, string, string> | null;
  };
  api_tokens: ApiTokensTable;
  push_urls: PushUrlsTable;
}

export type ApiTokenRow = Selectable<ApiTokensTable>;

/** The same connection (or transaction), typed with the service's tables. */
export function serviceDb(db: Kysely<Database>): Kysely<ServiceDatabase> {
  return db as unknown as Kysely<ServiceDatabase>;
}
