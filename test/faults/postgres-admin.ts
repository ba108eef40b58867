import pg from 'pg';
import { TEST_POSTGRES_URL } from '../helpers/databases.js';

/**
 * The test server's administrator, on the `postgres` database (not the one under test), to do
 * to a test database what a restart or a failover does: end every connection to it, and refuse
 * new ones for a while.
 */
export interface PostgresAdmin {
  /** pg_terminate_backend on every backend of `database` except this admin connection; how many. */
  terminateAll(database: string): Promise<number>;
  /** ALLOW_CONNECTIONS false / true: while false, nobody (superusers included) can connect. */
  allowConnections(database: string, allow: boolean): Promise<void>;
  close(): Promise<void>;
}

export async function connectPostgresAdmin(): Promise<PostgresAdmin> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  client.on('error', () => {});
  await client.connect();
  return {
    async terminateAll(database) {
      assertTestDatabase(database);
      // MATERIALIZED: the targets are chosen first. With the conditions in one WHERE, PostgreSQL
      // may call pg_terminate_backend on every row of pg_stat_activity before filtering by
      // database (it did: the plan filters pg_database in a join), ending the whole server's.
      const result = await client.query<{ pid: number }>(
        `WITH targets AS MATERIALIZED (
           SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()
         )
         SELECT pid FROM targets WHERE pg_terminate_backend(pid)`,
        [database],
      );
      return result.rowCount ?? 0;
    },
    async allowConnections(database, allow) {
      assertTestDatabase(database);
      await client.query(`ALTER DATABASE "${database.replaceAll('"', '')}" ALLOW_CONNECTIONS ${allow}`);
    },
    close: () => client.end(),
  };
}

/** The database name of a postgres:// URL. */
export function databaseOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

/** Only test databases (test/helpers/databases.ts names them leadsync_t_…) are ever cut off. */
function assertTestDatabase(database: string): void {
  if (!database.startsWith('leadsync_t_'))
    throw new Error(`refusing to cut off ${database}: not a test database`);
}
