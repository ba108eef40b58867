import { z } from 'zod';
import { LeadsyncError } from '../errors.js';
import { checkRecords, recordLimits, type RecordLimits } from '../sheet/record-limits.js';
import { readText } from './body-stream.js';
import { ACCEPT_ENCODING, contentEncodingOf, gunzipBody } from './content-encoding.js';
import { DEFAULT_DEADLINE_MS, DEFAULT_MIN_BYTES_PER_SECOND } from '../defaults.js';
import { startDeadline } from './download-deadline.js';
import { errorForStatus } from './google-errors.js';
import { httpGet } from './http-get.js';
import type { ServiceAccountAuth } from './service-account-auth.js';
import type { UrlGuard } from './ssrf.js';
import type { OpenOptions, SheetBody, SheetLink, SheetSource } from './types.js';

export type GoogleApiLink = Extract<SheetLink, { kind: 'google' }>;

export interface GoogleApiOptions {
  /** config.google.apiBaseUrl (default https://sheets.googleapis.com), trusted by the guard. */
  apiBaseUrl: string;
  /** config.google.driveApiBaseUrl (default https://www.googleapis.com), trusted by the guard. */
  driveApiBaseUrl?: string;
  auth: ServiceAccountAuth;
  /** Checks redirects (the API does not redirect; if it ever does, the rules still hold). */
  guard: UrlGuard;
  /** config.fetch.timeoutMs (default 30000). */
  timeoutMs: number;
  /** config.fetch.maxBytes (default 1 GiB): the values JSON is read whole (decoded), so this bounds memory. */
  maxBytes: number;
  /** config.fetch.deadlineMs (default 600000): for the whole open(), metadata and values. */
  deadlineMs?: number;
  /** config.fetch.minBytesPerSecond (default 1024; 0 = off). */
  minBytesPerSecond?: number;
  /** Record limits beyond the defaults (config.sheet.maxRowChars). */
  limits?: Partial<RecordLimits>;
  now?: () => number;
}

const metadataSchema = z.object({
  sheets: z.array(z.object({ properties: z.object({ sheetId: z.number(), title: z.string() }) })).default([]),
});
const valuesSchema = z.object({ values: z.array(z.array(z.unknown())).default([]) });
const revisionSchema = z.object({ version: z.string().min(1), modifiedTime: z.string().optional() });
export const DEFAULT_DRIVE_API_BASE_URL = 'https://www.googleapis.com';
/** Rows handed over per batch, so the engine can report progress while it parses. */
const ROWS_PER_BATCH = 1000;

/**
 * Private (and link-shared) sheets through the Sheets API v4 with a service account. The tab
 * is found by its gid in the spreadsheet's metadata; a gid that is not there fails with
 * SHEET_TAB_NOT_FOUND and no other tab is ever read. Cells come as formatted strings, rows as
 * Google returns them (trailing empty cells omitted, nothing padded). Rows over the record
 * limits fail here (SHEET_CELL_TOO_LARGE, …), as the CSV parser fails for the export.
 */
export class GoogleApiSource implements SheetSource {
  readonly kind = 'google_api' as const;

  constructor(
    private readonly link: GoogleApiLink,
    private readonly options: GoogleApiOptions,
  ) {}

  describe(): string {
    const tab = this.link.gid === null ? 'first tab' : `gid ${this.link.gid}`;
    return `Google Sheet ${this.link.spreadsheetId} (${tab}) via Sheets API`;
  }

  async open(options: OpenOptions = {}): Promise<SheetBody> {
    const deadline = startDeadline(
      this.options.deadlineMs ?? DEFAULT_DEADLINE_MS,
      'the Sheets API answer',
      options.signal,
    );
    try {
      return await this.read(deadline.signal);
    } finally {
      deadline.clear();
    }
  }

