import { z } from 'zod';
import { LeadsyncError } from './errors.js';
import { DEFAULT_DEADLINE_MS, DEFAULT_MAX_ROW_CHARS, DEFAULT_MIN_BYTES_PER_SECOND } from './defaults.js';

const intFrom = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);
const list = z
  .string()
  .default('')
  .transform((s) =>
    s
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  );

/** Every option, with its environment variable and default. Documented in the README. */
const schema = z.object({
  /** DATABASE_URL: `sqlite:PATH` or `postgres://…`. Default `sqlite:./data/leadsync.db`. */
  DATABASE_URL: z.string().min(1).default('sqlite:./data/leadsync.db'),
  /** GOOGLE_SHEETS_BASE_URL: where CSV exports are fetched. Default `https://docs.google.com`. */
  GOOGLE_SHEETS_BASE_URL: z.url().default('https://docs.google.com'),
  /** GOOGLE_SHEETS_API_BASE_URL: the Sheets API v4. Default `https://sheets.googleapis.com`. */
  GOOGLE_SHEETS_API_BASE_URL: z.url().default('https://sheets.googleapis.com'),
  /** GOOGLE_DRIVE_API_BASE_URL: the Drive API v3, asked for a sheet's revision before a download (service account only). Default `https://www.googleapis.com`. */
  GOOGLE_DRIVE_API_BASE_URL: z.url().default('https://www.googleapis.com'),
  /** GOOGLE_APPLICATION_CREDENTIALS: service-account JSON key file for private sheets. Default none. */
  GOOGLE_APPLICATION_CREDENTIALS: z.string().optional(),
  /** LEADSYNC_ALLOW_HOSTS: comma-separated hosts exempt from the SSRF rules (development, tests). Default none. */
  LEADSYNC_ALLOW_HOSTS: list,
  /** LEADSYNC_FETCH_TIMEOUT_MS: per-request timeout (no byte for this long also fails). Default 30000. */
  LEADSYNC_FETCH_TIMEOUT_MS: intFrom(30_000, 1),
  /** LEADSYNC_FETCH_RETRIES: retries after the first attempt for retryable failures. Default 3. */
  LEADSYNC_FETCH_RETRIES: intFrom(3),
  /** LEADSYNC_RETRY_BASE_MS: first backoff delay, doubled each retry. Default 1000. */
  LEADSYNC_RETRY_BASE_MS: intFrom(1000),
  /** LEADSYNC_RETRY_MAX_MS: cap of one backoff delay. Default 10000. */
  LEADSYNC_RETRY_MAX_MS: intFrom(10_000),
  /** LEADSYNC_MAX_SHEET_BYTES: larger downloads fail with SHEET_TOO_LARGE. Default 1 GiB. */
  LEADSYNC_MAX_SHEET_BYTES: intFrom(1024 * 1024 * 1024, 1),
  /** LEADSYNC_FETCH_DEADLINE_MS: longest a whole download may take, headers to last byte; longer fails with SHEET_DOWNLOAD_TIMEOUT. Default 600000 (10 min). */
  LEADSYNC_FETCH_DEADLINE_MS: intFrom(DEFAULT_DEADLINE_MS, 1),
  /** LEADSYNC_FETCH_MIN_BYTES_PER_SECOND: slowest accepted download rate, judged over each LEADSYNC_FETCH_TIMEOUT_MS of waiting; slower fails with SHEET_DOWNLOAD_TOO_SLOW; 0 turns it off. Default 1024. */
  LEADSYNC_FETCH_MIN_BYTES_PER_SECOND: intFrom(DEFAULT_MIN_BYTES_PER_SECOND),
  /** LEADSYNC_MAX_ROW_CHARS: longest sheet row, its cells' characters added up; longer fails with SHEET_ROW_TOO_LARGE. Default 250000. */
  LEADSYNC_MAX_ROW_CHARS: intFrom(DEFAULT_MAX_ROW_CHARS, 1),
  /** LEADSYNC_BATCH_SIZE: leads per write statement of a sync (progress and cancellation between two). Default 500. */
  LEADSYNC_BATCH_SIZE: z.coerce
    .number()
    .int()
    .min(1, 'must be a whole number of leads from 1 to 100000')
    .max(100_000, 'must be a whole number of leads from 1 to 100000')
    .default(500),
  /** LEADSYNC_DELETE_GUARD_WINDOW_DAYS: the mass-delete guard compares with the most leads of this many days; an approval restarts it. Default 7. */
  LEADSYNC_DELETE_GUARD_WINDOW_DAYS: intFrom(7),
  /** LEADSYNC_HISTORY_DAYS: lead history (and change feed entries) older than this many days is removed by the worker, except each lead's latest change; unset keeps all. Default none. */
  LEADSYNC_HISTORY_DAYS: z.coerce.number().int().min(1).optional(),
  // The service (API, worker, scheduler).
  /** PORT: the HTTP port of `leadsync serve`. Default 3000. */
  PORT: intFrom(3000).pipe(z.number().max(65_535)),
  /** HOST: the interface to listen on; loopback so a fresh clone is not exposed. Use 0.0.0.0 in containers. Default 127.0.0.1. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** LEADSYNC_ADMIN_TOKEN: the admin bearer token; when unset one is generated on first start and printed once. Default none. */
  LEADSYNC_ADMIN_TOKEN: z.string().min(16).optional(),
  /** LEADSYNC_CACHE_TTL_SECONDS: lifetime of cached lead counts and first pages; 0 disables the cache. Default 300. */
  LEADSYNC_CACHE_TTL_SECONDS: intFrom(300),
  /** LEADSYNC_WORKER_CONCURRENCY: syncs one worker process runs at once; a sync sleeping in backoff lends its slot (at most 4x held). Default 4. */
  LEADSYNC_WORKER_CONCURRENCY: intFrom(4, 1),
  /** LEADSYNC_LEASE_MS: how long a claim lives without a heartbeat (renewed every third of it). Default 60000. */
  LEADSYNC_LEASE_MS: intFrom(60_000, 100),
  /** LEADSYNC_POLL_INTERVAL_MS: how often an idle worker looks for due customers. Default 1000. */
  LEADSYNC_POLL_INTERVAL_MS: intFrom(1000, 10),
  /** LEADSYNC_LEASE_WAIT_POLL_MS: how often a waiting CLI `sync`/`approve` looks whether the customer is free. Default 1000. */
  LEADSYNC_LEASE_WAIT_POLL_MS: intFrom(1000, 10),
  /** LEADSYNC_DEFAULT_INTERVAL_MINUTES: schedule of a customer created without one. Default 10. */
  LEADSYNC_DEFAULT_INTERVAL_MINUTES: intFrom(10, 1),
  /** LEADSYNC_GOOGLE_PROJECT_RATE_PER_MINUTE: Google requests per minute: all workers together on PostgreSQL, one process on SQLite. Default 300. */
  LEADSYNC_GOOGLE_PROJECT_RATE_PER_MINUTE: intFrom(300, 1),
  /** LEADSYNC_GOOGLE_USER_RATE_PER_MINUTE: Sheets API requests per minute as the service account (shared like the one above). Default 60. */
  LEADSYNC_GOOGLE_USER_RATE_PER_MINUTE: intFrom(60, 1),
  /** LEADSYNC_TRIGGER_RATE_PER_MINUTE: manual triggers per customer per minute; more get 429. Default 30. */
  LEADSYNC_TRIGGER_RATE_PER_MINUTE: intFrom(30, 1),
  /** LEADSYNC_VALIDATE_RATE_PER_MINUTE: sheet validations (each one a download) per token per minute. Default 10. */
  LEADSYNC_VALIDATE_RATE_PER_MINUTE: intFrom(10, 1),
  /** LEADSYNC_AUTO_PAUSE_FAILURES: consecutive failed runs after which a customer is paused. Default 20. */
  LEADSYNC_AUTO_PAUSE_FAILURES: intFrom(20, 1),
  /** LEADSYNC_BODY_LIMIT_BYTES: largest accepted request body. Default 1 MiB. */
  LEADSYNC_BODY_LIMIT_BYTES: intFrom(1024 * 1024, 1024),
  /** LEADSYNC_REQUEST_TIMEOUT_MS: a request (headers and body) must arrive within this, or the connection is closed. Default 30000. */
  LEADSYNC_REQUEST_TIMEOUT_MS: intFrom(30_000, 100),
  /** LEADSYNC_HEADERS_TIMEOUT_MS: the request headers must arrive within this (at most the request timeout). Default 10000. */
  LEADSYNC_HEADERS_TIMEOUT_MS: intFrom(10_000, 100),
  /** LEADSYNC_RETENTION_DAYS: delivered outbox events, finished webhook deliveries and sent mails older than this are deleted. Default 30. */
  LEADSYNC_RETENTION_DAYS: intFrom(30, 1),
  /** LEADSYNC_RUNS_KEPT: finished runs kept per customer; older ones (past the delete-guard window) are folded into daily totals. Default 1000. */
  LEADSYNC_RUNS_KEPT: intFrom(1000, 1),
  /** LEADSYNC_PRUNE_INTERVAL_MS: how often a worker process applies the retention above. Default 600000 (10 min). */
  LEADSYNC_PRUNE_INTERVAL_MS: intFrom(600_000, 10),
  // Notifications (webhooks and mail).
  /** SMTP_URL: `smtp://user:pass@host:587` or `smtps://…`; mail is off when unset. Default none. */
  SMTP_URL: z.url().optional(),
  /** LEADSYNC_MAIL_FROM: the From address of notification mails. Default `leadsync@localhost`. */
  LEADSYNC_MAIL_FROM: z.string().min(3).default('leadsync@localhost'),
  /** LEADSYNC_NOTIFY_EMAILS: comma-separated recipients of customers without their own list. Default none. */
  LEADSYNC_NOTIFY_EMAILS: list,
  /** LEADSYNC_MAIL_EVERY_NTH_FAILURE: besides the first, every Nth failure in a row is mailed. Default 5. */
  LEADSYNC_MAIL_EVERY_NTH_FAILURE: intFrom(5, 1),
  /** LEADSYNC_MAIL_QUIET_MINUTES: at most one mail per customer this often; the rest is grouped. Default 30. */
  LEADSYNC_MAIL_QUIET_MINUTES: intFrom(30),
  /** LEADSYNC_PUBLIC_URL: the service's address as people and Google reach it, for links in mails (unset: `http://127.0.0.1:3000`) and push URLs (unset: the request's own origin). Default none. */
  LEADSYNC_PUBLIC_URL: z.url().optional(),
  /** LEADSYNC_WEBHOOK_TIMEOUT_MS: a delivery that takes longer counts as failed. Default 10000. */
  LEADSYNC_WEBHOOK_TIMEOUT_MS: intFrom(10_000, 1),
  /** LEADSYNC_WEBHOOK_RETRY_BASE_MS: first retry delay of a delivery, doubled each retry. Default 30000. */
  LEADSYNC_WEBHOOK_RETRY_BASE_MS: intFrom(30_000, 1),
  /** LEADSYNC_WEBHOOK_RETRY_MAX_MS: cap of one delivery retry delay. Default 3600000 (1 h). */
  LEADSYNC_WEBHOOK_RETRY_MAX_MS: intFrom(3_600_000, 1),
  /** LEADSYNC_NOTIFY_POLL_MS: how often the worker's dispatcher looks for events, deliveries and mails. Default 1000. */
  LEADSYNC_NOTIFY_POLL_MS: intFrom(1000, 10),
  /** LEADSYNC_SECRET_KEY: 32 bytes (64 hex digits or base64) that encrypt webhook secrets at rest (AES-256-GCM); unset, they are stored as they are. Default none. */
  LEADSYNC_SECRET_KEY: z
    .string()
    .transform((s, check) => {
      const key = decodeKey(s.trim());
      if (!key) check.addIssue({ code: 'custom', message: 'must be 32 bytes: 64 hex digits or base64' });
      return key ?? '';
    })
    .optional(),
});

