import type { Static } from 'typebox';
import type {
  CustomerBody,
  CustomerPatchBody,
  CustomerSchema,
  LeadSchema,
  RunSchema,
  ScheduleSchema,
  SyncStatusSchema,
} from '../../src/api/schemas.js';
import type { LeadsyncEvent } from '../../src/events/events.js';
import type {
  ChangeSchema,
  ChangesPageSchema,
  HistoryEntrySchema,
} from '../../src/api/lead-changes.schemas.js';

/**
 * The API's JSON shapes, taken from the server's own TypeBox schemas (type-only imports: the
 * browser bundle gets no server code, and a server change that breaks the client fails tsc).
 * The few response shapes the server declares inline are written out below and checked
 * against docs/openapi.json by test/web/api-types.test.ts.
 */
export type SyncStatus = Static<typeof SyncStatusSchema>;
export type SyncStatusWord = SyncStatus['status'];
export type SyncRun = Static<typeof RunSchema>;
export type Lead = Static<typeof LeadSchema>;
export type Customer = Static<typeof CustomerSchema>;
export type CustomerInput = Static<typeof CustomerBody>;
export type CustomerPatch = Static<typeof CustomerPatchBody>;
export type Schedule = Static<typeof ScheduleSchema>;
/** `GET /api/leads/changes`: one change of the feed, and a page of them. */
export type LeadChange = Static<typeof ChangeSchema>;
export type ChangesPage = Static<typeof ChangesPageSchema>;
/** `GET /api/leads/:id/history`: what one write changed on the lead. */
export type LeadHistoryEntry = Static<typeof HistoryEntrySchema>;

/** `GET /api/leads/sync/metrics` (status.routes.ts MetricsSchema). */
export interface SyncMetrics {
  customerId: string | null;
  totalSyncs: number;
  successfulSyncs: number;
  failedSyncs: number;
  successRate: number;
  errorRate: number;
  avgDurationMs: number | null;
  p95DurationMs: number | null;
  rowsProcessed: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsDeleted: number;
  errors: number;
  retries: number;
}

/** `POST /api/customers/validate-sheet`: what a sync would read, without writing. */
export interface SheetCheck {
  sourceKind: string;
  headerRow: number;
  headers: string[];
  mappedFields: Record<string, string>;
  identity: string;
  rowCount: number;
  sample: { key: string; sheetRow: number; values: Record<string, string | null> }[];
}

/** `202` of trigger and approve. */
export interface TriggerAccepted {
  runId: string | null;
  status: 'queued' | 'running';
}

export interface LeadsPage {
  leads: Lead[];
  nextCursor: string | null;
  total: number;
}
export interface RunsPage {
  runs: SyncRun[];
  nextCursor: string | null;
}
export interface CustomersPage {
  customers: Customer[];
  nextCursor: string | null;
}
export interface StatusesPage {
  total: number;
  statuses: SyncStatus[];
  nextCursor: string | null;
}

/** Every field of the inline shapes, so the OpenAPI test can compare them (a missing key fails tsc). */
export const SHAPE_KEYS = {
  metrics: {
    customerId: 1,
    totalSyncs: 1,
    successfulSyncs: 1,
    failedSyncs: 1,
    successRate: 1,
    errorRate: 1,
    avgDurationMs: 1,
    p95DurationMs: 1,
    rowsProcessed: 1,
    rowsInserted: 1,
    rowsUpdated: 1,
    rowsDeleted: 1,
    errors: 1,
    retries: 1,
  } satisfies Record<keyof SyncMetrics, 1>,
  sheetCheck: {
    sourceKind: 1,
    headerRow: 1,
    headers: 1,
    mappedFields: 1,
    identity: 1,
    rowCount: 1,
    sample: 1,
  } satisfies Record<keyof SheetCheck, 1>,
  accepted: { runId: 1, status: 1 } satisfies Record<keyof TriggerAccepted, 1>,
};

/** What the events stream sends: the bus's events, and `status` (a full SyncStatus snapshot). */
export type SyncEvent = LeadsyncEvent | { type: 'status'; customerId: string; status: SyncStatus };
