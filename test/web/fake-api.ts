import type {
  Customer,
  Lead,
  LeadHistoryEntry,
  Notification,
  SheetCheck,
  SyncRun,
  SyncStatus,
} from '../../web/client/index.js';
import { newLeadFields } from '../helpers/lead-values.js';

/**
 * An in-memory stand-in for the API, for happy-dom view tests (the real API is covered by
 * leads-api.test.ts; in-process Fastify cannot run under happy-dom's browser transforms).
 * Answers like the real one: same paths, JSON shapes from the client's (server-derived) types,
 * `{error: {code, message}}` bodies. The events stream is fed by `push`.
 */
export const TOKEN = 'view-test-token-0123456789';
const at = '2026-01-01T00:00:00.000Z';

export function customerFixture(id: string, name: string): Customer {
  const schedule = { intervalMinutes: 10 };
  return {
    id,
    name,
    sheetUrl: `https://x.test/${id}.csv`,
    sourceKind: 'csv_url',
    schedule,
    keyColumn: null,
    dateOrder: 'DMY',
    deleteThresholdPercent: 20,
    createdAt: at,
    updatedAt: at,
  };
}

export function statusFixture(customerId: string, patch: Partial<SyncStatus> = {}): SyncStatus {
  const metrics = {
    rowCount: 10,
    syncDuration: 1200,
    rowsProcessed: 10,
    rowsInserted: 1,
    rowsUpdated: 2,
    rowsDeleted: 0,
    errorCount: 0,
    retryCount: 0,
  };
  return {
    customerId,
    customer: { id: customerId, name: customerId, leadsReportingUrl: `https://x.test/${customerId}.csv` },
    status: 'success',
    isPaused: false,
    pausedReason: null,
    isRunning: false,
    lastSyncAt: at,
    lastSuccessAt: at,
    nextRunAt: null,
    lastError: null,
    lastErrorCode: null,
    progress: { percent: 0, phase: null, message: null },
    metrics,
    warnings: [],
    ...patch,
  };
}

export function leadFixture(id: string, customerId: string, patch: Partial<Lead> = {}): Lead {
  return {
    id,
    customerId,
    externalKey: `email:${id}@example.com`,
    ...newLeadFields(),
    fullName: null,
    firstName: null,
    lastName: null,
    email: `${id}@example.com`,
    phone: null,
    company: null,
    jobTitle: null,
    source: null,
    owner: null,
    occurredAt: null,
    notes: null,
    status: 'new',
    score: null,
    convertedAt: null,
    data: {},
    sheetRow: 2,
    firstSeenAt: at,
    updatedAt: at,
    deletedAt: null,
    ...patch,
  };
}

/** A notification as `GET /api/notifications` lists it (ids sort by time, as UUIDv7 do). */
export function notificationFixture(
  id: string,
  customerId: string,
  type: string,
  payload: Record<string, unknown> = {
    runId: 'r1',
    error: { code: 'SHEET_NOT_PUBLIC', message: 'private' },
    attempt: 3,
    failingSince: at,
  },
): Notification {
  return { id, type, customerId, payload, createdAt: at, read: false };
}

