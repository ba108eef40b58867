import type {
  ChangesPage,
  Customer,
  CustomerInput,
  CustomerPatch,
  CustomersPage,
  Lead,
  LeadHistoryEntry,
  LeadsPage,
  NotificationsPage,
  DashboardInfo,
  Activity,
  PushUrlCreated,
  PushUrlState,
  RunsPage,
  SheetCheck,
  StatusesPage,
  SyncControlResult,
  SyncEvent,
  SyncMetrics,
  SyncRun,
  SyncStatus,
  TriggerAccepted,
} from './api-types.js';
import { subscribe, type SubscribeOptions, type Subscription } from './events-subscription.js';
import { createHttp, type HttpOptions } from './http-client.js';
import { createPageCache } from './page-cache.js';

export interface LeadsApiOptions extends HttpOptions {
  /** Lifetime of fetchLeadsFromApiCached entries (at most 500 pages are kept); 0 turns it off. Default 5 minutes. */
  cacheTtlMs?: number;
}

export interface LeadQuery {
  /** 1-1000, default 50. */
  limit?: number;
  cursor?: string;
  /** Search over name, email, company… */
  q?: string;
  includeDeleted?: boolean;
}

/** Events that mean a customer's leads may have changed, so cached pages are dropped. */
const INVALIDATING = new Set<SyncEvent['type']>(['run-finished', 'leads-changed', 'customer-deleted']);
/** Pages fetched per call of the "all" helpers (the API's maximum). */
const PAGE = 1000;

/**
 * The typed client of the leadsync API, for the dashboard and for Node scripts alike. The seed's
 * functions keep their names and meanings; every failure is a LeadsApiError with the API's code.
 */
