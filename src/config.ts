import { z } from 'zod';
import { LeadsyncError } from './errors.js';

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
  /** LEADSYNC_BATCH_SIZE: leads written per statement batch. Default 500. */
  LEADSYNC_BATCH_SIZE: intFrom(500, 1),
});

export interface Config {
  databaseUrl: string;
  google: {
    exportBaseUrl: string;
    apiBaseUrl: string;
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
  };
  batchSize: number;
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
      credentialsFile: e.GOOGLE_APPLICATION_CREDENTIALS ?? null,
    },
    allowHosts: e.LEADSYNC_ALLOW_HOSTS,
    fetch: {
      timeoutMs: e.LEADSYNC_FETCH_TIMEOUT_MS,
      retries: e.LEADSYNC_FETCH_RETRIES,
      retryBaseMs: e.LEADSYNC_RETRY_BASE_MS,
      retryMaxMs: e.LEADSYNC_RETRY_MAX_MS,
      maxBytes: e.LEADSYNC_MAX_SHEET_BYTES,
    },
    batchSize: e.LEADSYNC_BATCH_SIZE,
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