export interface Config {
  databaseUrl: string;
  google: {
    exportBaseUrl: string;
    apiBaseUrl: string;
    /** The Drive API v3 base; optional so literal configs stay short (default https://www.googleapis.com). */
    driveApiBaseUrl?: string;
    credentialsFile: string | null;
  };
  /** Hosts exempt from the SSRF rules, lower-case. */
  allowHosts: readonly string[];
  fetch: {
    timeoutMs: number;
    retries: number;
    retryBaseMs: number;
    retryMaxMs: number;
    maxBytes: number;
    /** Whole-download deadline (SHEET_DOWNLOAD_TIMEOUT). */
    deadlineMs: number;
    /** Slowest accepted rate over each timeoutMs of waiting (SHEET_DOWNLOAD_TOO_SLOW); 0 = off. */
    minBytesPerSecond: number;
  };
  /** Limits of one sheet record beyond Google's own (see sheet/record-limits.ts). */
  sheet: { maxRowChars: number };
  batchSize: number;
  /** Days of run history whose highest live-lead count the mass-delete guard compares with. */
  deleteGuardWindowDays: number;
  /** Days of lead history kept (LEADSYNC_HISTORY_DAYS); null keeps all. Optional for literal configs. */
  historyDays?: number | null;
  /** Always set by loadConfig; optional so literal configs of tests that run no service stay short. */
  service?: ServiceConfig;
  /** Always set by loadConfig; optional like `service`. */
  notify?: NotifyConfig;
}

