import { createServer, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultBook, type Fault, type FaultOptions } from './faults.js';
import { sheetsApiRoute, tokenRoute } from './routes-api.js';
import { driveFilesRoute } from './routes-drive.js';
import { exportRoute, fileRoute, publishedRoute, signInRoute } from './routes-export.js';
import { makeServiceAccountKey, type ServiceAccountKeyFile } from './service-account.js';
import type { FakeFileOptions, FakeSheet, FakeSheetOptions, FakeState, FakeTab, Route } from './state.js';

export type { Fault, FaultOptions } from './faults.js';
export { heldBody } from './faults.js';
export type { FakeFileOptions, FakeSheetOptions, FakeTab } from './state.js';

export interface RecordedRequest {
  method: string;
  /** Path and query, as requested. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The request body (the token endpoint's form), '' for GET. */
  body: string;
}

/** A Google (export, published links, Sheets API, OAuth token endpoint) on 127.0.0.1. */
export interface FakeGoogle {
  /** Stands for https://docs.google.com (config.google.exportBaseUrl). */
  baseUrl: string;
  /** Stands for https://sheets.googleapis.com (the same server). */
  apiBaseUrl: string;
  /** Stands for https://www.googleapis.com, Drive's files.get (the same server). */
  driveApiBaseUrl: string;
  /** Requests for sheet contents so far (exports, published CSVs, Sheets API values, CSV files), 304s included. */
  downloadRequests(): number;
  /** Drive files.get requests so far (revision checks). */
  revisionRequests(): number;
  /** The OAuth token endpoint, the token_uri of generated keys. */
  tokenUri: string;
  /** Every request, oldest first. */
  requests: RecordedRequest[];
  setSheet(spreadsheetId: string, tabs: FakeTab[], options?: FakeSheetOptions): void;
  /** A "Publish to the web" sheet: one CSV (tab gid 0) or several tabs. */
  setPublished(publishedId: string, csv: string | FakeTab[], options?: FakeSheetOptions): void;
  /** A plain CSV URL at `${baseUrl}${path}`. Default text/csv, chunked, 200. */
  setFile(path: string, body: string, options?: FakeFileOptions): void;
  setRedirect(path: string, location: string, status?: number): void;
  /** Misbehaves for `key`: a spreadsheet id (export and API), `ID/values` (API values only), a published id, a file path, `token` or `*`. */
  fault(key: string, fault: Fault, options?: FaultOptions): void;
  clearFaults(): void;
  /** A service-account key file whose signatures the fake's token endpoint accepts. */
  generateServiceAccountKey(options?: { clientEmail?: string }): Promise<ServiceAccountKeyFile>;
  /** Forgets every issued access token (the API answers 401 to them). */
  revokeTokens(): void;
  close(): Promise<void>;
}

export interface FakeGoogleOptions {
  /** expires_in of issued access tokens. Default 3600. */
  tokenLifetimeSeconds?: number;
  /** Clock for JWT checks and token expiry. Default Date.now. */
  now?: () => number;
}

const ROUTES: Route[] = [
  exportRoute,
  publishedRoute,
  signInRoute,
  tokenRoute,
  sheetsApiRoute,
  driveFilesRoute,
  fileRoute,
];

export async function startFakeGoogle(options: FakeGoogleOptions = {}): Promise<FakeGoogle> {
  const state: FakeState = {
    baseUrl: '',
    sheets: new Map(),
    published: new Map(),
    files: new Map(),
    faults: new FaultBook(),
    publicKeys: new Map(),
    tokens: new Map(),
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
    now: options.now ?? Date.now,
  };
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readRequestBody(req);
      requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body });
      const ctx = { req, res, body, url: new URL(req.url ?? '/', state.baseUrl), state };
      for (const route of ROUTES) if (await route(ctx)) return;
      res
        .writeHead(404, { 'content-type': 'text/html' })
        .end('<!DOCTYPE html><html><body>Not Found</body></html>');
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sheetOf = (tabs: FakeTab[], o: FakeSheetOptions = {}, previous?: FakeSheet): FakeSheet => ({
    tabs,
    private: o.private ?? false,
    sharedWith: new Set(o.sharedWith ?? []),
    contentLength: o.contentLength ?? false,
    gzip: o.gzip ?? false,
    version: (previous?.version ?? 0) + 1,
    modifiedAt: state.now(),
    conditional: o.conditional ?? null,
  });
  const count = (test: (path: string) => boolean) =>
    requests.filter((r) => r.method === 'GET' && test(r.path.split('?')[0] ?? '')).length;

  return {
    baseUrl: state.baseUrl,
    apiBaseUrl: state.baseUrl,
    driveApiBaseUrl: state.baseUrl,
    downloadRequests: () =>
      count((p) => /\/export$|\/pub$|\/values\//.test(p) || state.files.get(p)?.kind === 'body'),
    revisionRequests: () => count((p) => p.startsWith('/drive/v3/files/')),
    tokenUri: `${state.baseUrl}/token`,
    requests,
    setSheet: (id, tabs, o) => void state.sheets.set(id, sheetOf(tabs, o, state.sheets.get(id))),
    setPublished: (id, csv, o) =>
      void state.published.set(
        id,
        sheetOf(
          typeof csv === 'string' ? [{ gid: '0', title: 'Sheet1', csv }] : csv,
          o,
          state.published.get(id),
        ),
      ),
    setFile: (path, body, o = {}) =>
      void state.files.set(path, {
        kind: 'body',
        body,
        contentType: o.contentType ?? 'text/csv; charset=utf-8',
        contentLength: o.contentLength ?? false,
        status: o.status ?? 200,
        gzip: o.gzip ?? false,
        modifiedAt: state.now(),
        conditional: o.conditional ?? null,
      }),
    setRedirect: (path, location, status = 302) =>
      void state.files.set(path, { kind: 'redirect', location, status }),
    fault: (key, fault, o) => state.faults.add(key, fault, o),
    clearFaults: () => state.faults.clear(),
    async generateServiceAccountKey(o = {}) {
      const email =
        o.clientEmail ?? `sync-${state.publicKeys.size + 1}@leadsync-test.iam.gserviceaccount.com`;
      const { key, publicKey } = await makeServiceAccountKey(`${state.baseUrl}/token`, email);
      state.publicKeys.set(email, publicKey);
      return key;
    },
    revokeTokens: () => state.tokens.clear(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Stalled bodies keep connections open on purpose; do not wait for them.
        server.closeAllConnections();
      }),
  };
}

function readRequestBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}
