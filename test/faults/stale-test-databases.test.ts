import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_POSTGRES_URL, createTestDatabase, describeEachDialect } from '../helpers/databases.js';
import {
  HOST_TAG,
  dropStalePostgresDatabases,
  isStale,
  removeStaleSqliteDirs,
} from '../helpers/stale-databases.js';

/** The pid of a process that has just exited: a test run killed a moment ago. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

const anHourAgo = () => Math.floor(Date.now() / 1000) - 3600;

describe('which test databases are stale', () => {
  it('is the ones of this host whose process is gone, never a live one, and others after a day', () => {
    const now = 1_000_000;
    const alive = (pid: number) => pid === 42;
    expect(isStale(HOST_TAG, 7, now - 60, { now, isAlive: alive })).toBe(true);
    expect(isStale(HOST_TAG, 42, now - 10 * 86_400, { now, isAlive: alive })).toBe(false);
    expect(isStale(HOST_TAG, 7, now - 2, { now, isAlive: alive })).toBe(false);
    expect(isStale('abcdef', 7, now - 3600, { now, isAlive: alive })).toBe(HOST_TAG === 'abcdef');
    expect(isStale('abcdef', 7, now - 2 * 86_400, { now, isAlive: alive })).toBe(true);
  });
});

describeEachDialect('test databases a killed run left behind', (dialect) => {
  if (dialect === 'sqlite') {
    const root = join(tmpdir(), `leadsync-stale-test-${process.pid}`);
    afterAll(() => rm(root, { recursive: true, force: true }));

    it('are removed at the next run, and live ones (this worker, a concurrent one) are kept', async () => {
      await mkdir(root, { recursive: true });
      const dead = `leadsync-t-${HOST_TAG}-${deadPid()}-${anHourAgo()}-Ab12Cd`;
      const live = `leadsync-t-${HOST_TAG}-${process.pid}-${anHourAgo()}-Ef34Gh`;
      const concurrent = `leadsync-t-${HOST_TAG}-${process.ppid}-${anHourAgo()}-Ij56Kl`;
      for (const name of [dead, live, concurrent]) await mkdir(join(root, name));

      expect(await removeStaleSqliteDirs(root)).toEqual([dead]);
      expect((await readdir(root)).sort()).toEqual([concurrent, live].sort());
    });

    it('names the folders of this process so', async () => {
      const t = await createTestDatabase('sqlite', { migrate: false });
      try {
        expect(t.url).toMatch(new RegExp(`leadsync-t-${HOST_TAG}-${process.pid}-\\d+-`));
        await removeStaleSqliteDirs();
        expect(existsSync(t.url.slice('sqlite:'.length))).toBe(true);
      } finally {
        await t.drop();
      }
    });
    return;
  }

  const admin = async (text: string) => {
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await client.connect();
    try {
      return (await client.query<{ datname: string }>(text)).rows;
    } finally {
      await client.end();
    }
  };
  const dead = `leadsync_t_${HOST_TAG}_${deadPid()}_${anHourAgo()}_aa11bb`;
  afterAll(() => admin(`DROP DATABASE IF EXISTS "${dead}"`));

  it('are dropped at the next run, and live ones (this worker, a concurrent one) are kept', async () => {
    await admin(`CREATE DATABASE "${dead}"`);
    // Made now by this process: as live as a concurrent vitest worker's.
    const live = await createTestDatabase('postgres', { migrate: false });
    try {
      const dropped = await dropStalePostgresDatabases(TEST_POSTGRES_URL);
      expect(dropped).toContain(dead);
      expect(dropped.filter((name) => name.includes(`_${process.pid}_`))).toEqual([]);
      const left = (await admin(`SELECT datname FROM pg_database`)).map((r) => r.datname);
      expect(left).not.toContain(dead);
      expect(left).toContain(new URL(live.url).pathname.slice(1));
    } finally {
      await live.drop();
    }
  });
});
