import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, inject, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/db/connection.js';
import type { Database } from '../../src/db/database.js';
import { adminQuery, postgresUrlFor, TEST_POSTGRES_URL } from './postgres-server.js';
import { testDatabaseName, testDirPrefix } from './stale-databases.js';

export { postgresUrlFor, TEST_POSTGRES_URL };

/**
 * Real databases for tests, on every dialect:
 *
 *   describeEachDialect('customers repository', (dialect) => {
 *     const t = useTestDatabase(dialect);
 *     it('finds a customer by name', async () => { await createCustomer(t.db, …) });
 *   });
 *
 * SQLite gets a fresh file in the temp folder; PostgreSQL a fresh database `leadsync_t_…`
 * made through TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres) and
 * dropped WITH (FORCE). Both names carry the process's pid: what a killed run left behind is
 * removed by the next run's global setup (stale-databases.ts). When PostgreSQL cannot be reached its tests are skipped with a
 * warning, or fail when LEADSYNC_REQUIRE_POSTGRES=1 (CI), so a broken CI server cannot pass
 * as green.
 */
export const DIALECTS = ['sqlite', 'postgres'] as const;
export type TestDialect = (typeof DIALECTS)[number];

const REQUIRE_POSTGRES = process.env.LEADSYNC_REQUIRE_POSTGRES === '1';

export interface TestDatabase {
  handle: DatabaseHandle;
  db: Kysely<Database>;
  /** For subprocesses (DATABASE_URL). */
  url: string;
  /** Closes the handle and removes the file or database. */
  drop(): Promise<void>;
}

/** A new, empty database (migrated unless `migrate: false`). */
export async function createTestDatabase(
  dialect: TestDialect,
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = await mkdtemp(testDirPrefix());
    const url = `sqlite:${join(dir, 'leadsync.db')}`;
    const handle = await openDatabase(url, options);
    const drop = async () => {
      await handle.close();
      await rm(dir, { recursive: true, force: true });
    };
    return { handle, db: handle.db, url, drop };
  }
  const name = testDatabaseName();
  // A migrated database is a copy of the run's migrated template (helpers/postgres-template.ts).
  const template = options.migrate !== false ? POSTGRES_TEMPLATE : null;
  await adminQuery(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ''}`);
  const url = postgresUrlFor(name);
  const handle = await openDatabase(url, options).catch(async (error: unknown) => {
    await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    throw error;
  });
  const drop = async () => {
    await handle.close();
    await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  };
  return { handle, db: handle.db, url, drop };
}

/** One database for the enclosing describe block: made before its tests, dropped after. */
export function useTestDatabase(dialect: TestDialect, options: { migrate?: boolean } = {}): TestDatabase {
  let current: TestDatabase | undefined;
  beforeAll(async () => {
    current = await createTestDatabase(dialect, options);
  });
  afterAll(async () => {
    await current?.drop();
  });
  const get = (): TestDatabase => {
    if (!current) throw new Error('useTestDatabase: the database exists only inside tests and hooks');
    return current;
  };
  return {
    get handle() {
      return get().handle;
    },
    get db() {
      return get().db;
    },
    get url() {
      return get().url;
    },
    drop: () => get().drop(),
  };
}

/**
 * `describe(name [dialect])` once per dialect (or per one of `only`, for dialect-specific
 * behaviour); see the file comment for PostgreSQL being down.
 */
export function describeEachDialect(
  name: string,
  fn: (dialect: TestDialect) => void,
  only: readonly TestDialect[] = DIALECTS,
): void {
  for (const dialect of only) {
    const title = `${name} [${dialect}]`;
    if (dialect === 'postgres' && POSTGRES_PROBLEM !== null) {
      const message = `PostgreSQL is unreachable at ${redact(TEST_POSTGRES_URL)} (${POSTGRES_PROBLEM})`;
      if (REQUIRE_POSTGRES) {
        describe(title, () => {
          it('needs PostgreSQL (LEADSYNC_REQUIRE_POSTGRES=1)', () => {
            throw new Error(`${message}; set TEST_POSTGRES_URL or start the server`);
          });
        });
      } else {
        warnOnce(`${message}: skipping PostgreSQL tests. Set LEADSYNC_REQUIRE_POSTGRES=1 to fail instead.`);
        describe.skip(`${title} (PostgreSQL unreachable)`, () => fn(dialect));
      }
      continue;
    }
    describe(title, () => fn(dialect));
  }
}

// Kept on globalThis so the check runs once per process even when test files get fresh modules.
const CHECK_KEY = Symbol.for('leadsync.test.postgresProblem');
const WARNED_KEY = Symbol.for('leadsync.test.postgresWarned');
type CheckHolder = { [CHECK_KEY]?: Promise<string | null>; [WARNED_KEY]?: boolean };
const holder = globalThis as CheckHolder;

/** null when PostgreSQL answers, else why not. A refused connection fails at once; 2 s caps a silent host. */
async function checkPostgres(): Promise<string | null> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 2000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    // A refused connection to localhost is an AggregateError with an empty message; its code says it.
    const code = (error as { code?: unknown }).code;
    return [code, error instanceof Error ? error.message : String(error)].filter(Boolean).join(' ');
  } finally {
    await client.end().catch(() => {});
  }
}

const POSTGRES_PROBLEM: string | null = await (holder[CHECK_KEY] ??= checkPostgres());
/** The run's migrated template (null when the global setup could not make one: each database migrates). */
const POSTGRES_TEMPLATE: string | null = inject('postgresTemplate');

function warnOnce(message: string): void {
  if (holder[WARNED_KEY]) return;
  holder[WARNED_KEY] = true;
  console.warn(`\n⚠ ${message}\n`);
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
