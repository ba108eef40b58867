import { DEFAULT_DEADLINE_MS, DEFAULT_MIN_BYTES_PER_SECOND } from '../defaults.js';
import { fetchCsv } from './fetch-csv.js';
import type { UrlGuard } from './ssrf.js';
import type { OpenOptions, SheetBody, SheetLink, SheetSource } from './types.js';

export type GoogleExportLink = Extract<SheetLink, { kind: 'google' | 'google_published' }>;

export interface GoogleExportOptions {
  /** config.google.exportBaseUrl (default https://docs.google.com), trusted by the guard. */
  baseUrl: string;
  guard: UrlGuard;
  /** config.fetch.timeoutMs (default 30000). */
  timeoutMs: number;
  /** config.fetch.maxBytes (default 1 GiB), of the decoded bytes. */
  maxBytes: number;
  /** config.fetch.deadlineMs (default 600000). */
  deadlineMs?: number;
  /** config.fetch.minBytesPerSecond (default 1024; 0 = off). */
  minBytesPerSecond?: number;
  now?: () => number;
}

/**
 * Link-shared and published sheets through Google's CSV export. Whatever host the user pasted,
 * the request goes to the configured base: the link only gives the ids.
 *
 * The tab is sent only when the link named one: without `gid` Google exports the first tab,
 * which is what a link without a tab means (and what `gid: null` means in the database). With
 * a gid that does not exist Google answers 400 and we fail with SHEET_TAB_NOT_FOUND; we never
 * try another tab.
 */
export class GoogleExportSource implements SheetSource {
  readonly kind = 'google_export' as const;

  constructor(
    private readonly link: GoogleExportLink,
    private readonly options: GoogleExportOptions,
  ) {}

  describe(): string {
    const tab = this.link.gid === null ? 'first tab' : `gid ${this.link.gid}`;
    return this.link.kind === 'google'
      ? `Google Sheet ${this.link.spreadsheetId} (${tab}) via CSV export`
      : `published Google Sheet ${this.link.publishedId} (${tab})`;
  }

  /** The URL fetched, e.g. `${base}/spreadsheets/d/ID/export?format=csv&gid=0`. */
  exportUrl(): URL {
    const base = this.options.baseUrl.replace(/\/+$/, '');
    const { link } = this;
    const url =
      link.kind === 'google'
        ? new URL(`${base}/spreadsheets/d/${encodeURIComponent(link.spreadsheetId)}/export?format=csv`)
        : new URL(
            `${base}/spreadsheets/d/e/${encodeURIComponent(link.publishedId)}/pub?output=csv&single=true`,
          );
    if (link.gid !== null) url.searchParams.set('gid', link.gid);
    return url;
  }

  open(options: OpenOptions = {}): Promise<SheetBody> {
    return fetchCsv(this.exportUrl(), {
      endpoint: 'export',
      guard: this.options.guard,
      timeoutMs: this.options.timeoutMs,
      maxBytes: this.options.maxBytes,
      deadlineMs: this.options.deadlineMs ?? DEFAULT_DEADLINE_MS,
      minBytesPerSecond: this.options.minBytesPerSecond ?? DEFAULT_MIN_BYTES_PER_SECOND,
      gidRequested: this.link.gid !== null,
      signal: options.signal,
      ifChanged: options.ifChanged,
      ...(this.options.now ? { now: this.options.now } : {}),
    });
  }
}
