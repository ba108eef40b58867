/** Where a customer's sheet is read from (chosen from its link, sheet-link.ts). */
export type SourceKind = 'google_export' | 'google_api' | 'csv_url' | 'file';

/** Where a customer's sheet comes from, as parsed from the link the user pasted. */
export type SheetLink =
  | { kind: 'google'; spreadsheetId: string; gid: string | null }
  | { kind: 'google_published'; publishedId: string; gid: string | null }
  | { kind: 'csv_url'; url: string }
  | { kind: 'file'; path: string };

/** What a source hands to the engine: raw CSV bytes (streamed) or rows (the Sheets API). */
export type SheetBody =
  | {
      kind: 'csv';
      /**
       * The sheet's bytes as they arrive, after any Content-Encoding was undone (gzip), so the
       * same sheet hashes the same however it was sent; the engine hashes, decodes and parses them.
       */
      chunks: AsyncIterable<Uint8Array>;
      /**
       * How many bytes `chunks` will yield, when known: Content-Length of an unencoded answer,
       * or the file's size. Null when unknown, gzip included (its Content-Length counts the
       * compressed bytes: see `transfer`).
       */
      contentLength: number | null;
      /**
       * The download as it goes, in bytes on the wire (compressed when gzip), for an honest
       * progress estimate whatever the encoding: `downloadFraction` (download-progress.ts) reads
       * it. Live getters; absent for sources that do not download (files).
       */
      transfer?: DownloadTransfer;
      /** The answer's ETag and Last-Modified, for the next run's conditional request. */
      validators?: Validators;
    }
  | { kind: 'rows'; rows: AsyncIterable<string[][]> }
  /** A conditional request (`OpenOptions.ifChanged`) answered 304: the sheet is as it was. */
  | { kind: 'not_modified' };

/** A body that is there to read (not a 304). */
export type DownloadedBody = Exclude<SheetBody, { kind: 'not_modified' }>;

/** What an HTTP answer said about its version; either may be absent. */
export interface Validators {
  etag: string | null;
  lastModified: string | null;
}

export interface DownloadTransfer {
  /** Bytes received so far, as sent (compressed or not). */
  readonly receivedBytes: number;
  /** Content-Length as sent (compressed or not); null when the server sent none. */
  readonly totalBytes: number | null;
}

export interface OpenOptions {
  signal?: AbortSignal | undefined;
  /**
   * The previous answer's validators: sent as If-None-Match / If-Modified-Since, and a 304 opens
   * as `not_modified`. Only the HTTP CSV sources use them.
   */
  ifChanged?: Validators;
}

export interface SheetSource {
  readonly kind: SourceKind;
  /** Human description for logs and errors, never containing secrets. */
  describe(): string;
  /**
   * Starts the download. Rejects with a LeadsyncError (SHEET_NOT_PUBLIC, SHEET_TAB_NOT_FOUND, …)
   * when the answer is not the sheet; the returned body may still fail mid-stream
   * (SHEET_TRUNCATED, SHEET_TIMEOUT, SHEET_DOWNLOAD_TIMEOUT, SHEET_DOWNLOAD_TOO_SLOW, …).
   * Sources do not retry: the engine retries a whole attempt (see sources/backoff.ts).
   */
  open(options?: OpenOptions): Promise<SheetBody>;
  /**
   * The sheet's revision, one cheap request (Drive `files.get`, service account only): equal
   * revisions mean an unchanged sheet. Absent for sources that have none; rejects on any failure
   * (the engine then downloads as usual).
   */
  revision?(options?: { signal?: AbortSignal | undefined }): Promise<string>;
}
