import { databaseFaultOf } from './database-errors.js';

/**
 * Every failure that leaves leadsync carries a stable `code` (shown by the API, the CLI, the
 * dashboard and the run history) and whether trying again later can help.
 */
export const ERROR_CODES = {
  // Sources: reaching the sheet.
  SHEET_URL_INVALID: {
    status: 400,
    retryable: false,
    message: 'The sheet link is not a Google Sheets link, a spreadsheet id or a CSV URL',
  },
  SOURCE_FORBIDDEN: {
    status: 400,
    retryable: false,
    message: 'The source address is not allowed (only public https addresses may be fetched)',
  },
  SHEET_NOT_PUBLIC: {
    status: 422,
    retryable: false,
    message: 'The sheet is not shared: Google asked for a sign-in',
  },
  SHEET_NOT_FOUND: {
    status: 422,
    retryable: false,
    message: 'The spreadsheet does not exist or was deleted',
  },
  SHEET_TAB_NOT_FOUND: {
    status: 422,
    retryable: false,
    message: 'The requested tab (gid) does not exist in the spreadsheet',
  },
  SHEET_BAD_REQUEST: { status: 422, retryable: false, message: 'Google rejected the request' },
  SHEET_AUTH_FAILED: {
    status: 422,
    retryable: false,
    message: 'The service account could not authenticate or has no access',
  },
  SHEET_RATE_LIMITED: { status: 503, retryable: true, message: 'Google is rate limiting requests' },
  SHEET_UNAVAILABLE: { status: 503, retryable: true, message: 'Google answered with a server error' },
  SHEET_TIMEOUT: { status: 504, retryable: true, message: 'The sheet did not arrive in time' },
  SHEET_TRUNCATED: { status: 502, retryable: true, message: 'The sheet download was cut off before its end' },
  SHEET_NOT_CSV: {
    status: 422,
    retryable: false,
    message: 'The source answered with a web page, not CSV data',
  },
  SHEET_TOO_LARGE: {
    status: 422,
    retryable: false,
    message: 'The sheet is larger than the configured limit',
  },
  SHEET_READ_FAILED: { status: 422, retryable: false, message: 'The file could not be read' },
  // Not retried at once: the attempt already held a worker slot for the whole deadline, and a
  // retry would hold it as long again; the next scheduled run is the retry.
  SHEET_DOWNLOAD_TIMEOUT: {
    status: 504,
    retryable: false,
    message: 'The sheet download took longer than the configured deadline',
  },
  // Not retried at once either: a server this slow over a whole window rarely speeds up within
  // seconds, and each retry would hold a worker slot again; the next scheduled run tries again.
  SHEET_DOWNLOAD_TOO_SLOW: {
    status: 504,
    retryable: false,
    message: 'The sheet arrived more slowly than the configured minimum rate',
  },
  SHEET_ENCODING_UNSUPPORTED: {
    status: 422,
    retryable: false,
    message: 'The source compressed the sheet with an encoding leadsync cannot read (only gzip)',
  },
  SHEET_ENCODING_INVALID: {
    status: 422,
    retryable: false,
    message: 'The source sent gzip-compressed data that cannot be decompressed',
  },
  SHEET_CELL_TOO_LARGE: {
    status: 422,
    retryable: false,
    message: 'A cell of the sheet is longer than 50,000 characters (the most Google Sheets allows)',
  },
  SHEET_TOO_MANY_COLUMNS: {
    status: 422,
    retryable: false,
    message: 'A row of the sheet has more than 18,278 columns (the most Google Sheets allows)',
  },
  SHEET_ROW_TOO_LARGE: {
    status: 422,
    retryable: false,
    message: 'A row of the sheet is longer than the configured limit',
  },
  // Turning a sheet into leads.
  HEADER_NOT_FOUND: {
    status: 422,
    retryable: false,
    message: 'No header row was found in the first rows of the sheet',
  },
  KEY_COLUMN_NOT_FOUND: {
    status: 422,
    retryable: false,
    message: 'The configured key column is not in the header row',
  },
  // Applying.
  MASS_DELETE_HELD: {
    status: 409,
    retryable: false,
    message: 'The sync would delete more leads than allowed and waits for approval',
  },
  SYNC_CANCELLED: { status: 409, retryable: false, message: 'The sync was cancelled' },
  CUSTOMER_BUSY: {
    status: 409,
    retryable: true,
    message: 'Another process is syncing this customer right now',
  },
  SYNC_PAUSED: { status: 409, retryable: false, message: 'Syncing is paused for this customer' },
  RUN_NOT_APPROVABLE: {
    status: 409,
    retryable: false,
    message: 'Only a run that needs review can be approved',
  },
  RUN_NOT_LATEST: {
    status: 409,
    retryable: false,
    message: "Only the customer's latest finished run can be approved; a later run superseded this one",
  },
  // Lookups and input.
  CUSTOMER_NOT_FOUND: { status: 404, retryable: false, message: 'No such customer' },
  RUN_NOT_FOUND: { status: 404, retryable: false, message: 'No such run' },
  LEAD_NOT_FOUND: { status: 404, retryable: false, message: 'No such lead' },
  TOKEN_NOT_FOUND: { status: 404, retryable: false, message: 'No such API token' },
  CUSTOMER_EXISTS: { status: 409, retryable: false, message: 'A customer with that name already exists' },
  VALIDATION_FAILED: { status: 400, retryable: false, message: 'The request is not valid' },
  // Notifications.
  WEBHOOK_NOT_FOUND: { status: 404, retryable: false, message: 'No such webhook' },
  WEBHOOK_URL_INVALID: { status: 400, retryable: false, message: 'The webhook URL is not a valid URL' },
  WEBHOOK_URL_FORBIDDEN: {
    status: 400,
    retryable: false,
    message: 'The webhook URL is not allowed (only https to public addresses, or allow-listed hosts)',
  },
  // The HTTP service.
  UNAUTHORIZED: { status: 401, retryable: false, message: 'A valid bearer token is required' },
  NOT_FOUND: { status: 404, retryable: false, message: 'Not found' },
  PUSH_URL_NOT_FOUND: {
    status: 404,
    retryable: false,
    message: 'No such push URL (wrong, rotated or turned off)',
  },
  PAYLOAD_TOO_LARGE: { status: 413, retryable: false, message: 'The request body is too large' },
  RATE_LIMITED: { status: 429, retryable: true, message: 'Too many requests; try again later' },
  WORKER_LOST: {
    status: 500,
    retryable: true,
    message: 'The worker running the sync stopped before it finished',
  },
  DATABASE_BUSY: {
    status: 503,
    retryable: true,
    message: 'The database stayed locked by another writer for too long',
  },
  DATABASE_UNAVAILABLE: {
    status: 503,
    retryable: true,
    message: 'The database could not be reached (restarting, failing over, or the connection was cut)',
  },
  // Not retryable: space must be freed (or permissions fixed) by a person first.
  DATABASE_FULL: {
    status: 503,
    retryable: false,
    message: 'The database is full (no disk space, or its size limit reached); nothing was written',
  },
  DATABASE_READ_ONLY: {
    status: 503,
    retryable: false,
    message:
      'The database is read-only (file permissions, a read-only disk, or a standby server); nothing was written',
  },
  NOT_READY: { status: 503, retryable: true, message: 'The service is not ready' },
  CONFIG_INVALID: { status: 500, retryable: false, message: 'The configuration is not valid' },
  // Not retried: an error nobody anticipated is most likely a bug, which a retry only repeats
  // (three times, with backoff, holding a worker slot). Only codes known to be transient retry.
  INTERNAL: { status: 500, retryable: false, message: 'Unexpected error' },
} as const satisfies Record<string, { status: number; retryable: boolean; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface LeadsyncErrorOptions {
  cause?: unknown;
  details?: Record<string, unknown> | undefined;
  /** Overrides the code's default. */
  retryable?: boolean;
  /** Seconds the source asked us to wait (Retry-After), when it said. */
  retryAfterSeconds?: number | undefined;
}

export class LeadsyncError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message?: string, options: LeadsyncErrorOptions = {}) {
    super(
      message ?? ERROR_CODES[code].message,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'LeadsyncError';
    this.code = code;
    this.retryable = options.retryable ?? ERROR_CODES[code].retryable;
    this.status = ERROR_CODES[code].status;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export function isLeadsyncError(error: unknown): error is LeadsyncError {
  return error instanceof LeadsyncError;
}

/**
 * Wraps anything thrown into a LeadsyncError, keeping the original as `cause`: a database fault
 * leadsync knows (src/db/database-errors.ts) gets its code, anything else is INTERNAL.
 */
export function toLeadsyncError(error: unknown): LeadsyncError {
  if (error instanceof LeadsyncError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const fault = databaseFaultOf(error);
  if (fault) return new LeadsyncError(fault, `${ERROR_CODES[fault].message}: ${message}`, { cause: error });
  return new LeadsyncError('INTERNAL', message, { cause: error });
}
