import { copyFile, mkdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DATA_DIR } from './data.js';
import { run } from './measure.js';

export type Dialect = 'sqlite' | 'postgres';

/** A database a synced process is pointed at, with DATABASE_URL. */
export interface BenchDb {
  name: string;
  url: string;
}

/**
 * Makes empty databases and copies of a synced one, so every scenario starts from the same
 * state in a fresh process: a file copy for SQLite, `CREATE DATABASE … TEMPLATE` for PostgreSQL.
 */
export interface DbFactory {
  dialect: Dialect;
  empty(name: string): Promise<BenchDb>;
  copyOf(source: BenchDb, name: string): Promise<BenchDb>;
  drop(db: BenchDb): Promise<void>;
  /** External keys of the leads written at or after `sinceIso`; null when the schema can't say. */
  keysWrittenSince(db: BenchDb, sinceIso: string): Promise<string[] | null>;
}

const SQLITE_DIR = path.join(DATA_DIR, 'db');
const SQLITE_SUFFIXES = ['', '-wal', '-shm', '-journal'];
/** Leads whose row was written by a run: `updatedAt` at or after its start (timestamps compared as time, not text). */
const writtenSince = (since: string, asTime: (sql: string) => string): string =>
  `SELECT "externalKey" FROM leads WHERE ${asTime('"updatedAt"')} >= ${asTime(`'${since}'`)}`;

export function sqliteFactory(): DbFactory {
  const file = (name: string): string => path.join(SQLITE_DIR, `${name}.sqlite`);
  const drop = async (db: BenchDb): Promise<void> => {
    await Promise.all(SQLITE_SUFFIXES.map((s) => rm(file(db.name) + s, { force: true })));
  };
  return {
    dialect: 'sqlite',
    async empty(name) {
      await mkdir(SQLITE_DIR, { recursive: true });
      const db = { name, url: `sqlite:${file(name)}` };
      await drop(db);
      return db;
    },
    async copyOf(source, name) {
      const db = await this.empty(name);
      for (const s of SQLITE_SUFFIXES) {
        if (existsSync(file(source.name) + s)) await copyFile(file(source.name) + s, file(name) + s);
      }
      return db;
    },
    drop,
    async keysWrittenSince(db, since) {
      const out = await run('sqlite3', [
        '-readonly',
        file(db.name),
        writtenSince(since, (x) => `julianday(${x})`),
      ]).catch(() => null);
      return out === null ? null : lines(out);
    },
  };
}

/** `serverUrl` without a database name, e.g. `postgres://postgres@127.0.0.1:5432`. */
export function postgresFactory(serverUrl: string): DbFactory {
  const admin = `${serverUrl}/postgres`;
  const drop = async (db: BenchDb): Promise<void> => {
    await psql(admin, `DROP DATABASE IF EXISTS "${db.name}" WITH (FORCE)`);
  };
  return {
    dialect: 'postgres',
    async empty(name) {
      const db = { name, url: `${serverUrl}/${name}` };
      await drop(db);
      await psql(admin, `CREATE DATABASE "${name}"`);
      return db;
    },
    async copyOf(source, name) {
      const db = { name, url: `${serverUrl}/${name}` };
      await drop(db);
      // FILE_COPY (PostgreSQL 15+) copies the files instead of WAL-logging every page: much
      // faster for a 500k-lead database. The synced process has exited, but its backend may
      // linger a moment and block TEMPLATE, hence the retries.
      let strategy = ' STRATEGY FILE_COPY';
      for (let attempt = 1; ; attempt++) {
        try {
          await psql(admin, `CREATE DATABASE "${name}" TEMPLATE "${source.name}"${strategy}`);
          return db;
        } catch (error) {
          const message = String(error);
          if (strategy && /strategy/i.test(message)) strategy = '';
          else if (attempt >= 20 || !message.includes('being accessed')) throw error;
          else await new Promise((r) => setTimeout(r, 250));
        }
      }
    },
    drop,
    async keysWrittenSince(db, since) {
      const out = await psql(
        db.url,
        writtenSince(since, (x) => `${x}::timestamptz`),
      ).catch(() => null);
      return out === null ? null : lines(out);
    },
  };
}

/** Runs SQL (or a psql meta-command) and returns unaligned, tuples-only output. */
export function psql(url: string, command: string): Promise<string> {
  return run('psql', [url, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', command]);
}

const lines = (out: string): string[] => out.split('\n').filter((l) => l.length > 0);
