import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LeadsyncError } from '../errors.js';

/**
 * The API's own limits, counted by @fastify/rate-limit (its in-memory store: a window of one
 * minute per key). In-process on purpose: every API process limits on its own (documented),
 * which keeps the hot path free of database writes. Routes call a limiter where their key is
 * known and checked (after a push URL's secret, so a stranger cannot spend a customer's
 * allowance), and an excess request gets 429 RATE_LIMITED with `Retry-After`, like every error.
 */
export type RequestLimiter = (request: FastifyRequest) => Promise<void>;

export interface RateLimits {
  /** Per customer, shared by triggers and pushes (CONTRACT: default 30 a minute). */
  trigger: RequestLimiter;
  /** Per token owner (admin, or the customer of a customer token): each validation is a download. */
  validate: RequestLimiter;
}

/** Keys kept at most (least recently used dropped): one per customer or token owner. */
const MAX_KEYS = 100_000;

export async function registerRateLimits(
  app: FastifyInstance,
  perMinute: { trigger: number; validate: number },
): Promise<RateLimits> {
  // global: false — no route is limited by a hook; the limiters below are called by the routes.
  await app.register(rateLimit, { global: false, cache: MAX_KEYS });
  return {
    trigger: limiter(
      app,
      perMinute.trigger,
      customerIdOf,
      (max) => `At most ${max} triggers and pushes per minute per customer`,
    ),
    validate: limiter(
      app,
      perMinute.validate,
      tokenOwnerOf,
      () => 'Too many sheet validations; try again later',
    ),
  };
}

function limiter(
  app: FastifyInstance,
  max: number,
  keyGenerator: (request: FastifyRequest) => string,
  message: (max: number) => string,
): RequestLimiter {
  const check = app.createRateLimit({ max, timeWindow: 60_000, keyGenerator });
  return async (request) => {
    const result = await check(request);
    if (!result.isAllowed && result.isExceeded) {
      throw new LeadsyncError('RATE_LIMITED', message(max), {
        retryAfterSeconds: Math.max(1, result.ttlInSeconds),
      });
    }
  };
}

/** The customer of a trigger (query, or the X-Customer-Id header copied into it) or a push (path). */
function customerIdOf(request: FastifyRequest): string {
  const { params, query } = request as { params?: { customerId?: string }; query?: { customerId?: string } };
  return `customer:${params?.customerId ?? query?.customerId ?? ''}`;
}

function tokenOwnerOf(request: FastifyRequest): string {
  return request.scope.kind === 'admin' ? 'admin' : `customer:${request.scope.customerId}`;
}
