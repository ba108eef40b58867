import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LeadsyncError } from '../errors.js';

/**
 * The API's own limits, counted by @fastify/rate-limit (a window of one minute per key, in the
 * store below). In-process on purpose: every API process limits on its own (documented),
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

/** Keys kept at most (the oldest window dropped first): one per customer or token owner. */
const MAX_KEYS = 100_000;

interface Window {
  count: number;
  startMs: number;
}

/**
 * The plugin's store interface over the app's clock. The plugin's own LocalStore hands every
 * caller the same mutable counter and the plugin reads it after an `await`, so 100 triggers in
 * one tick all read 100 and none gets through; this store answers each call with its own count.
 * It is also the injected clock (tests need no waiting).
 */
function clockStore(nowMs: () => number) {
  return class WindowStore {
    private readonly windows = new Map<string, Window>();

    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
    ): void {
      const now = nowMs();
      let window = this.windows.get(key);
      if (!window || window.startMs + timeWindow <= now) {
        this.windows.delete(key);
        if (this.windows.size >= MAX_KEYS) this.windows.delete(this.windows.keys().next().value ?? '');
        window = { count: 0, startMs: now };
        this.windows.set(key, window);
      }
      window.count += 1;
      callback(null, { current: window.count, ttl: window.startMs + timeWindow - now });
    }

    child(): WindowStore {
      return new WindowStore();
    }
  };
}

export async function registerRateLimits(
  app: FastifyInstance,
  perMinute: { trigger: number; validate: number },
  nowMs: () => number,
): Promise<RateLimits> {
  // global: false — no route is limited by a hook; the limiters below are called by the routes.
  await app.register(rateLimit, { global: false, store: clockStore(nowMs) });
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
