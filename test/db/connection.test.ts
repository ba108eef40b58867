import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nativeOf } from '../../src/db/native.js';
import { openDatabase } from '../../src/db/connection.js';
import { dialectOf } from '../../src/db/dialect.js';
import { createTestDatabase, describeEachDialect, useTestDatabase } from '../helpers/databases.js';

describe('openDatabase', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'leadsync-conn-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    'mysql://root@localhost/db',
    '',
    'sqlite:',
    'sqlite://data/leads.db',
    'file:./x.db',
    'postgres:x',
  ])('rejects %j with CONFIG_INVALID', async (url) => {
    await expect(openDatabase(url)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('does not echo a password in the CONFIG_INVALID message', async () => {
    await expect(openDatabase('mysql://root:hunter2@localhost/db')).rejects.toThrow(/^(?!.*hunter2)/);
  });

  it('opens sqlite:PATH relative to the working directory, creating missing folders', async () => {
    const file = join(dir, 'nested', 'deeper', 'leadsync.db');
    const handle = await openDatabase(`sqlite:${relative(process.cwd(), file)}`);
    await handle.close();
    expect((await stat(file)).isFile()).toBe(true);
  });

  it('opens sqlite:///absolute/path', async () => {
    const file = join(dir, 'absolute.db');
    const handle = await openDatabase(`sqlite://${file}`);
    await handle.close();
    expect((await stat(file)).isFile()).toBe(true);
  });

  it('opens a migrated in-memory database with sqlite::memory:', async () => {
    const handle = await openDatabase('sqlite::memory:');
    try {
      expect(handle.dialect).toBe('sqlite');
      expect(await handle.db.selectFrom('customers').selectAll().execute()).toEqual([]);
    } finally {
      await handle.close();
    }
  });

  it('sets the SQLite pragmas for a shared file: WAL, NORMAL sync, foreign keys, no blocking busy wait, temp files', async () => {
    const handle = await openDatabase(`sqlite:${join(dir, 'pragmas.db')}`, { migrate: false });
    const pragma = async (name: string) =>
      Object.values(
        (await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(handle.db)).rows[0] ?? {},
      )[0];
    try {
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('synchronous')).toBe(1); // NORMAL
      expect(await pragma('foreign_keys')).toBe(1);
      // Plain reads run on the reader connection, which may wait briefly in WAL recovery; the
      // writer never sleeps in SQLite's busy handler (the driver waits on a timer instead).
      expect(await pragma('busy_timeout')).toBe(1000);
      expect(await pragma('query_only')).toBe(1);
      const native = nativeOf(handle.db);
      if (native.dialect !== 'sqlite') throw new Error('expected SQLite');
      expect(native.writer.pragma('busy_timeout', { simple: true })).toBe(0);
      expect(native.writer.pragma('query_only', { simple: true })).toBe(0);
      expect(await pragma('temp_store')).toBe(1); // FILE
      expect(await pragma('journal_size_limit')).toBe(64 * 1024 * 1024);
    } finally {
      await handle.close();
    }
  });
});

describe('SQLite checkpoints', () => {
  it('runs them in the checkpointer thread after a commit, not in the committing connection', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'leadsync-ckpt-'));
    const handle = await openDatabase(`sqlite:${join(dir, 'ckpt.db')}`);
    try {
      const native = nativeOf(handle.db);
      if (native.dialect !== 'sqlite') throw new Error('expected SQLite');
      expect(native.writer.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
      await handle.db.transaction().execute(async (trx) => {
        await sql`create table filler (x text)`.execute(trx);
        for (let i = 0; i < 200; i++) await sql`insert into filler values (${'x'.repeat(4000)})`.execute(trx);
      });
      // The rows are in the WAL; only a checkpoint copies them into the database file itself.
      const file = join(dir, 'ckpt.db');
      let size = 0;
      for (let i = 0; i < 200 && size < 800_000; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        size = (await stat(file)).size;
      }
      expect(size).toBeGreaterThanOrEqual(800_000);
    } finally {
      await handle.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describeEachDialect('a database handle', (dialect) => {
  it('is migrated on open unless migrate is false', async () => {
    const bare = await createTestDatabase(dialect, { migrate: false });
    try {
      expect(await bare.db.introspection.getTables()).toEqual([]);
      const migrated = await openDatabase(bare.url);
      expect((await migrated.db.introspection.getTables()).map((t) => t.name)).toContain('customers');
      await migrated.close();
    } finally {
      await bare.drop();
    }
  });

  it('can be closed twice', async () => {
    const t = await createTestDatabase(dialect);
    await t.handle.close();
    await expect(t.handle.close()).resolves.toBeUndefined();
    await t.drop();
  });

  const t = useTestDatabase(dialect);

  it('reports its dialect, also from inside a transaction', async () => {
    expect(t.handle.dialect).toBe(dialect);
    expect(dialectOf(t.db)).toBe(dialect);
    expect(await t.db.transaction().execute(async (trx) => dialectOf(trx))).toBe(dialect);
  });
});

describeEachDialect(
  'values read from PostgreSQL',
  (dialect) => {
    const t = useTestDatabase(dialect);

    it('read like SQLite: ISO timestamps, JSON text, numbers for int8 and numeric, 0/1 for booleans', async () => {
      const { rows } = await sql<Record<string, unknown>>`select
      '2026-11-29 16:56:54.123+05:30'::timestamptz as tz,
      '2026-11-29 16:56:54.123'::timestamp as ts,
      '0099-01-01 00:00:00+00'::timestamptz as "ancient",
      'infinity'::timestamptz as "forever",
      '{"b": 1, "a": "é 😀"}'::jsonb as jb,
      '[1, "x"]'::json as j,
      9007199254740991::int8 as big,
      count(*) as n,
      avg(x) as mean,
      true as yes,
      false as no
      from (values (1), (2)) v(x)`.execute(t.db);
      expect(rows[0]).toEqual({
        tz: '2026-11-29T11:26:54.123Z',
        ts: '2026-11-29T16:56:54.123Z',
        ancient: '0099-01-01T00:00:00.000Z',
        forever: 'infinity',
        jb: '{"a": "é 😀", "b": 1}',
        j: '[1, "x"]',
        big: 9007199254740991,
        n: 2,
        mean: 1.5,
        yes: 1,
        no: 0,
      });
    });

    it("leave pg's global type parsers alone", () => {
      expect(pg.types.getTypeParser(20)('42')).toBe('42');
      expect(pg.types.getTypeParser(1184)('2026-01-01 00:00:00+00')).toBeInstanceOf(Date);
    });

    it('run in UTC, so SQL date arithmetic does not depend on the server', async () => {
      const { rows } = await sql<{ TimeZone: string }>`show timezone`.execute(t.db);
      expect(rows[0]?.TimeZone).toBe('UTC');
    });
  },
  ['postgres'],
);
