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

export interface ServiceDatabase extends Omit<Database, 'lead_sync_states'> {
  lead_sync_states: LeadSyncStatesTable & { claimedTrigger: RunTrigger | null };
  api_tokens: ApiTokensTable;
}

export type ApiTokenRow = Selectable<ApiTokensTable>;

/** The same connection (or transaction), typed with the service's tables. */
export function serviceDb(db: Kysely<Database>): Kysely<ServiceDatabase> {
  return db as unknown as Kysely<ServiceDatabase>;
}
