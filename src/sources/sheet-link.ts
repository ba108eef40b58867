import { fileURLToPath } from 'node:url';
import { LeadsyncError } from '../errors.js';
import type { SheetLink, SourceKind } from './types.js';

/** Google spreadsheet ids: 25-60 characters of the URL-safe base64 alphabet. */
const SPREADSHEET_ID = /^[A-Za-z0-9_-]{25,60}$/;
/** Ids of "Publish to the web" links (`/d/e/2PACX-…`): longer, same alphabet. */
const PUBLISHED_ID = /^[A-Za-z0-9_-]{20,200}$/;
const GID = /^\d{1,12}$/;
/** Hosts whose links name a spreadsheet; they only give us ids, never a host to fetch from. */
const GOOGLE_SHEETS_HOSTS = new Set(['docs.google.com', 'spreadsheets.google.com']);

export interface ParseSheetLinkOptions {
  /** Accept a local path or `file://` URL (the CLI does, the API does not). Default false. */
  allowFiles?: boolean;
}

/**
 * Reads whatever a user pasted: a Google Sheets link in any of its forms, a bare spreadsheet id,
 * a published (`/d/e/…`) link, any other http(s) URL (a plain CSV URL), or, with `allowFiles`,
 * a local file. Throws SHEET_URL_INVALID for anything else. Only the shape is checked here; the
 * SSRF rules for CSV URLs live in ssrf.ts.
 */
export function parseSheetLink(input: string, options: ParseSheetLinkOptions = {}): SheetLink {
  const text = input.trim();
  if (text === '') throw invalid(input, 'the link is empty');
  if (SPREADSHEET_ID.test(text)) return { kind: 'google', spreadsheetId: text, gid: null };

  if (/^file:/i.test(text)) {
    if (!options.allowFiles) throw invalid(input, 'local files are not accepted here');
    try {
      return { kind: 'file', path: fileURLToPath(text) };
    } catch (error) {
      throw invalid(input, 'the file URL is not valid', error);
    }
  }

  const url = toUrl(text);
  if (url === null) {
    // Not a URL: a local path when files are allowed (`C:\…` also lands here, see toUrl).
    if (options.allowFiles && !/^[a-z][a-z0-9+.-]+:/i.test(text)) return { kind: 'file', path: text };
    throw invalid(input, 'it is neither a Google Sheets link, a spreadsheet id nor an http(s) URL');
  }
  if (GOOGLE_SHEETS_HOSTS.has(url.hostname.toLowerCase().replace(/\.$/, '')))
    return parseGoogleUrl(url, input);
  return { kind: 'csv_url', url: url.href };
}

/**
 * How a link is fetched. Google links go through the Sheets API when service-account credentials
 * are configured (it reads private and link-shared sheets alike); published links only exist
 * on the export side. create-source.ts follows the same rule.
 */
export function sourceKindOf(link: SheetLink, hasGoogleCredentials = false): SourceKind {
  switch (link.kind) {
    case 'google':
      return hasGoogleCredentials ? 'google_api' : 'google_export';
    case 'google_published':
      return 'google_export';
    case 'csv_url':
      return 'csv_url';
    case 'file':
      return 'file';
  }
}

/** What a customer row stores of its link: the source kind, the spreadsheet (or published) id and the tab. */
export interface LinkFields {
  sourceKind: SourceKind;
  spreadsheetId: string | null;
  gid: string | null;
}

export function linkFields(link: SheetLink, hasGoogleCredentials = false): LinkFields {
  return {
    sourceKind: sourceKindOf(link, hasGoogleCredentials),
    spreadsheetId:
      link.kind === 'google'
        ? link.spreadsheetId
        : link.kind === 'google_published'
          ? link.publishedId
          : null,
    gid: link.kind === 'google' || link.kind === 'google_published' ? link.gid : null,
  };
}

/** Accepts `https://…`, `http://…`, `//host/…` and a scheme-less Google link (`docs.google.com/…`). */
function toUrl(text: string): URL | null {
  let candidate = text;
  if (candidate.startsWith('//')) candidate = `https:${candidate}`;
  else if (/^(docs|spreadsheets)\.google\.com(\/|$)/i.test(candidate)) candidate = `https://${candidate}`;
  if (!/^https?:\/\//i.test(candidate)) return null;
  try {
    return new URL(candidate);
  } catch {
    return null;
  }
}

function parseGoogleUrl(url: URL, input: string): SheetLink {
  // `/u/0/` (account switcher) may precede `/d/`; the rest of the path (edit, htmlview, export…) is noise.
  const match = /^\/spreadsheets\/(?:u\/\d+\/)?d\/(e\/)?([^/]+)/.exec(url.pathname);
  if (!match) throw invalid(input, 'it is a Google link but not to a spreadsheet');
  const gid = gidOf(url, input);
  const id = match[2] ?? '';
  if (match[1]) {
    if (!PUBLISHED_ID.test(id)) throw invalid(input, 'the published sheet id is not valid');
    return { kind: 'google_published', publishedId: id, gid };
  }
  if (!SPREADSHEET_ID.test(id)) throw invalid(input, 'the spreadsheet id is not valid');
  return { kind: 'google', spreadsheetId: id, gid };
}

/**
 * The tab, from `#gid=N` (what the browser shows for the open tab, so it wins) or `?gid=N`.
 * A malformed gid is an error, not "the first tab": reading another tab than the one the user
 * meant is how the system we replace deleted every lead.
 */
function gidOf(url: URL, input: string): string | null {
  const fromHash = new URLSearchParams(url.hash.replace(/^#/, '')).get('gid');
  const gid = fromHash ?? url.searchParams.get('gid');
  if (gid === null) return null;
  if (!GID.test(gid)) throw invalid(input, `the tab id (gid=${gid}) is not a number`);
  return gid;
}

function invalid(input: string, reason: string, cause?: unknown): LeadsyncError {
  return new LeadsyncError('SHEET_URL_INVALID', `The sheet link is not valid: ${reason}`, {
    details: { input: input.slice(0, 500) },
    cause,
  });
}
