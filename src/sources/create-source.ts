import type { LookupFunction } from 'node:net';
import type { Config } from '../config.js';
import { CsvUrlSource } from './csv-url.source.js';
import { FileSource } from './file.source.js';
import { DEFAULT_DRIVE_API_BASE_URL, GoogleApiSource } from './google-api.source.js';
import { GoogleExportSource } from './google-export.source.js';
import { createServiceAccountAuth, type ServiceAccountAuth } from './service-account-auth.js';
import { sourceKindOf } from './sheet-link.js';
import { createUrlGuard } from './ssrf.js';
import type { SheetLink, SheetSource } from './types.js';

export interface SourceDeps {
  /** Name resolution underneath the SSRF guard (tests inject one). Default dns.lookup. */
  lookup?: LookupFunction;
  /** Clock for Retry-After dates and token expiry. Default Date.now. */
  now?: () => number;
  /** Service-account auth to use instead of config.google.credentialsFile (tests). */
  auth?: ServiceAccountAuth;
}

/**
 * The source for a link. Google links use the Sheets API when a service-account key is
 * configured (config.google.credentialsFile): it reads private sheets and link-shared ones alike.
 * Without a key they use the CSV export, which only reads link-shared sheets. Published links
 * (`/d/e/…`) have no spreadsheet id, so they always use the export. There is no fallback from
 * one to the other: each failure keeps its own code. The rule is sourceKindOf's.
 */
export function createSource(link: SheetLink, config: Config, deps: SourceDeps = {}): SheetSource {
  const timing = {
    timeoutMs: config.fetch.timeoutMs,
    maxBytes: config.fetch.maxBytes,
    deadlineMs: config.fetch.deadlineMs,
    minBytesPerSecond: config.fetch.minBytesPerSecond,
    ...(deps.now ? { now: deps.now } : {}),
  };
  // Google bases are operator configuration and trusted; a customer's CSV URL gets no such
  // pass even when it points at one of them (an internal mirror must not become reachable).
  const guard = (trustGoogle: boolean) =>
    createUrlGuard({
      allowHosts: config.allowHosts,
      trustedOrigins: trustGoogle
        ? [
            config.google.exportBaseUrl,
            config.google.apiBaseUrl,
            config.google.driveApiBaseUrl ?? DEFAULT_DRIVE_API_BASE_URL,
          ]
        : [],
      ...(deps.lookup ? { lookup: deps.lookup } : {}),
    });

  switch (link.kind) {
    case 'google':
    case 'google_published': {
      const hasCredentials = deps.auth !== undefined || config.google.credentialsFile !== null;
      if (link.kind === 'google' && sourceKindOf(link, hasCredentials) === 'google_api') {
        const auth =
          deps.auth ??
          createServiceAccountAuth(config.google.credentialsFile ?? '', {
            timeoutMs: config.fetch.timeoutMs,
            ...(deps.lookup ? { lookup: deps.lookup } : {}),
            ...(deps.now ? { now: deps.now } : {}),
          });
        return new GoogleApiSource(link, {
          apiBaseUrl: config.google.apiBaseUrl,
          driveApiBaseUrl: config.google.driveApiBaseUrl ?? DEFAULT_DRIVE_API_BASE_URL,
          auth,
          guard: guard(true),
          limits: { maxRowChars: config.sheet.maxRowChars },
          ...timing,
        });
      }
      return new GoogleExportSource(link, {
        baseUrl: config.google.exportBaseUrl,
        guard: guard(true),
        ...timing,
      });
    }
    case 'csv_url':
      return new CsvUrlSource(link.url, { guard: guard(false), ...timing });
    case 'file':
      return new FileSource(link.path, { maxBytes: config.fetch.maxBytes });
  }
}
