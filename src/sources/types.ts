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
      /** Raw bytes as they arrive; the engine hashes, decodes and parses them. */
      chunks: AsyncIterable<Uint8Array>;
      /** From Content-Length when the server sent one. */
      contentLength: number | null;
    }
  | { kind: 'rows'; rows: AsyncIterable<string[][]> };

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
   * (SHEET_TRUNCATED, SHEET_TIMEOUT, SHEET_NOT_CSV when HTML shows up in the first bytes).
   * Sources do not retry: the engine retries a whole attempt (see sources/backoff.ts).
   */
  open(options?: OpenOptions): Promise<SheetBody>;
}
