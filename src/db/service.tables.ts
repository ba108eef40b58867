import type { ColumnType, Selectable } from 'kysely';

/** The tables migrations 0002-service and 0010 add (part of `Database`, database.ts). */
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

export type ApiTokenRow = Selectable<ApiTokensTable>;
