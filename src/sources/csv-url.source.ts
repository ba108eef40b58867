import { DEFAULT_DEADLINE_MS, DEFAULT_MIN_BYTES_PER_SECOND } from '../defaults.js';
import { fetchCsv } from './fetch-csv.js';
import type { UrlGuard } from './ssrf.js';
import type { OpenOptions, SheetBody, SheetSource } from './types.js';

export interface CsvUrlOptions {
  /** Applies the SSRF rules to the URL, every redirect and every resolved address. */
  guard: UrlGuard;
  /** config.fetch.timeoutMs (default 30000). */
  timeoutMs: number;
  /** config.fetch.maxBytes (default 1 GiB). */
  maxBytes: number;
  /** config.fetch.deadlineMs (default 600000). */
  deadlineMs?: number;
  /** config.fetch.minBytesPerSecond (default 1024; 0 = off). */
  minBytesPerSecond?: number;
  now?: () => number;
}

/**
 * A CSV file on any web server. The URL is the customer's, so unlike the Google bases it is not
 * trusted: it must be https to a public address (unless allow-listed), checked again at fetch
 * time on the resolved address and on every redirect.
 */
export class CsvUrlSource implements SheetSource {
  readonly kind = 'csv_url' as const;
  private readonly url: URL;

  constructor(
    url: string,
    private readonly options: CsvUrlOptions,
  ) {
    this.url = new URL(url);
  }

  /** Origin and path only: query strings often carry access tokens. */
  describe(): string {
    return `CSV at ${this.url.origin}${this.url.pathname}`;
  }

  open(options: OpenOptions = {}): Promise<SheetBody> {
    return fetchCsv(this.url, {
      endpoint: 'csv_url',
      guard: this.options.guard,
      timeoutMs: this.options.timeoutMs,
      maxBytes: this.options.maxBytes,
      deadlineMs: this.options.deadlineMs ?? DEFAULT_DEADLINE_MS,
      minBytesPerSecond: this.options.minBytesPerSecond ?? DEFAULT_MIN_BYTES_PER_SECOND,
      signal: options.signal,
      ifChanged: options.ifChanged,
      ...(this.options.now ? { now: this.options.now } : {}),
    });
  }
}
