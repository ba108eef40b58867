import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CryptoKey } from 'jose';
import type { FaultBook } from './faults.js';

export interface FakeTab {
  gid: string;
  title: string;
  csv: string;
}

export interface FakeSheetOptions {
  /** Not link-shared: the export redirects to sign-in; the API needs `sharedWith`. Default false. */
  private?: boolean;
  /** Service-account emails the sheet is shared with (matters for private sheets). */
  sharedWith?: string[];
  /** Send Content-Length on the export (Google streams chunked, without one). Default false. */
  contentLength?: boolean;
  /** Gzip the export and the API's values when the request accepts gzip, as Google does. Default false. */
  gzip?: boolean;
  /** Send validators on the export and answer conditional requests (304). Default none, as Google's export. */
  conditional?: Conditional;
}

/** Which validators an answer carries (and which conditional headers it honours). */
export type Conditional = 'etag' | 'last-modified' | 'both';

export interface FakeSheet {
  tabs: FakeTab[];
  private: boolean;
  sharedWith: Set<string>;
  contentLength: boolean;
  gzip: boolean;
  /** Drive's `version`: 1 for a new sheet, one more on every setSheet of the same id. */
  version: number;
  /** When it was last set (the fake's clock), Drive's `modifiedTime` and the export's Last-Modified. */
  modifiedAt: number;
  conditional: Conditional | null;
}

export interface FakeFileOptions {
  contentType?: string;
  contentLength?: boolean;
  status?: number;
  /** Gzip when the request accepts gzip. Default false. */
  gzip?: boolean;
  /** Send validators and answer conditional requests (304). Default none. */
  conditional?: Conditional;
}

export type FakeFile =
  | {
      kind: 'body';
      body: string;
      contentType: string;
      contentLength: boolean;
      status: number;
      gzip: boolean;
      modifiedAt: number;
      conditional: Conditional | null;
    }
  | { kind: 'redirect'; location: string; status: number };

export interface FakeState {
  baseUrl: string;
  sheets: Map<string, FakeSheet>;
  published: Map<string, FakeSheet>;
  /** Plain CSV URLs (and redirects) by path, for the csv_url source. */
  files: Map<string, FakeFile>;
  faults: FaultBook;
  /** Public keys of the service accounts the fake knows, by client_email. */
  publicKeys: Map<string, CryptoKey>;
  /** Issued access tokens, with the scopes they were granted. */
  tokens: Map<string, { email: string; expiresAtMs: number; scopes: string[] }>;
  tokenLifetimeSeconds: number;
  /** The fake's clock, for JWT checks and token expiry (tests share it with the client). */
  now: () => number;
}

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** The request body, already read. */
  body: string;
  url: URL;
  state: FakeState;
}

/** A route answers and returns true, or returns false to let the next one try. */
export type Route = (ctx: RouteContext) => boolean | Promise<boolean>;