export interface FakeApi {
  fetch: typeof fetch;
  leads: Lead[];
  /** Lead id → its history, newest first. */
  history: Map<string, LeadHistoryEntry[]>;
  customers: Map<string, Customer>;
  statuses: Map<string, SyncStatus>;
  runs: SyncRun[];
  sheets: Map<string, SheetCheck | { code: string; message: string }>;
  approved: string[];
  /** Newest first, as the API lists them; `read` is recomputed from the marker. */
  notifications: Notification[];
  readUpTo: string | null;
  /** GET /api/leads/sync/activity's hours (default: 24 empty ones). */
  activity: { hour: string; syncs: number; failures: number }[];
  /** What GET /api/dashboard names (the demo's token), default null. */
  demoToken: string | null;
  push(event: string, data: unknown): void;
  openStreams(): number;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const fail = (status: number, code: string, message: string) => json(status, { error: { code, message } });

export function fakeApi(): FakeApi {
  const streams = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const api: FakeApi = {
    customers: new Map(),
    statuses: new Map(),
    runs: [],
    leads: [],
    history: new Map(),
    sheets: new Map(),
    approved: [],
    notifications: [],
    readUpTo: null,
    demoToken: null,
    activity: Array.from({ length: 24 }, (_, i) => ({
      hour: new Date(Date.UTC(2026, 11, 3, i)).toISOString(),
      syncs: 0,
      failures: 0,
    })),
    push(event, data) {
      const bytes = new TextEncoder().encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      for (const s of streams) s.enqueue(bytes);
    },
    openStreams: () => streams.size,
    fetch: async (input: string | URL | Request, init: RequestInit = {}) => {
      const url = new URL(input instanceof Request ? input.url : input);
      const method = init.method ?? 'GET';
      if (`${method} ${url.pathname}` === 'GET /api/dashboard')
        return json(200, { demoToken: api.demoToken });
      const auth = new Headers(init.headers).get('authorization');
      if (auth !== `Bearer ${TOKEN}`) return fail(401, 'UNAUTHORIZED', 'The bearer token is not valid');
      const id = url.searchParams.get('customerId') ?? '';
      const route = `${method} ${url.pathname}`;
      const status = api.statuses.get(id);
      switch (route) {
        case 'GET /api/leads/sync/events': {
          let c!: ReadableStreamDefaultController<Uint8Array>;
          const body = new ReadableStream<Uint8Array>({ start: (x) => void streams.add((c = x)) });
          init.signal?.addEventListener('abort', () => streams.delete(c));
          return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
        }
        case 'GET /api/customers':
          return json(200, { customers: [...api.customers.values()], nextCursor: null });
        case 'GET /api/leads/sync/status/all':
          return json(200, {
            total: api.statuses.size,
            statuses: [...api.statuses.values()],
            nextCursor: null,
          });
        case 'GET /api/leads/sync/status':
          return status ? json(200, status) : fail(404, 'CUSTOMER_NOT_FOUND', 'No customer');
        case 'POST /api/leads/sync/pause':
        case 'POST /api/leads/sync/resume': {
          if (!status) return fail(404, 'CUSTOMER_NOT_FOUND', 'No customer');
          const paused = route.endsWith('pause');
          const next = {
            ...status,
            success: true,
            message: paused ? 'Sync paused' : 'Sync resumed',
            isPaused: paused,
            status: paused ? 'paused' : 'success',
            pausedReason: paused ? 'Paused by request' : null,
          } as const;
          api.statuses.set(id, next);
          return json(200, next);
        }
        case 'POST /api/leads/sync/trigger':
          return json(202, {
            success: true,
            message: 'Sync queued',
            customerId: id,
            runId: null,
            status: 'queued',
          });
        case 'GET /api/leads': {
          const leads = api.leads.filter((l) => l.customerId === id);
          return json(200, { leads, nextCursor: null, total: leads.length, lastSyncAt: null });
        }
        case 'GET /api/leads/sync/activity':
          return json(200, { hours: api.activity });
        case 'GET /api/leads/sync/runs':
          return json(200, { runs: api.runs.filter((r) => r.customerId === id), nextCursor: null });
        case 'GET /api/leads/sync/metrics':
          return json(200, {
            timestamp: at,
            customerId: id || 'all',
            summary: {
              totalSyncs: 4,
              successfulSyncs: 3,
              failedSyncs: 1,
              successRate: 75,
              avgDuration: 900,
              p95DurationMs: 1500,
            },
            metrics: {
              totalRowsProcessed: 40,
              totalRowsInserted: 4,
              totalRowsUpdated: 8,
              totalRowsDeleted: 0,
              totalErrors: 1,
              totalRetries: 0,
              errorRate: 25,
            },
            details: [],
            totalSyncs: 4,
            successfulSyncs: 3,
            failedSyncs: 1,
            successRate: 75,
            errorRate: 25,
            avgDurationMs: 900,
            p95DurationMs: 1500,
            rowsProcessed: 40,
            rowsInserted: 4,
            rowsUpdated: 8,
            rowsDeleted: 0,
            errors: 1,
            retries: 0,
          });
        case 'GET /api/notifications': {
          const isRead = (n: Notification) => api.readUpTo !== null && n.id <= api.readUpTo;
          const notifications = api.notifications.map((n) => ({ ...n, read: isRead(n) }));
          return json(200, {
            notifications,
            unread: notifications.filter((n) => !n.read).length,
            nextCursor: null,
          });
        }
        case 'POST /api/notifications/read': {
          api.readUpTo = (
            JSON.parse(typeof init.body === 'string' ? init.body : '{}') as { upTo: string }
          ).upTo;
          const unread = api.notifications.filter((n) => n.id > (api.readUpTo ?? '')).length;
          return json(200, { unread });
        }
        case 'POST /api/customers/validate-sheet': {
          const { sheetUrl } = JSON.parse(init.body as string) as { sheetUrl: string };
          const sheet = api.sheets.get(sheetUrl);
          if (!sheet) return fail(400, 'SHEET_URL_INVALID', 'Not a sheet link');
          return 'code' in sheet ? fail(422, sheet.code, sheet.message) : json(200, sheet);
        }
      }
      const customer = /^GET \/api\/customers\/([^/]+)$/.exec(route);
      if (customer?.[1]) {
        const c = api.customers.get(customer[1]);
        return c ? json(200, c) : fail(404, 'CUSTOMER_NOT_FOUND', 'No customer');
      }
      if (/^GET \/api\/customers\/[^/]+\/push-url$/.test(route)) {
        return json(200, {
          enabled: false,
          debounceSeconds: null,
          createdAt: null,
          lastPushAt: null,
          pushCount: 0,
        });
      }
      const history = /^GET \/api\/leads\/([^/]+)\/history$/.exec(route);
      if (history?.[1]) {
        const entries = api.history.get(history[1]);
        return entries ? json(200, entries) : fail(404, 'LEAD_NOT_FOUND', 'No lead');
      }
      const oneRun = /^GET \/api\/leads\/sync\/runs\/([^/]+)$/.exec(route);
      if (oneRun?.[1]) {
        const found = api.runs.find((r) => r.id === oneRun[1]);
        return found ? json(200, found) : fail(404, 'RUN_NOT_FOUND', 'No run');
      }
      const approve = /^POST \/api\/leads\/sync\/runs\/([^/]+)\/approve$/.exec(route);
      if (approve?.[1]) {
        api.approved.push(approve[1]);
        return json(202, {
          success: true,
          message: 'Approval queued',
          customerId: id,
          runId: null,
          status: 'queued',
        });
      }
      return fail(404, 'NOT_FOUND', `No route ${route}`);
    },
  };
  return api;
}
