import type { Static } from 'typebox';
import type {
  CustomerBody,
  CustomerPatchBody,
  CustomerSchema,
  LeadSchema,
  RunSchema,
  ScheduleSchema,
} from '../../src/api/schemas.js';
import type {
  ControlStatusSchema,
  MetricsSchema,
  StatusesPageSchema,
  SyncStatusSchema,
  TriggerAcceptedSchema,
} from '../../src/api/sync.schemas.js';
import type {
  ChangeSchema,
  ChangesPageSchema,
  HistoryEntrySchema,
} from '../../src/api/lead-changes.schemas.js';
import type { LiveEvent } from '../../src/events/event-types.js';

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

/** `GET /api/leads/sync/metrics`: the seed's summary, totals and details, rates in percent. */
export type SyncMetrics = Static<typeof MetricsSchema>;
/** Pause and resume: the status plus the seed's `{success, message, customerId}`. */
export type SyncControlResult = Static<typeof ControlStatusSchema>;
/** `202` of trigger and approve: `{success, message, customerId, runId, status}`. */
export type TriggerAccepted = Static<typeof TriggerAcceptedSchema>;
export type StatusesPage = Static<typeof StatusesPageSchema>;

/** `POST /api/customers/:id/push-url`: the URL is shown this once. */
export interface PushUrlCreated {
  pushUrl: string;
  debounceSeconds: number;
}

/** `GET /api/customers/:id/push-url`: whether push is on, never the URL. */
export interface PushUrlState {
  enabled: boolean;
  debounceSeconds: number | null;
  createdAt: string | null;
  lastPushAt: string | null;
  pushCount: number;
}

/** `POST /api/customers/validate-sheet`: what a sync would read, without writing. */
export interface SheetCheck {
  sourceKind: string;
  headerRow: number;
  headers: string[];
  mappedFields: Record<string, string>;
  identity: string;
  rowCount: number;
  /** `values` by lead field (fullName, email…), `cells` by sheet header. */
  sample: {
    key: string;
    sheetRow: number;
    values: Record<string, string | null>;
    cells: Record<string, string>;
  }[];
}

/** `GET /api/leads`: a page of leads and when the customer was last synced (the seed's fields). */
export interface LeadsPage {
  leads: Lead[];
  lastSyncAt: string | null;
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

/** `GET /api/notifications`: failures, held deletes, pauses, recoveries…, newest first. */
export interface Notification {
  id: string;
  type: string;
  customerId: string | null;
  payload: Record<string, unknown>;
  createdAt: string;
  read: boolean;
}
export interface NotificationsPage {
  notifications: Notification[];
  unread: number;
  nextCursor: string | null;
}

/** `GET /api/leads/sync/activity`: syncs and failures per hour, oldest first. */
export interface Activity {
  hours: { hour: string; syncs: number; failures: number }[];
}

/** `GET /api/dashboard`: what the sign-in page may know before a token (the demo's token). */
export interface DashboardInfo {
  demoToken: string | null;
}

/** Every field of the inline shapes, so the OpenAPI test can compare them (a missing key fails tsc). */
export const SHAPE_KEYS = {
  pushUrl: { pushUrl: 1, debounceSeconds: 1 } satisfies Record<keyof PushUrlCreated, 1>,
  pushState: {
    enabled: 1,
    debounceSeconds: 1,
    createdAt: 1,
    lastPushAt: 1,
    pushCount: 1,
  } satisfies Record<keyof PushUrlState, 1>,
  sheetCheck: {
    sourceKind: 1,
    headerRow: 1,
    headers: 1,
    mappedFields: 1,
    identity: 1,
    rowCount: 1,
    sample: 1,
  } satisfies Record<keyof SheetCheck, 1>,
  leadsPage: { leads: 1, lastSyncAt: 1, nextCursor: 1, total: 1 } satisfies Record<keyof LeadsPage, 1>,
  notificationsPage: { notifications: 1, unread: 1, nextCursor: 1 } satisfies Record<
    keyof NotificationsPage,
    1
  >,
  dashboardInfo: { demoToken: 1 } satisfies Record<keyof DashboardInfo, 1>,
  activity: { hours: 1 } satisfies Record<keyof Activity, 1>,
};

/** What the events stream sends: the bus's events, and `status` (a full SyncStatus snapshot). */
export type SyncEvent = LiveEvent | { type: 'status'; customerId: string; status: SyncStatus };
