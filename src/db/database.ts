import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type {
  NotificationReadsTable,
  OutboxEventsTable,
  WebhookDeliveriesTable,
  WebhooksTable,
} from './notify.tables.js';
import type { LeadSyncRunDaysTable } from './run-days.table.js';
import type { ApiTokensTable, PushUrlsTable } from './service.tables.js';
import type { LEAD_FIELD_TABLE, LeadFieldName, LeadFieldValue } from '../sheet/lead-fields.js';
import type { DateOrder } from '../sheet/types.js';
import type { SourceKind } from '../sources/types.js';

/**
 * The tables, as Kysely sees them. Column names are camelCase in the database itself
 * (the seed system's field names, which other tools read), table names snake_case.
 *
 * Values are normalised by the connection so both dialects read alike:
 * timestamps come back as ISO-8601 strings, JSON columns as their JSON text, counts as numbers.
 * Flags are `boolean` columns on PostgreSQL and integer on SQLite; code reads and writes them
 * as 0/1 on both (PostgreSQL accepts '1'/'0' as boolean input; the connection parses booleans to 0/1).
 */

/** ISO-8601 timestamp text, e.g. `2026-11-29T16:56:54.123Z`. */
type Timestamp = ColumnType<string, string, string>;
/** JSON, stored as jsonb (PostgreSQL) or text (SQLite); read and written as JSON text. */
type JsonText = ColumnType<string, string, string>;
/** 0 or 1. */
type Flag = number;

export type RunOutcome = 'success' | 'unchanged' | 'failed' | 'needs_review' | 'cancelled';
export type RunTrigger = 'schedule' | 'manual' | 'cli' | 'approval' | 'create' | 'retry' | 'push';
/** Where a running sync is (CONTRACT.md "Progress"). */
export type SyncPhase = 'queued' | 'fetching' | 'parsing' | 'diffing' | 'applying' | 'finishing';
export type LeadOrigin = 'sheet' | 'manual';

