import dns from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { LeadsyncError } from '../errors.js';
import { isPublicAddress } from './ip-address.js';

export { isPublicAddress };

/**
 * The SSRF rules (CONTRACT.md, "Sources and SSRF"): a plain CSV URL must be `https://` to a
 * public address. Hosts in LEADSYNC_ALLOW_HOSTS are exempt from the public-address rule and may
 * use `http://`. An allow-list entry is a lower-case host name or IP (`sheets.internal`,
 * `127.0.0.1`, `[::1]`), which allows every port, or `host:port`, which allows that port only.
 * The configured Google bases (and a service account's token_uri) are operator configuration and
 * are trusted: see createUrlGuard.
 */

interface AllowEntry {
  host: string;
  port: string | null;
}

function parseAllowEntry(entry: string): AllowEntry {
  const text = entry.trim().toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return { host: bracketed[1] ?? '', port: bracketed[2] ?? null };
  const hostPort = /^([^:]+):(\d+)$/.exec(text);
  if (hostPort) return { host: hostPort[1] ?? '', port: hostPort[2] ?? null };
  return { host: text, port: null }; // a bare name, IPv4 or unbracketed IPv6
}

/** Lower-case host without IPv6 brackets or a trailing dot (`localhost.` is `localhost`). */
function hostOf(url: URL): string {
  return url.hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
}

function portOf(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : '80');
}

export function isAllowListed(url: URL, allowHosts: readonly string[]): boolean {
  const host = hostOf(url);
  return allowHosts.some((entry) => {
    const allowed = parseAllowEntry(entry);
    return allowed.host === host && (allowed.port === null || allowed.port === portOf(url));
  });
}

/**
 * Checks a CSV URL without resolving it (used when a customer is created or changed, and for
 * every request and redirect at fetch time). Returns the parsed URL or throws SOURCE_FORBIDDEN.
 */
export function checkUrlShape(input: string | URL, allowHosts: readonly string[]): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch (error) {
    throw new LeadsyncError('SHEET_URL_INVALID', 'The sheet URL is not a valid URL', { cause: error });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw forbidden(url, `the ${url.protocol} scheme is not allowed`);
  }
  // Credentials in a URL end up in logs and run history; nobody gets an exemption for that.
  if (url.username !== '' || url.password !== '')
    throw forbidden(url, 'URLs with credentials are not allowed');
  if (isAllowListed(url, allowHosts)) return url;
  if (url.protocol !== 'https:') throw forbidden(url, 'only https:// URLs may be fetched');
  const host = hostOf(url);
  if (host === 'localhost' || host.endsWith('.localhost')) throw forbidden(url, 'localhost is not allowed');
  // The WHATWG parser already turned `0x7f.1` or `2130706433` into dotted IPv4.
  if (isIP(host) !== 0 && !isPublicAddress(host)) throw forbidden(url, `${host} is not a public address`);
  return url;
}

/**
 * A `lookup` for node:http that fails with SOURCE_FORBIDDEN when a name resolves to a non-public
 * address. It runs on the connection itself, so a name cannot resolve to a public address when
 * checked and to a private one when fetched (DNS rebinding). Every answer must be public, not
 * just the first, because Node may try them all (autoSelectFamily).
 */
export function createGuardedLookup(resolve: LookupFunction = dns.lookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, options, (error, address, family) => {
      if (error) return callback(error, address, family);
      const addresses = Array.isArray(address) ? address.map((a) => a.address) : [address];
      const refused = addresses.find((a) => !isPublicAddress(a));
      if (refused !== undefined || addresses.length === 0) {
        const reason = `${hostname} resolves to ${refused ?? 'nothing'}, which is not a public address`;
        return callback(
          new LeadsyncError('SOURCE_FORBIDDEN', `The source address is not allowed: ${reason}`),
          '',
        );
      }
      callback(null, address, family);
    });
  };
}

/** Applies the rules to each request and redirect of one download. */
export interface UrlGuard {
  /** Throws SOURCE_FORBIDDEN when `url` may not be requested. */
  check(url: URL): void;
  /** The name resolution to use for `url`: guarded unless the host is trusted or allow-listed. */
  lookupFor(url: URL): LookupFunction;
}

export interface UrlGuardOptions {
  allowHosts: readonly string[];
  /** Origins fetched without checks: the configured Google bases, a key file's token_uri. */
  trustedOrigins?: readonly string[];
  /** The resolver underneath (tests inject one). Default dns.lookup. */
  lookup?: LookupFunction;
}

export function createUrlGuard(options: UrlGuardOptions): UrlGuard {
  const trusted = new Set((options.trustedOrigins ?? []).map((o) => new URL(o).origin));
  const resolve = options.lookup ?? dns.lookup;
  const guarded = createGuardedLookup(resolve);
  return {
    check(url) {
      if (!trusted.has(url.origin)) checkUrlShape(url, options.allowHosts);
    },
    lookupFor(url) {
      return trusted.has(url.origin) || isAllowListed(url, options.allowHosts) ? resolve : guarded;
    },
  };
}

function forbidden(url: URL, reason: string): LeadsyncError {
  return new LeadsyncError('SOURCE_FORBIDDEN', `The source address is not allowed: ${reason}`, {
    details: { host: url.host, reason },
  });
}
