import type { LiveProgress } from './live-progress.js';
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import type { DialectName } from '../db/dialect.js';
import type { EventBus } from '../events/event-bus.js';
import type { ServiceMetrics } from '../worker/metrics.js';
import type { SheetLink, SheetSource } from '../sources/types.js';
import type { LeadCache } from './lead-cache.js';
import type { RateLimits } from './rate-limit.js';

/** Everything the routes use, passed in so tests can build an app on any database and clock. */
export interface AppDeps {
  db: Kysely<Database>;
  dialect: DialectName;
  config: Readonly<Config>;
  bus: EventBus;
  metrics: ServiceMetrics;
  /** Default `() => new Date()`. */
  clock?: () => Date;
  /** The source validate-sheet downloads from (tests inject one). Default createSource. */
  sourceFor?: (link: SheetLink) => SheetSource;
  /** Fastify logger option. Default false (the server turns it on). */
  logger?: boolean | Record<string, unknown>;
  /** `npm run demo` only: its admin token, which the sign-in page then offers. Default null. */
  demoToken?: string | null;
}

/** AppDeps with defaults filled in, plus what the app builds for itself. */
export interface AppContext extends Required<Omit<AppDeps, 'logger' | 'sourceFor' | 'demoToken'>> {
  sourceFor: AppDeps['sourceFor'];
  demoToken: string | null;
  cache: LeadCache;
  liveProgress: LiveProgress;
  /** Set by buildApp once the rate-limit plugin is registered. */
  limits: RateLimits;
}

export type App = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;
