import type { SourceKind } from '../db/database.js';

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
    }
  | { kind: 'rows'; rows: AsyncIterable<string[][]> };

export interface DownloadTransfer {
  /** Bytes received so far, as sent (compressed or not). */
  readonly receivedBytes: number;
  /** Content-Length as sent (compressed or not); null when the server sent none. */
  readonly totalBytes: number | null;
}

export interface OpenOptions {
  signal?: AbortSignal;
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
}
