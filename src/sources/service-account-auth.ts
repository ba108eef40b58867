import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { LookupFunction } from 'node:net';
import { SignJWT, importPKCS8 } from 'jose';
import { z } from 'zod';
import { LeadsyncError } from '../errors.js';
import { readText } from './body-stream.js';
import { errorForStatus } from './google-errors.js';
import { httpRequest } from './http-get.js';
import { abortError } from './response-body.js';

const keySchema = z.object({
  type: z.literal('service_account'),
  client_email: z.string().min(1),
  private_key: z.string().min(1),
  token_uri: z.url({ protocol: /^https?$/ }),
  private_key_id: z.string().optional(),
});

/** The fields of a Google service-account JSON key that we use (the file has more). */
export type ServiceAccountKey = z.infer<typeof keySchema>;

export const SHEETS_READONLY_SCOPE = 'https://www.googleapis.com/auth/spreadsheets.readonly';
/** Lets the Drive API answer files.get (a sheet's revision) and nothing else: no file contents. */
export const DRIVE_METADATA_SCOPE = 'https://www.googleapis.com/auth/drive.metadata.readonly';
/** What every token asks for (space-separated, as OAuth wants). */
export const TOKEN_SCOPES = `${SHEETS_READONLY_SCOPE} ${DRIVE_METADATA_SCOPE}`;
const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const ASSERTION_LIFETIME_S = 3600;
/** A cached token is renewed this long before it expires, so no request starts with a dying token. */
const RENEW_BEFORE_MS = 5 * 60_000;

interface CachedToken {
  token: string;
  expiresAtMs: number;
}

/** In-process tokens per key; a pending exchange is shared so concurrent syncs make only one. */
export type TokenCache = Map<string, Promise<CachedToken>>;
const sharedCache: TokenCache = new Map();

export interface ServiceAccountAuth {
  /** The key, read and validated (once per instance). */
  key(): Promise<ServiceAccountKey>;
  getAccessToken(options?: { signal?: AbortSignal }): Promise<string>;
  /** Forgets `token` (the API refused it) so the next call exchanges a new one. */
  invalidate(token: string): Promise<void>;
}

export interface ServiceAccountAuthDeps {
  /** Clock for the JWT's iat/exp and the cache. Default Date.now. */
  now?: () => number;
  /** Timeout of the token request. Default 30000. */
  timeoutMs?: number;
  /** Resolver for the token request (token_uri is trusted like the Google bases). Default dns.lookup. */
  lookup?: LookupFunction;
  /** Default: one cache for the whole process. */
  cache?: TokenCache;
}

/**
 * Access tokens for the Sheets API from a service-account key (a path to the JSON file, read
 * lazily so start-up never fails on it, or the parsed object): an RS256 JWT signed with jose is
 * exchanged at the key's token_uri (OAuth 2.0 JWT bearer grant).
 */
export function createServiceAccountAuth(
  source: string | ServiceAccountKey,
  deps: ServiceAccountAuthDeps = {},
): ServiceAccountAuth {
  const now = deps.now ?? Date.now;
  const cache = deps.cache ?? sharedCache;
  let loaded: Promise<ServiceAccountKey> | undefined;
  const key = () => (loaded ??= loadKey(source));

  return {
    key,
    async getAccessToken({ signal } = {}) {
      if (signal?.aborted) throw abortError(signal);
      const k = await key();
      const id = cacheKey(k);
      const cached = cache.get(id);
      if (cached) {
        const hit = await cached.catch(() => undefined);
        if (hit && hit.expiresAtMs - RENEW_BEFORE_MS > now()) return hit.token;
        if (cache.get(id) === cached) cache.delete(id);
      }
      // Not tied to one caller's signal: the exchange is short and may be shared.
      const pending = exchange(k, now, deps);
      cache.set(id, pending);
      pending.catch(() => cache.get(id) === pending && cache.delete(id));
      const { token } = await pending;
      if (signal?.aborted) throw abortError(signal);
      return token;
    },
    async invalidate(token) {
      const id = cacheKey(await key());
      const cached = await cache.get(id)?.catch(() => undefined);
      if (cached?.token === token) cache.delete(id);
    },
  };
}

async function loadKey(source: string | ServiceAccountKey): Promise<ServiceAccountKey> {
  let raw: unknown = source;
  if (typeof source === 'string') {
    try {
      raw = JSON.parse(await readFile(source, 'utf8'));
    } catch (error) {
      throw authFailed(`The service-account key file ${source} could not be read`, error);
    }
  }
  const parsed = keySchema.safeParse(raw);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.') || 'type').join(', ');
    throw authFailed(`The service-account key is not valid (${fields})`, parsed.error);
  }
  return parsed.data;
}

async function exchange(key: ServiceAccountKey, now: () => number, deps: ServiceAccountAuthDeps) {
  const issuedAt = Math.floor(now() / 1000);
  let assertion: string;
  try {
    const privateKey = await importPKCS8(key.private_key, 'RS256');
    assertion = await new SignJWT({ scope: TOKEN_SCOPES })
      .setProtectedHeader({
        alg: 'RS256',
        typ: 'JWT',
        ...(key.private_key_id ? { kid: key.private_key_id } : {}),
      })
      .setIssuer(key.client_email)
      .setAudience(key.token_uri)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ASSERTION_LIFETIME_S)
      .sign(privateKey);
  } catch (error) {
    throw authFailed('The service-account private key could not be used to sign', error);
  }
  const res = await httpRequest(key.token_uri, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion }).toString(),
    timeoutMs: deps.timeoutMs ?? 30_000,
    lookupFor: () => deps.lookup,
  });
  const text = await readText(res.body, 1024 * 1024);
  const body = parseJson(text);
  if (res.status !== 200) {
    const reason = typeof body?.error_description === 'string' ? `: ${body.error_description}` : '';
    // 400/401/403 here mean a bad key, a disabled account or a clock far off: retrying will not help.
    if (res.status >= 400 && res.status < 500 && res.status !== 429) {
      throw authFailed(`The token exchange was refused (HTTP ${res.status}${reason})`);
    }
    throw (
      errorForStatus(res.status, res.headers, { endpoint: 'api', now }) ?? authFailed('Token exchange failed')
    );
  }
  if (typeof body?.access_token !== 'string') throw authFailed('The token endpoint returned no access_token');
  const lifetime = typeof body.expires_in === 'number' ? body.expires_in : 3600;
  return { token: body.access_token, expiresAtMs: now() + lifetime * 1000 };
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Identifies the key without keeping its secret in the cache's keys. */
function cacheKey(key: ServiceAccountKey): string {
  return createHash('sha256')
    .update(`${key.client_email}\n${key.token_uri}\n${key.private_key}`)
    .digest('hex');
}

function authFailed(message: string, cause?: unknown): LeadsyncError {
  return new LeadsyncError('SHEET_AUTH_FAILED', message, { cause });
}
