import { timingSafeEqual } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { findTokenScope, type TokenScope } from '../db/api-tokens.repository.js';
import { LeadsyncError } from '../errors.js';
import { isId } from '../ids.js';
import { hashToken } from '../service/tokens.js';
import type { App, AppContext } from './context.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the bearer token speaks for; set on every /api request. */
    scope: TokenScope;
  }
}

/** Known token hashes, so a busy dashboard does not cost a query per request. Revocation lags this much. */
const SCOPE_CACHE_MS = 30_000;

/**
 * Every /api route needs `Authorization: Bearer <token>`: the admin token from the environment
 * (compared in constant time), or a stored token looked up by its SHA-256.
 */
export function registerAuth(app: App, ctx: AppContext): void {
  const envAdminHash = ctx.config.service?.adminToken
    ? Buffer.from(hashToken(ctx.config.service.adminToken), 'hex')
    : null;
  const known = new LRUCache<string, TokenScope>({ max: 10_000, ttl: SCOPE_CACHE_MS });
  // null until the hook below sets it; only /api routes read it.
  app.decorateRequest('scope', null as never);
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/')) return;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match?.[1]) {
      reply.header('www-authenticate', 'Bearer');
      throw new LeadsyncError('UNAUTHORIZED', 'Send Authorization: Bearer <token>');
    }
    const hash = hashToken(match[1]);
    if (envAdminHash && timingSafeEqual(envAdminHash, Buffer.from(hash, 'hex'))) {
      request.scope = { kind: 'admin' };
      return;
    }
    const scope = known.get(hash) ?? (await findTokenScope(ctx.db, hash));
    if (!scope) {
      reply.header('www-authenticate', 'Bearer error="invalid_token"');
      throw new LeadsyncError('UNAUTHORIZED', 'The bearer token is not valid');
    }
    known.set(hash, scope);
    request.scope = scope;
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
