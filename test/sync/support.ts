import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { afterAll, beforeAll } from 'vitest';
import { loadConfig, type Config } from '../../src/config.js';
import { createCustomer, type Customer, type NewCustomer } from '../../src/db/customers.repository.js';
import type { Database, LeadsTable, RunOutcome, RunTrigger } from '../../src/db/database.js';
import { listRuns, type SyncRun } from '../../src/db/sync-runs.repository.js';
import { getSyncState, type SyncState } from '../../src/db/sync-states.repository.js';
import { runSync, type SyncDeps } from '../../src/sync/engine.js';
import {
  startFakeGoogle,
  type FakeGoogle,
  type FakeSheetOptions,
  type FakeTab,
} from '../fake-google/server.js';
import { useTestDatabase, type TestDialect } from '../helpers/databases.js';
import { countLeadWrites } from './lead-writes.js';
import type { SyncProgress } from '../../src/events/event-types.js';

/**
 * The engine's test bed, per dialect: a real database, a fake Google on loopback and customers
 * whose sheets it serves. `bed.sync(customer)` runs one real sync with an instant, recording
 * `sleep`, a fixed `random` and a clock that advances 1 ms a call (so every write has its own
 * updatedAt), and returns the run with what happened around it.
 */
export const NOW = new Date('2026-03-16T09:00:00.000Z');

export type LeadRow = Selectable<LeadsTable>;

export interface ConfigOverrides {
  batchSize?: number;
  retries?: number;
  timeoutMs?: number;
  /** Further environment variables for loadConfig (e.g. LEADSYNC_FETCH_DEADLINE_MS). */
  env?: Record<string, string>;
}

export interface TestCustomer extends Customer {
  /** The spreadsheet id the fake serves this customer's sheet under. */
  sheetId: string;
}

export interface CustomerOptions extends Partial<
  Pick<NewCustomer, 'keyColumn' | 'dateOrder' | 'deleteThresholdPercent'>
> {
  /** The tab the customer's link names; default '0'. */
  gid?: string | null;
  /** Options of the served sheet (private, Content-Length). */
  sheet?: FakeSheetOptions;
}

export interface SyncOptions extends ConfigOverrides {
  trigger?: RunTrigger;
  allowDeletes?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: SyncProgress) => void;
  /** Called after each statement that wrote leads, with the rows it wrote. */
  onLeadWrite?: (rows: number) => void;
  /** Replaces the customer's source (a source that fails in a way the fake cannot). */
  sourceFor?: SyncDeps['sourceFor'];
  /** The engine's progress throttle; 0 reports every step (no need to serve a body slowly). */
  progressThrottleMs?: number;
}

export interface SyncResult {
  run: SyncRun;
  /** Rows of `leads` inserted, updated or deleted by this run's statements (rolled back or not). */
  leadWrites: number;
  /** Delays the engine asked to sleep, in order. */
  sleeps: number[];
  progress: SyncProgress[];
}

export interface SyncBed {
  readonly db: Kysely<Database>;
  /** The database's URL, for subprocesses (DATABASE_URL). */
  readonly url: string;
  readonly fake: FakeGoogle;
  /** A customer whose link (a docs.google.com edit link) points at a sheet of `csv` (tab gid 0). */
  customer(csv: string | FakeTab[], options?: CustomerOptions): Promise<TestCustomer>;
  /** A customer whose first sync has succeeded. */
  seeded(csv: string | FakeTab[], options?: CustomerOptions): Promise<TestCustomer>;
  /** Replaces what the customer's sheet serves (tab gid 0 unless tabs are given). */
  setSheet(customer: TestCustomer, csv: string | FakeTab[], options?: FakeSheetOptions): void;
  sync(customer: TestCustomer, options?: SyncOptions): Promise<SyncResult>;
  /** Every lead of the customer, deleted and manual ones included, by external key (code-point order). */
  leads(customer: TestCustomer): Promise<LeadRow[]>;
  state(customer: TestCustomer): Promise<SyncState>;
  /** The customer's runs, newest first. */
  runs(customer: TestCustomer): Promise<SyncRun[]>;
}

let customers = 0;