/** Webhook and mail options (see the schema above for each default). */
export interface NotifyConfig {
  /** Null: mail is off. */
  smtpUrl: string | null;
  mailFrom: string;
  defaultRecipients: readonly string[];
  mailEveryNthFailure: number;
  mailQuietMinutes: number;
  publicUrl: string;
  webhookTimeoutMs: number;
  webhookRetryBaseMs: number;
  webhookRetryMaxMs: number;
  pollMs: number;
  /** The LEADSYNC_SECRET_KEY as 64 hex digits; null: webhook secrets are stored as they are. */
  secretKeyHex: string | null;
}

/** Options of the API and worker processes (see the schema above for each default). */
export interface ServiceConfig {
  port: number;
  host: string;
  adminToken: string | null;
  cacheTtlSeconds: number;
  worker: {
    concurrency: number;
    leaseMs: number;
    pollIntervalMs: number;
    autoPauseFailures: number;
    /** How often a waiting CLI `sync`/`approve` looks at a held lease (LEADSYNC_LEASE_WAIT_POLL_MS). */
    leaseWaitPollMs: number;
  };
  defaultIntervalMinutes: number;
  rateLimits: {
    googleProjectPerMinute: number;
    googleUserPerMinute: number;
    triggerPerMinute: number;
    validatePerMinute: number;
  };
  bodyLimitBytes: number;
  /** LEADSYNC_PUBLIC_URL without a trailing slash; null: push URLs use the request's origin. */
  publicUrl: string | null;
  /** Whole request (headers and body), and headers alone, before the connection is closed. */
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  retention: { days: number; runsKept: number; intervalMs: number };
}