export function createLeadsApi(options: LeadsApiOptions) {
  const http = createHttp(options);
  const cache = createPageCache<LeadsPage>(options.cacheTtlMs ?? 5 * 60_000);
  const id = (customerId: string) => ({ customerId });

  const api = {
    getSyncStatus: (customerId: string) =>
      http.json<SyncStatus>('GET', '/api/leads/sync/status', id(customerId)),

    /** Every visible customer's status, following the pages. */
    async getAllSyncStatuses(): Promise<SyncStatus[]> {
      const all: SyncStatus[] = [];
      let cursor: string | null = null;
      do {
        const page: StatusesPage = await http.json('GET', '/api/leads/sync/status/all', {
          limit: PAGE,
          cursor,
        });
        all.push(...page.statuses);
        cursor = page.nextCursor;
      } while (cursor !== null);
      return all;
    },

    /** Queues a sync (coalesced while one runs; RATE_LIMITED past the per-customer limit). */
    async triggerSync(customerId: string): Promise<TriggerAccepted> {
      cache.invalidate(customerId);
      return http.json<TriggerAccepted>('POST', '/api/leads/sync/trigger', id(customerId));
    },
    pauseSync: (customerId: string, reason?: string) =>
      http.json<SyncControlResult>('POST', '/api/leads/sync/pause', { customerId, reason }),
    resumeSync: (customerId: string) =>
      http.json<SyncControlResult>('POST', '/api/leads/sync/resume', id(customerId)),
    /** Run statistics of one customer, or of all when no id is given (`customerId: 'all'`); rates 0-100. */
    getSyncMetrics: (customerId?: string) =>
      http.json<SyncMetrics>('GET', '/api/leads/sync/metrics', { customerId }),

    /** Syncs started and failed per hour over the last `hours` (default 24), oldest first. */
    getActivity: (hours?: number) => http.json<Activity>('GET', '/api/leads/sync/activity', { hours }),
    listRuns: (customerId?: string, opts: { limit?: number; before?: string } = {}) =>
      http.json<RunsPage>('GET', '/api/leads/sync/runs', { customerId, ...opts }),
    /** One run, with its warnings (and, when held, its delete set's fingerprint). */
    getRun: (runId: string) => http.json<SyncRun>('GET', `/api/leads/sync/runs/${encodeURIComponent(runId)}`),
    /**
     * Lets a run held for a mass delete go ahead: queues an `approval` run that may delete the
     * leads it would have (or fewer). Only the customer's latest finished run: RUN_NOT_LATEST else.
     */
    async approveRun(runId: string): Promise<TriggerAccepted> {
      cache.invalidate();
      return http.json<TriggerAccepted>('POST', `/api/leads/sync/runs/${encodeURIComponent(runId)}/approve`);
    },

    fetchLeadsFromApi: (customerId: string, opts: LeadQuery = {}) =>
      http.json<LeadsPage>('GET', '/api/leads', { customerId, ...opts }),
    /** fetchLeadsFromApi through the client's TTL cache (dropped by triggers and sync events). */
    fetchLeadsFromApiCached: (customerId: string, opts: LeadQuery = {}) =>
      cache.get(customerId, JSON.stringify(opts), () => api.fetchLeadsFromApi(customerId, opts)),
    countLeads: (customerId: string, includeDeleted = false) =>
      http.json<{ customerId: string; count: number }>('GET', '/api/leads/count', {
        customerId,
        includeDeleted,
      }),
    /** Changes the CRM-owned fields of a lead (the sheet owns the rest). */
    async updateLead(
      leadId: string,
      patch: { status?: string; score?: number | null; convertedAt?: string | null },
    ) {
      const lead = await http.json<Lead>(
        'PATCH',
        `/api/leads/${encodeURIComponent(leadId)}`,
        undefined,
        patch,
      );
      cache.invalidate(lead.customerId);
      return lead;
    },
    /** What each write changed on a lead, newest first (`before`: an entry's cursor, for older ones). */
    getLeadHistory: (leadId: string, opts: { limit?: number; before?: string } = {}) =>
      http.json<LeadHistoryEntry[]>('GET', `/api/leads/${encodeURIComponent(leadId)}/history`, opts),
    /** The change feed after `since` (omitted: from the beginning), oldest first. */
    getLeadChanges: (query: { customerId?: string; since?: string; limit?: number } = {}) =>
      http.json<ChangesPage>('GET', '/api/leads/changes', query),
    /** The CSV export's URL; it needs the Authorization header, so browsers use downloadLeadsCsv. */
    leadsCsvUrl: (customerId: string, includeDeleted = false) =>
      http.url('/api/leads/export.csv', { customerId, includeDeleted }),
    async downloadLeadsCsv(customerId: string, includeDeleted = false): Promise<Blob> {
      const response = await http.send('GET', '/api/leads/export.csv', { customerId, includeDeleted });
      return response.blob();
    },

    listCustomers: (opts: { limit?: number; cursor?: string } = {}) =>
      http.json<CustomersPage>('GET', '/api/customers', opts),
    async listAllCustomers(): Promise<Customer[]> {
      const all: Customer[] = [];
      let cursor: string | null = null;
      do {
        const page: CustomersPage = await api.listCustomers({ limit: PAGE, ...(cursor && { cursor }) });
        all.push(...page.customers);
        cursor = page.nextCursor;
      } while (cursor !== null);
      return all;
    },
    getCustomer: (customerId: string) =>
      http.json<Customer>('GET', `/api/customers/${encodeURIComponent(customerId)}`),
    createCustomer: (input: CustomerInput) => http.json<Customer>('POST', '/api/customers', undefined, input),
    updateCustomer: (customerId: string, patch: CustomerPatch) =>
      http.json<Customer>('PATCH', `/api/customers/${encodeURIComponent(customerId)}`, undefined, patch),
    async deleteCustomer(customerId: string): Promise<void> {
      cache.invalidate(customerId);
      await http.json<void>('DELETE', `/api/customers/${encodeURIComponent(customerId)}`);
    },
    /** Downloads and reads the sheet as a sync would, writing nothing. */
    validateSheet: (body: { sheetUrl: string; keyColumn?: string | null; dateOrder?: 'DMY' | 'MDY' }) =>
      http.json<SheetCheck>('POST', '/api/customers/validate-sheet', undefined, body),

    /** Turns push on, or rotates its secret: the URL in the answer is shown this once. */
    createPushUrl: (customerId: string, debounceSeconds?: number) =>
      http.json<PushUrlCreated>(
        'POST',
        `/api/customers/${encodeURIComponent(customerId)}/push-url`,
        undefined,
        debounceSeconds === undefined ? {} : { debounceSeconds },
      ),
    getPushUrl: (customerId: string) =>
      http.json<PushUrlState>('GET', `/api/customers/${encodeURIComponent(customerId)}/push-url`),
    async deletePushUrl(customerId: string): Promise<void> {
      await http.json<void>('DELETE', `/api/customers/${encodeURIComponent(customerId)}/push-url`);
    },

    /** Public (no token needed): the demo's admin token in `npm run demo`, else null. */
    getDashboardInfo: () => http.json<DashboardInfo>('GET', '/api/dashboard'),
    /** Failures, held deletes, pauses and recoveries, newest first, with the reader's unread count. */
    listNotifications: (opts: { limit?: number; before?: string } = {}) =>
      http.json<NotificationsPage>('GET', '/api/notifications', opts),
    /** Marks every notification up to `upTo` (an id from the list) read. */
    markNotificationsRead: (upTo: string) =>
      http.json<{ unread: number }>('POST', '/api/notifications/read', undefined, { upTo }),

    /** Live events of one customer (or all visible ones); also keeps the leads cache honest. */
    subscribeToEvents(
      customerId: string | undefined,
      onEvent: (event: SyncEvent) => void,
      opts?: SubscribeOptions,
    ): Subscription {
      return subscribe(
        http,
        customerId,
        (event) => {
          if (INVALIDATING.has(event.type)) cache.invalidate(event.customerId);
          onEvent(event);
        },
        opts,
      );
    },
    /** Drops cached leads of one customer (or all). */
    invalidateCache: (customerId?: string) => cache.invalidate(customerId),
  };
  return api;
}

export type LeadsApi = ReturnType<typeof createLeadsApi>;