export function useSyncBed(dialect: TestDialect): SyncBed {
  const t = useTestDatabase(dialect);
  let fake: FakeGoogle | undefined;
  let ticks = 0;
  beforeAll(async () => {
    fake = await startFakeGoogle();
  });
  afterAll(() => fake?.close());
  const theFake = (): FakeGoogle => {
    if (!fake) throw new Error('useSyncBed: the fake Google exists only inside tests and hooks');
    return fake;
  };
  const tabsOf = (csv: string | FakeTab[]): FakeTab[] =>
    typeof csv === 'string' ? [{ gid: '0', title: 'Leads', csv }] : csv;

  const bed: SyncBed = {
    get db() {
      return t.db;
    },
    get url() {
      return t.url;
    },
    get fake() {
      return theFake();
    },
    async customer(csv, options = {}) {
      const sheetId = `1Sync${randomBytes(16).toString('hex')}`;
      const gid = options.gid === undefined ? '0' : options.gid;
      theFake().setSheet(sheetId, tabsOf(csv), options.sheet);
      const customer = await createCustomer(
        t.db,
        {
          name: `Customer ${++customers} ${sheetId.slice(-6)}`,
          sheetUrl: `https://docs.google.com/spreadsheets/d/${sheetId}/edit${gid === null ? '' : `#gid=${gid}`}`,
          sourceKind: 'google_export',
          spreadsheetId: sheetId,
          gid,
          ...(options.keyColumn !== undefined && { keyColumn: options.keyColumn }),
          ...(options.dateOrder !== undefined && { dateOrder: options.dateOrder }),
          ...(options.deleteThresholdPercent !== undefined && {
            deleteThresholdPercent: options.deleteThresholdPercent,
          }),
        },
        NOW,
      );
      return { ...customer, sheetId };
    },
    async seeded(csv, options) {
      const customer = await bed.customer(csv, options);
      expectOutcome((await bed.sync(customer)).run, 'success');
      return customer;
    },
    setSheet: (customer, csv, options) => theFake().setSheet(customer.sheetId, tabsOf(csv), options),
    async sync(customer, options = {}) {
      const sleeps: number[] = [];
      const progress: SyncProgress[] = [];
      const writes = countLeadWrites(t.db, options.onLeadWrite);
      const run = await runSync(
        {
          db: writes.db,
          config: syncConfig(theFake(), options),
          clock: () => new Date(NOW.getTime() + ++ticks),
          random: () => 0.5,
          sleep: async (ms) => void sleeps.push(ms),
          ...(options.sourceFor && { sourceFor: options.sourceFor }),
          ...(options.progressThrottleMs !== undefined && { progressThrottleMs: options.progressThrottleMs }),
        },
        {
          customerId: customer.id,
          trigger: options.trigger ?? 'manual',
          ...(options.allowDeletes !== undefined && { allowDeletes: options.allowDeletes }),
          ...(options.signal !== undefined && { signal: options.signal }),
          onProgress: (p) => {
            progress.push(p);
            options.onProgress?.(p);
          },
        },
      );
      return { run, leadWrites: writes.count(), sleeps, progress };
    },
    async leads(customer) {
      const leads = await t.db
        .selectFrom('leads')
        .selectAll()
        .where('customerId', '=', customer.id)
        .execute();
      // Sorted here, not in SQL: PostgreSQL would sort by its collation, SQLite by bytes.
      return leads.sort((a, b) => (a.externalKey < b.externalKey ? -1 : 1));
    },
    async state(customer) {
      const state = await getSyncState(t.db, customer.id);
      if (!state) throw new Error(`no sync state for ${customer.id}`);
      return state;
    },
    runs: (customer) => listRuns(t.db, { customerId: customer.id, limit: 100 }),
  };
  return bed;
}

/** Fails with the run's error when the run did not end as expected (a clearer message than a diff). */
export function expectOutcome(run: SyncRun, outcome: RunOutcome): void {
  if (run.outcome !== outcome)
    throw new Error(`expected ${outcome}, got ${run.outcome} (${run.error?.code}: ${run.error?.message})`);
}

/** The configuration pointing at the fake: the default retry schedule (3 retries from 1 s), batches of 500. */
export function syncConfig(fake: FakeGoogle, overrides: ConfigOverrides = {}): Readonly<Config> {
  return loadConfig({
    GOOGLE_SHEETS_BASE_URL: fake.baseUrl,
    GOOGLE_SHEETS_API_BASE_URL: fake.apiBaseUrl,
    LEADSYNC_FETCH_TIMEOUT_MS: String(overrides.timeoutMs ?? 10_000),
    LEADSYNC_FETCH_RETRIES: String(overrides.retries ?? 3),
    LEADSYNC_BATCH_SIZE: String(overrides.batchSize ?? 500),
    ...overrides.env,
  });
}

/** A CSV of `Name,Email,Company,Notes` rows (LF endings), one lead per name. */
export function peopleCsv(names: readonly string[], header = 'Name,Email,Company,Notes'): string {
  const rows = names.map((name) => `${name},${name.toLowerCase()}@example.com,Acme,Met ${name}`);
  return [header, ...rows].join('\n') + '\n';
}

export const PEOPLE = ['Ada', 'Bob', 'Cyd', 'Dee', 'Eve', 'Fay'] as const;

/** The leads keyed by external key, for comparing before and after a run. */
export function byKey(leads: readonly LeadRow[]): Map<string, LeadRow> {
  return new Map(leads.map((lead) => [lead.externalKey, lead]));
}
