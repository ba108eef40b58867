import { openDatabase } from '../../src/db/connection.js';
import { adminQuery, postgresUrlFor } from './postgres-server.js';
import { testDatabaseName } from './stale-databases.js';

/**
 * A PostgreSQL database migrated once per test run, which every migrated test database is
 * copied from (CREATE DATABASE … TEMPLATE): a copy costs what an empty database does, so the
 * migrations' ~80 ms of server time and ~115 ms of wall time are not paid again for each of the
 * run's databases. Made afresh by the global setup of every run from the migrations as they are,
 * so it is never stale; a test database still runs migrateToLatest, which finds nothing to do.
 * Named like any test database, so a killed run's template is dropped by the next run.
 */
export async function createPostgresTemplate(): Promise<{ name: string; drop(): Promise<void> }> {
  const name = testDatabaseName();
  await adminQuery(`CREATE DATABASE "${name}"`);
  const drop = () => adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  try {
    // A template must have no connection open while it is copied: this one is closed at once.
    const handle = await openDatabase(postgresUrlFor(name));
    await handle.close();
  } catch (error) {
    await drop();
    throw error;
  }
  return { name, drop };
}