export interface CustomersTable {
  id: string;
  name: string;
  /** The link exactly as the user pasted it. */
  sheetUrl: string;
  sourceKind: SourceKind;
  spreadsheetId: string | null;
  /** Tab id; null means the first tab (Google's default). */
  gid: string | null;
  keyColumn: string | null;
  dateOrder: DateOrder;
  deleteThresholdPercent: number;
  /** Header name overrides for mapped fields, JSON `{ "email": "Contact e-mail", … }`. */
  fieldOverrides: JsonText | null;
  scheduleIntervalMinutes: number | null;
  scheduleCron: string | null;
  scheduleTimezone: string | null;
  /** JSON array of addresses mailed about the customer's events (migration 0003). */
  notifyEmails: JsonText | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

/** A lead field's column, from its entry in sheet/lead-fields.ts. */
type LeadFieldColumn<K extends LeadFieldName> = (typeof LEAD_FIELD_TABLE)[K] extends { default: string }
  ? Generated<string>
  : (typeof LEAD_FIELD_TABLE)[K]['type'] extends 'timestamp'
    ? Timestamp | null
    : LeadFieldValue<K>;

/** The lead's fields (sheet/lead-fields.ts: sheet-owned and CRM-owned), then the sync's bookkeeping. */
export type LeadsTable = { [K in LeadFieldName]: LeadFieldColumn<K> } & {
  id: string;
  customerId: string;
  /** `sheet` leads are owned by the sync; `manual` ones were made in the CRM and never touched by it. */
  origin: LeadOrigin;
  externalKey: string;
  rowHash: string | null;
  /** Every original column of the row, header → value. */
  data: JsonText;
  sheetRow: number | null;
  firstSeenAt: Timestamp;
  updatedAt: Timestamp;
  deletedAt: Timestamp | null;
};

export interface LeadSyncStatesTable {
  customerId: string;
  isPaused: Flag;
  pausedReason: string | null;
  /** Kept for the seed's readers; the truth is a live lease (leaseExpiresAt in the future). */
  isRunning: Flag;
  syncDuration: number;
  rowsProcessed: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsDeleted: number;
  errorCount: number;
  retryCount: number;
  progressPercent: number;
  progressPhase: string | null;
  progressMessage: string | null;
  consecutiveFailures: number;
  lastSyncAt: Timestamp | null;
  lastSuccessAt: Timestamp | null;
  lastOutcome: RunOutcome | null;
  lastErrorCode: string | null;
  lastErrorMessage: string | null;
  /** Order-independent checksum of the rows of the last successful sync. */
  lastChecksum: string | null;
  /**
   * The input fingerprint of the last successful sync (src/sync/input-fingerprint.ts): SHA-1 over
   * the body's SHA-1, the mapping options and READER_VERSION, not the body's own hash. The name is
   * the seed system's.
   */
  lastBodyHash: string | null;
  lastBodyBytes: number | null;
  /** JSON array of the header names of the last successful sync. */
  lastHeaders: JsonText | null;
  rowCount: number | null;
  leaseOwner: string | null;
  leaseExpiresAt: Timestamp | null;
  nextRunAt: Timestamp | null;
  /** A run was asked for (manual trigger, approval); the worker picks it up before schedules. */
  pendingTrigger: RunTrigger | null;
  /** The trigger of the run the lease holder claimed (migration 0002). */
  claimedTrigger: RunTrigger | null;
  /** A pushed run is due at this time (migration 0010); null: no push waiting. */
  pushRunAt: Timestamp | null;
  /** When the run in `pendingTrigger` was asked for (migration 0011): its place in the queue. */
  askedAt: Timestamp | null;
  /**
   * JSON SourceVersion (src/sync/source-version.ts): the Drive revision or the ETag and
   * Last-Modified the last successful run saw, and the source and mapping options they hold for.
   */
  lastSourceVersion: JsonText | null;
  /** Runs that ended `unchanged` on an unchanged Drive revision, without a download. */
  revisionSkips: Generated<number>;
  /** Runs that ended `unchanged` on a 304 answer to a conditional request. */
  notModifiedSkips: Generated<number>;
  /** Google requests those skips did not make (net of the revision checks). */
  googleRequestsSaved: Generated<number>;
  /** Bytes those skips did not download (the last body's size each time). */
  bytesSaved: Generated<number>;
  updatedAt: Timestamp;
  /** JSON array of the last finished run's warnings (RunWarning), for the status. */
  lastWarnings: JsonText | null;
  /** The held run the last approval approved; the approval run deletes only from its set. */
  approvedRunId: string | null;
}

export interface LeadSyncRunsTable {
  id: string;
  customerId: string;
  trigger: RunTrigger;
  outcome: RunOutcome | null;
  startedAt: Timestamp;
  finishedAt: Timestamp | null;
  durationMs: number | null;
  rowsProcessed: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsDeleted: number;
  rowsUnchanged: number;
  duplicateKeys: number;
  retryCount: number;
  bytes: number;
  checksum: string | null;
  headerRow: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  /** Deletes held back by the mass-delete guard (needs_review runs). */
  pendingDeletes: number | null;
  /** JSON: duplicate keys, a sample of held deletes, header mapping, … */
  details: JsonText | null;
  workerId: string | null;
  /** Live sheet leads after a success or unchanged run, for the mass-delete guard's window. */
  liveLeadsAfter: number | null;
  /** JSON array of what was wrong with the sheet's data (RunWarning); null on older runs. */
  warnings: JsonText | null;
}

/** The keys a held (needs_review) run would have soft-deleted: what its approval may delete. */
export interface LeadSyncHeldDeletesTable {
  customerId: string;
  runId: string;
  externalKey: string;
}

export type ChangeOp = 'insert' | 'update' | 'restore' | 'delete' | 'edit';

/** The one row (id 1) that hands out change-batch positions, under its row lock (migration 0009). */
export interface ChangeCounterTable {
  id: number;
  position: number;
}

/** One committed write transaction that changed leads: a sync run's write, or a CRM edit. */
export interface ChangeBatchesTable {
  id: string;
  customerId: string;
  /** Strictly increasing in commit order (taken under change_counter's lock, just before commit). */
  position: number;
  runId: string | null;
  at: Timestamp;
  /** lead_changes rows written with it (retention may have removed some since). */
  changes: number;
  /** No change of the batch has a larger seq (its places run 1..lastSeq, with rare holes). */
  lastSeq: number;
}

/** One lead a batch changed, at place `seq` of the batch. */
export interface LeadChangesTable {
  batchId: string;
  seq: number;
  leadId: string;
  op: ChangeOp;
  /** JSON `{"field": [from, to]}` of the fields that changed (updates, restores, edits); else null. */
  fields: JsonText | null;
}

/**
 * One Google quota shared by every worker process (migration 0012, used on PostgreSQL only):
 * per limiter, the next free request slot in epoch ms of the database's clock.
 */
export interface GoogleQuotaTable {
  name: string;
  nextFreeMs: number;
  /** When the last reserved request may go. */
  sendAtMs: number;
}

/** The whole database, every migration's tables: the one type every repository takes. */
export interface Database {
  customers: CustomersTable;
  leads: LeadsTable;
  lead_sync_states: LeadSyncStatesTable;
  lead_sync_runs: LeadSyncRunsTable;
  lead_sync_held_deletes: LeadSyncHeldDeletesTable;
  change_counter: ChangeCounterTable;
  change_batches: ChangeBatchesTable;
  lead_changes: LeadChangesTable;
  lead_sync_run_days: LeadSyncRunDaysTable;
  api_tokens: ApiTokensTable;
  push_urls: PushUrlsTable;
  outbox_events: OutboxEventsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  notification_reads: NotificationReadsTable;
  google_quota: GoogleQuotaTable;
}

export type CustomerRow = Selectable<CustomersTable>;
export type NewCustomerRow = Insertable<CustomersTable>;
export type CustomerUpdate = Updateable<CustomersTable>;
export type LeadRow = Selectable<LeadsTable>;
export type NewLeadRow = Insertable<LeadsTable>;
export type SyncStateRow = Selectable<LeadSyncStatesTable>;
export type SyncRunRow = Selectable<LeadSyncRunsTable>;
export type NewSyncRunRow = Insertable<LeadSyncRunsTable>;
