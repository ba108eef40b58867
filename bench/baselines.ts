import { mkdir, open, rm } from 'node:fs/promises';
import path from 'node:path';
import { DATA_DIR } from './data.js';
import { psql, type Dialect } from './databases.js';
import { measure, run, type Measured } from './measure.js';

/**
 * The physical floor for loading the same file: the databases' own CSV loaders, into a fresh
 * table whose primary key is the Lead ID (leadsync also keeps a unique key per lead).
 * Only the load is timed; creating the table and counting the rows afterwards are not.
 */
export async function measureBaseline(
  dialect: Dialect,
  csvFile: string,
  rows: number,
  pgServerUrl: string,
): Promise<Measured> {
  const ddl = await createTableSql(csvFile);
  return dialect === 'sqlite' ? sqliteImport(csvFile, rows, ddl) : pgCopy(csvFile, rows, ddl, pgServerUrl);
}

/** What the baseline measures, for the report. */
export const BASELINE_LABEL: Record<Dialect, string> = {
  sqlite: 'sqlite3 .import',
  postgres: 'psql \\copy',
};

async function sqliteImport(csvFile: string, rows: number, ddl: string): Promise<Measured> {
  const db = path.join(DATA_DIR, 'db', 'baseline.sqlite');
  await mkdir(path.dirname(db), { recursive: true });
  await rm(db, { force: true });
  await rm(`${db}-journal`, { force: true });
  await run('sqlite3', [db, ddl]);
  const m = await measure('sqlite3', [db, `.import --csv --skip 1 ${csvFile} t`]);
  checkCount(await run('sqlite3', [db, 'SELECT count(*) FROM t']), rows, 'sqlite3 .import', m);
  await rm(db, { force: true });
  return m;
}

const PG_BASELINE_DB = 'leadsync_bench_baseline';

async function pgCopy(csvFile: string, rows: number, ddl: string, serverUrl: string): Promise<Measured> {
  const url = `${serverUrl}/${PG_BASELINE_DB}`;
  const exists = await psql(
    `${serverUrl}/postgres`,
    `SELECT 1 FROM pg_database WHERE datname = '${PG_BASELINE_DB}'`,
  );
  if (exists.trim() !== '1') await psql(`${serverUrl}/postgres`, `CREATE DATABASE ${PG_BASELINE_DB}`);
  await psql(url, `DROP TABLE IF EXISTS t; ${ddl}`);
  const m = await measure('psql', [
    url,
    '-X',
    '-q',
    '-v',
    'ON_ERROR_STOP=1',
    '-c',
    `\\copy t FROM '${csvFile}' CSV HEADER`,
  ]);
  checkCount(await psql(url, 'SELECT count(*) FROM t'), rows, 'psql \\copy', m);
  await psql(url, 'DROP TABLE t');
  return m;
}

function checkCount(out: string, rows: number, what: string, m: Measured): void {
  if (m.exitCode !== 0 || Number(out.trim()) !== rows) {
    throw new Error(
      `${what} loaded ${out.trim()} rows of ${rows} (exit ${m.exitCode}): ${m.stderr.slice(0, 500)}`,
    );
  }
}

/** A table of the sheet's own columns (all text), primary key on the first one (Lead ID). */
async function createTableSql(csvFile: string): Promise<string> {
  const fh = await open(csvFile);
  try {
    const { buffer, bytesRead } = await fh.read(Buffer.alloc(4096), 0, 4096, 0);
    const header = buffer.subarray(0, bytesRead).toString('utf8').split('\n')[0] ?? '';
    const columns = header
      .split(',')
      .map((name, i) => `"${name.trim()}" TEXT${i === 0 ? ' PRIMARY KEY' : ''}`);
    return `CREATE TABLE t (${columns.join(', ')})`;
  } finally {
    await fh.close();
  }
}
