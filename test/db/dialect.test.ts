import { describe, expect, it } from 'vitest';
import {
  DIALECT_TRAITS,
  containsIgnoringCase,
  escapeLike,
  isForeignKeyViolation,
  isUniqueViolation,
} from '../../src/db/dialect.js';
import { createCustomer } from '../../src/db/customers.repository.js';
import { insertRun } from '../../src/db/sync-runs.repository.js';
import { describeEachDialect, useTestDatabase } from '../helpers/databases.js';

describe('escapeLike', () => {
  it('escapes the LIKE wildcards and the escape character itself, nothing else', () => {
    expect(escapeLike('100%_off\\now')).toBe('100\\%\\_off\\\\now');
    expect(escapeLike('plain text, é 😀')).toBe('plain text, é 😀');
  });
});

describe('dialect traits', () => {
  it('know how many bind parameters a statement may carry', () => {
    expect(DIALECT_TRAITS.sqlite.maxBindParameters).toBe(32766);
    expect(DIALECT_TRAITS.postgres.maxBindParameters).toBe(65535);
  });

  it('know that only PostgreSQL has SKIP LOCKED', () => {
    expect(DIALECT_TRAITS.postgres.supportsSkipLocked).toBe(true);
    expect(DIALECT_TRAITS.sqlite.supportsSkipLocked).toBe(false);
  });
});

const EXPECTED_SEARCH_SQL = {
  sqlite: `select "id" from "leads" where "email" like ? escape '\\'`,
  postgres: `select "id" from "leads" where "email" ilike $1 escape '\\'`,
};

describeEachDialect('dialect SQL', (dialect) => {
  const t = useTestDatabase(dialect);

  it('searches case-insensitively with an explicit escape character', () => {
    const query = t.db
      .selectFrom('leads')
      .select('id')
      .where(containsIgnoringCase(dialect, 'email', '50%_off'))
      .compile();
    expect(query.sql).toBe(EXPECTED_SEARCH_SQL[dialect]);
    expect(query.parameters).toEqual(['%50\\%\\_off%']);
  });

  it('recognises unique and foreign key violations from the driver', async () => {
    const customer = { name: `Dialect ${dialect}`, sheetUrl: 'x.csv', sourceKind: 'file' as const };
    await createCustomer(t.db, customer, new Date());
    const taken = await createCustomer(t.db, customer, new Date()).catch((e: unknown) => e);
    const duplicate = (taken as { cause?: unknown }).cause;
    expect(isUniqueViolation(duplicate)).toBe(true);
    expect(isForeignKeyViolation(duplicate)).toBe(false);
    const orphan = await insertRun(t.db, {
      customerId: 'nobody',
      trigger: 'manual',
      startedAt: new Date(),
    }).catch((e: unknown) => e);
    expect(isForeignKeyViolation(orphan)).toBe(true);
    expect(isUniqueViolation(orphan)).toBe(false);
  });
});