  /**
   * The spreadsheet's Drive `version` (it goes up on every change to any tab) and
   * `modifiedTime`: one small request instead of the two that download the tab. The revision is
   * the file's, so an edit in another tab also counts as a change, which only costs a download.
   */
  async revision(options: { signal?: AbortSignal } = {}): Promise<string> {
    const base = (this.options.driveApiBaseUrl ?? DEFAULT_DRIVE_API_BASE_URL).replace(/\/+$/, '');
    const url = `${base}/drive/v3/files/${encodeURIComponent(this.link.spreadsheetId)}?fields=version%2CmodifiedTime&supportsAllDrives=true`;
    const parsed = revisionSchema.safeParse(await this.getJson(url, options.signal));
    if (!parsed.success) throw unexpected('file metadata', parsed.error);
    return `${parsed.data.version}@${parsed.data.modifiedTime ?? ''}`;
  }

  private async read(signal: AbortSignal): Promise<SheetBody> {
    const base = `${this.options.apiBaseUrl.replace(/\/+$/, '')}/v4/spreadsheets/${encodeURIComponent(this.link.spreadsheetId)}`;
    const metadata = metadataSchema.safeParse(
      await this.getJson(`${base}?fields=${encodeURIComponent('sheets.properties(sheetId,title)')}`, signal),
    );
    if (!metadata.success) throw unexpected('spreadsheet metadata', metadata.error);
    const sheets = metadata.data.sheets.map((s) => s.properties);
    const tab = this.link.gid === null ? sheets[0] : sheets.find((s) => String(s.sheetId) === this.link.gid);
    if (!tab) {
      throw new LeadsyncError('SHEET_TAB_NOT_FOUND', undefined, {
        details: { gid: this.link.gid, tabs: sheets.map((s) => String(s.sheetId)) },
      });
    }
    // A quoted sheet name is a range covering the whole tab; quotes inside are doubled (A1 notation).
    const range = `'${tab.title.replace(/'/g, "''")}'`;
    const values = valuesSchema.safeParse(
      await this.getJson(
        `${base}/values/${encodeURIComponent(range)}?valueRenderOption=FORMATTED_VALUE&majorDimension=ROWS`,
        signal,
      ),
    );
    if (!values.success) throw unexpected('values', values.error);
    const rows = values.data.values.map((row) => row.map(cellText));
    checkRecords(rows, recordLimits(this.options.limits));
    return { kind: 'rows', rows: inBatches(rows) };
  }

  private async getJson(url: string, signal: AbortSignal | undefined, renewOn401 = true): Promise<unknown> {
    const { auth, guard } = this.options;
    const token = await auth.getAccessToken(signal ? { signal } : {});
    const res = await httpGet(url, {
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        'accept-encoding': ACCEPT_ENCODING,
      },
      timeoutMs: this.options.timeoutMs,
      minBytesPerSecond: this.options.minBytesPerSecond ?? DEFAULT_MIN_BYTES_PER_SECOND,
      signal,
      lookupFor: (target) => guard.lookupFor(target),
      onRedirect: (target) => guard.check(target),
    });
    // A cached token the API no longer accepts (revoked, clock skew) is renewed once, not retried.
    if (res.status === 401 && renewOn401) {
      res.discard();
      await auth.invalidate(token);
      return this.getJson(url, signal, false);
    }
    const clientEmail = (await auth.key()).client_email;
    const failure = errorForStatus(res.status, res.headers, {
      endpoint: 'api',
      clientEmail,
      ...(this.options.now ? { now: this.options.now } : {}),
    });
    if (failure) {
      res.discard();
      throw failure;
    }
    let body = res.body;
    try {
      if (contentEncodingOf(res.headers, res.url) === 'gzip') body = gunzipBody(res.body, res.url);
    } catch (error) {
      res.discard();
      throw error;
    }
    const text = await readText(body, this.options.maxBytes);
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw unexpected('JSON', error);
    }
  }
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  // The API's cells are strings, numbers or booleans (FORMATTED_VALUE); anything else as JSON.
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

async function* inBatches(rows: string[][]): AsyncGenerator<string[][]> {
  for (let i = 0; i < rows.length; i += ROWS_PER_BATCH) yield rows.slice(i, i + ROWS_PER_BATCH);
}

function unexpected(what: string, cause: unknown): LeadsyncError {
  return new LeadsyncError('SHEET_BAD_REQUEST', `The Sheets API answered with unexpected ${what}`, {
    cause,
    retryable: false,
  });
}
