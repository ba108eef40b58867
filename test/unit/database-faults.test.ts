import { describe, expect, it } from 'vitest';
import { databaseFaultOf } from '../../src/database-errors.js';
import { whenReachable } from '../../src/db/when-reachable.js';
import { toLeadsyncError } from '../../src/errors.js';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('database faults', () => {
  it('names the faults of a server that went away', () => {
    for (const error of [
      withCode('57P01', 'terminating connection due to administrator command'),
      withCode('57P03', 'the database system is starting up'),
      withCode('08006'),
      withCode('ECONNREFUSED'),
      new Error('Connection terminated unexpectedly'),
      new Error('Client has encountered a connection error and is not queryable'),
      withCode('55000', 'database "x" is not currently accepting connections'),
      new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]),
    ]) {
      expect(databaseFaultOf(error), String(error)).toBe('DATABASE_UNAVAILABLE');
    }
  });

  it('names a full and a read-only database on both dialects', () => {
    expect(databaseFaultOf(withCode('SQLITE_FULL'))).toBe('DATABASE_FULL');
    expect(databaseFaultOf(withCode('53100'))).toBe('DATABASE_FULL');
    expect(databaseFaultOf(withCode('SQLITE_READONLY'))).toBe('DATABASE_READ_ONLY');
    expect(databaseFaultOf(withCode('SQLITE_READONLY_DBMOVED'))).toBe('DATABASE_READ_ONLY');
    expect(databaseFaultOf(withCode('25006'))).toBe('DATABASE_READ_ONLY');
  });

  it('leaves anything else unknown: INTERNAL, not retried', () => {
    for (const error of [
      new TypeError('x is undefined'),
      withCode('23505'),
      withCode('SQLITE_CONSTRAINT'),
      'text',
    ]) {
      expect(databaseFaultOf(error)).toBeNull();
      expect(toLeadsyncError(error)).toMatchObject({ code: 'INTERNAL', retryable: false });
    }
    expect(toLeadsyncError(withCode('57P01'))).toMatchObject({
      code: 'DATABASE_UNAVAILABLE',
      retryable: true,
    });
    expect(toLeadsyncError(withCode('SQLITE_FULL'))).toMatchObject({
      code: 'DATABASE_FULL',
      retryable: false,
    });
  });
});

describe('whenReachable', () => {
  it('tries again while the database is away, with growing waits, until it answers', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const result = await whenReachable(
      async () => {
        if (++calls < 6) throw withCode('57P01');
        return 'recorded';
      },
      { sleep: async (ms) => void sleeps.push(ms) },
    );
    expect(result).toBe('recorded');
    expect(sleeps).toEqual([250, 500, 1000, 2000, 2000]);
  });

  it('gives up after its budget, and never retries other errors', async () => {
    const sleeps: number[] = [];
    const away = whenReachable(() => Promise.reject(withCode('ECONNREFUSED')), {
      sleep: async (ms) => void sleeps.push(ms),
      budgetMs: 3000,
    });
    await expect(away).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(sleeps).toEqual([250, 500, 1000, 2000]);
    let calls = 0;
    const bug = whenReachable(
      () => {
        calls++;
        return Promise.reject(new TypeError('bug'));
      },
      { sleep: async () => {} },
    );
    await expect(bug).rejects.toThrow('bug');
    expect(calls).toBe(1);
  });
});