/** Reads and validates the configuration once; throws CONFIG_INVALID listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new LeadsyncError('CONFIG_INVALID', `Invalid configuration:\n  ${problems.join('\n  ')}`, {
      details: { problems },
    });
  }
  const e = parsed.data;
  return deepFreeze({
    databaseUrl: e.DATABASE_URL,
    google: {
      exportBaseUrl: e.GOOGLE_SHEETS_BASE_URL.replace(/\/+$/, ''),
      apiBaseUrl: e.GOOGLE_SHEETS_API_BASE_URL.replace(/\/+$/, ''),
      driveApiBaseUrl: e.GOOGLE_DRIVE_API_BASE_URL.replace(/\/+$/, ''),
      credentialsFile: e.GOOGLE_APPLICATION_CREDENTIALS ?? null,
    },
    allowHosts: e.LEADSYNC_ALLOW_HOSTS,
    fetch: {
      timeoutMs: e.LEADSYNC_FETCH_TIMEOUT_MS,
      retries: e.LEADSYNC_FETCH_RETRIES,
      retryBaseMs: e.LEADSYNC_RETRY_BASE_MS,
      retryMaxMs: e.LEADSYNC_RETRY_MAX_MS,
      maxBytes: e.LEADSYNC_MAX_SHEET_BYTES,
      deadlineMs: e.LEADSYNC_FETCH_DEADLINE_MS,
      minBytesPerSecond: e.LEADSYNC_FETCH_MIN_BYTES_PER_SECOND,
    },
    sheet: { maxRowChars: e.LEADSYNC_MAX_ROW_CHARS },
    batchSize: e.LEADSYNC_BATCH_SIZE,
    deleteGuardWindowDays: e.LEADSYNC_DELETE_GUARD_WINDOW_DAYS,
    historyDays: e.LEADSYNC_HISTORY_DAYS ?? null,
    service: {
      port: e.PORT,
      host: e.HOST,
      adminToken: e.LEADSYNC_ADMIN_TOKEN ?? null,
      cacheTtlSeconds: e.LEADSYNC_CACHE_TTL_SECONDS,
      worker: {
        concurrency: e.LEADSYNC_WORKER_CONCURRENCY,
        leaseMs: e.LEADSYNC_LEASE_MS,
        pollIntervalMs: e.LEADSYNC_POLL_INTERVAL_MS,
        autoPauseFailures: e.LEADSYNC_AUTO_PAUSE_FAILURES,
        leaseWaitPollMs: e.LEADSYNC_LEASE_WAIT_POLL_MS,
      },
      defaultIntervalMinutes: e.LEADSYNC_DEFAULT_INTERVAL_MINUTES,
      rateLimits: {
        googleProjectPerMinute: e.LEADSYNC_GOOGLE_PROJECT_RATE_PER_MINUTE,
        googleUserPerMinute: e.LEADSYNC_GOOGLE_USER_RATE_PER_MINUTE,
        triggerPerMinute: e.LEADSYNC_TRIGGER_RATE_PER_MINUTE,
        validatePerMinute: e.LEADSYNC_VALIDATE_RATE_PER_MINUTE,
      },
      bodyLimitBytes: e.LEADSYNC_BODY_LIMIT_BYTES,
      publicUrl: e.LEADSYNC_PUBLIC_URL?.replace(/\/+$/, '') ?? null,
      requestTimeoutMs: e.LEADSYNC_REQUEST_TIMEOUT_MS,
      // Node refuses a headers timeout longer than the request timeout.
      headersTimeoutMs: Math.min(e.LEADSYNC_HEADERS_TIMEOUT_MS, e.LEADSYNC_REQUEST_TIMEOUT_MS),
      retention: {
        days: e.LEADSYNC_RETENTION_DAYS,
        runsKept: e.LEADSYNC_RUNS_KEPT,
        intervalMs: e.LEADSYNC_PRUNE_INTERVAL_MS,
      },
    },
    notify: {
      smtpUrl: e.SMTP_URL ?? null,
      mailFrom: e.LEADSYNC_MAIL_FROM,
      defaultRecipients: e.LEADSYNC_NOTIFY_EMAILS,
      mailEveryNthFailure: e.LEADSYNC_MAIL_EVERY_NTH_FAILURE,
      mailQuietMinutes: e.LEADSYNC_MAIL_QUIET_MINUTES,
      publicUrl: (e.LEADSYNC_PUBLIC_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, ''),
      webhookTimeoutMs: e.LEADSYNC_WEBHOOK_TIMEOUT_MS,
      webhookRetryBaseMs: e.LEADSYNC_WEBHOOK_RETRY_BASE_MS,
      webhookRetryMaxMs: e.LEADSYNC_WEBHOOK_RETRY_MAX_MS,
      pollMs: e.LEADSYNC_NOTIFY_POLL_MS,
      secretKeyHex: e.LEADSYNC_SECRET_KEY ?? null,
    },
  });
}

/** A 32-byte key written as 64 hex digits or base64 (either alphabet), as hex; null when it is neither. */
function decodeKey(text: string): string | null {
  if (/^[0-9a-f]{64}$/i.test(text)) return text.toLowerCase();
  if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) return null;
  const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return bytes.length === 32 ? bytes.toString('hex') : null;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** The service options of `config`, or every default when a literal config left them out. */
export function serviceConfigOf(config: Readonly<Config>): Readonly<ServiceConfig> {
  return config.service ?? (loadConfig({}).service as ServiceConfig);
}

/** The notification options of `config`, or every default when a literal config left them out. */
export function notifyConfigOf(config: Readonly<Config>): Readonly<NotifyConfig> {
  return config.notify ?? (loadConfig({}).notify as NotifyConfig);
}
