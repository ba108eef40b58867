import { timingSafeEqual } from 'node:crypto';
import type { RouteOptions } from 'fastify';
import { LRUCache } from 'lru-cache';
import { findTokenScope, type TokenScope } from '../db/api-tokens.repository.js';
import { LeadsyncError } from '../errors.js';
import { isId } from '../ids.js';
import { hashToken } from './tokens.js';
import type { App, AppContext } from './context.js';

/**
 * Who may call a route, declared on the route itself (`config: { access }`):
 * - `public`: no token (health, metrics, the dashboard's files, /docs);
 * - `scoped`: any valid token; a customer token sees its own customer only (the handler scopes);
 * - `admin`: the admin token; any other valid token gets the same 404 as a route that does not exist.
 * A route that declares nothing needs a token (`scoped`); an /api route must declare it.
 */
export type RouteAccess = 'public' | 'scoped' | 'admin';

/** One registered route and the access it ends up with (the route-walk test reads these). */
export interface RouteAccessEntry {
  method: string;
  url: string;
  readonly access: RouteAccess;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /** Who the bearer token speaks for; set on every route that is not `public`. */
    scope: TokenScope;
  }
  interface FastifyInstance {
    /** Every route registered after the auth hooks, with its access; filled as routes are added. */
    routeAccess: readonly RouteAccessEntry[];
  }
}

/** Known token hashes, so a busy dashboard does not cost a query per request. Revocation lags this much. */
const SCOPE_CACHE_MS = 30_000;

const accessOf = (options: Pick<RouteOptions, 'config'>): RouteAccess => options.config?.access ?? 'scoped';

/**
 * Collects every route with its access and refuses an /api route that does not declare one.
 * Call before registering any route: onRoute hooks only see routes added after them.
 */
export function registerRouteAccess(app: App): void {
  const table: RouteAccessEntry[] = [];
  app.decorate('routeAccess', table);
  app.addHook('onRoute', (options) => {
    // The route's declared pattern, not a request URL: nothing a client sends can change it.
    if (options.url.startsWith('/api/') && options.config?.access === undefined) {
      throw new Error(`${String(options.method)} ${options.url} declares no config.access`);
    }
    for (const method of [options.method].flat()) {
      table.push({
        method,
        url: options.url,
        // Read late: a plugin's own onRoute hook (markPublic) may set it after this one ran.
        get access() {
          return accessOf(options);
        },
      });
    }
  });
}

/** An onRoute hook for a plugin scope whose routes are all public (the dashboard files, /docs). */
export function markPublic(options: RouteOptions): void {
  options.config = { ...options.config, access: 'public' };
}

/**
 * Authenticates by the route Fastify matched (never by the raw URL, which a client can
 * percent-encode): `Authorization: Bearer <token>`, the admin token from the environment (compared
 * in constant time) or a stored token looked up by its SHA-256. Runs before the body is read.
 */
export function registerAuth(app: App, ctx: AppContext): void {
  const envAdminHash = ctx.config.service?.adminToken
    ? Buffer.from(hashToken(ctx.config.service.adminToken), 'hex')
    : null;
  const known = new LRUCache<string, TokenScope>({ max: 10_000, ttl: SCOPE_CACHE_MS });
  // null until the hook below sets it; public routes never read it.
  app.decorateRequest('scope', null as never);
  app.addHook('onRequest', async (request, reply) => {
    // No route matched: the not-found handler answers, the same 404 for everyone.
    if (request.is404) return;
    const access = request.routeOptions.config.access ?? 'scoped';
    if (access === 'public') return;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match?.[1]) {
      reply.header('www-authenticate', 'Bearer');
      throw new LeadsyncError('UNAUTHORIZED', 'Send Authorization: Bearer <token>');
    }
    const hash = hashToken(match[1]);
    let scope: TokenScope | undefined;
    if (envAdminHash && timingSafeEqual(envAdminHash, Buffer.from(hash, 'hex'))) scope = { kind: 'admin' };
    else {
      scope = known.get(hash) ?? (await findTokenScope(ctx.db, hash));
      if (!scope) {
        reply.header('www-authenticate', 'Bearer error="invalid_token"');
        throw new LeadsyncError('UNAUTHORIZED', 'The bearer token is not valid');
      }
      known.set(hash, scope);
    }
    request.scope = scope;
    if (access === 'admin' && scope.kind !== 'admin') {
      // Word for word the not-found handler's answer: a customer token cannot tell the route exists.
      throw new LeadsyncError('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`);
    }
  });
}

/**
 * Throws CUSTOMER_NOT_FOUND unless `customerId` is well-formed and the token may see it: a scoped
 * token asking about another customer learns nothing, not even that the customer exists.
 */
export function assertCustomerVisible(scope: TokenScope, customerId: string): void {
  if (!isId(customerId) || (scope.kind === 'customer' && scope.customerId !== customerId)) {
    throw new LeadsyncError('CUSTOMER_NOT_FOUND', `No customer with id ${customerId}`);
  }
}

/** The customer a scoped token is limited to, or undefined for the admin (all customers). */
export function scopedCustomerId(scope: TokenScope): string | undefined {
  return scope.kind === 'customer' ? scope.customerId : undefined;
}

/** Admin-only operations answer 404 to scoped tokens, like any other thing they cannot see. */
export function assertAdmin(scope: TokenScope): void {
  if (scope.kind !== 'admin') throw new LeadsyncError('NOT_FOUND', 'Not found');
}
