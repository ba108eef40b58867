import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { expect, it } from 'vitest';
import { decodeFeedCursor, FEED_START, type FeedPosition } from '../../src/db/change-cursor.js';
import { listLeadChanges, type FeedChange } from '../../src/db/change-feed.repository.js';
import type { Database } from '../../src/db/database.js';
import { listLeadHistory } from '../../src/db/lead-history.repository.js';
import { updateLeadCrmFields } from '../../src/db/leads.repository.js';
import { describeEachDialect, type TestDialect } from '../helpers/databases.js';
import { expectOutcome, NOW, peopleCsv, useSyncBed, type TestCustomer } from '../sync/support.js';

const FIVE = ['Ada', 'Bob', 'Cyd', 'Dee', 'Eve'];

/** The five after a week: Bob's and Dee's notes edited, Eve gone. */
const EDITED = peopleCsv(['Ada', 'Bob', 'Cyd', 'Dee'])
  .replace('Met Bob', 'Called Bob')
  .replace('Met Dee', 'Emailed Dee');

/** Every change after `since`, read `limit` at a time as a consumer would. */
async function readAll(
  db: Kysely<Database>,
  customerId: string | undefined,
  since: FeedPosition = FEED_START,
  limit = 1000,
): Promise<{ changes: FeedChange[]; next: FeedPosition }> {
  const changes: FeedChange[] = [];
  let cursor = since;
  for (;;) {
    const page = await listLeadChanges(db, { customerId, since: cursor, limit });
    changes.push(...page.changes);
    cursor = page.next;
    if (!page.hasMore) return { changes, next: cursor };
  }
}

const summary = (changes: FeedChange[]) =>
  changes.map((c) => `${c.op} ${c.lead.fullName}${c.fields ? ` ${Object.keys(c.fields).join(',')}` : ''}`);

/** Makes the database refuse to write the lead with this e-mail, as a full disk would. */
async function refuseWritesOf(db: Kysely<Database>, dialect: TestDialect, email: string) {
  const value = sql.lit(email);
  if (dialect === 'sqlite') {
    await sql`CREATE TRIGGER refuse_lead BEFORE UPDATE ON leads
      WHEN NEW.email = ${value} BEGIN SELECT RAISE(ABORT, 'boom'); END`.execute(db);
    return async () => void (await sql`DROP TRIGGER refuse_lead`.execute(db));
  }
  await sql`CREATE FUNCTION refuse_lead() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.email = ${value} THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$`.execute(db);
  await sql`CREATE TRIGGER refuse_lead BEFORE UPDATE ON leads FOR EACH ROW EXECUTE FUNCTION refuse_lead()`.execute(
    db,
  );
  return async () => {
    await sql`DROP TRIGGER refuse_lead ON leads`.execute(db);
    await sql`DROP FUNCTION refuse_lead()`.execute(db);
  };
}

describeEachDialect('the change feed', (dialect) => {
  const bed = useSyncBed(dialect);
  const seed = async (): Promise<{ customer: TestCustomer; after: FeedPosition }> => {
    const customer = await bed.seeded(peopleCsv(FIVE));
    return { customer, after: (await readAll(bed.db, customer.id)).next };
  };

  it('gives a full sync of 5 rows as 5 inserts, with the run and the leads as they are', async () => {
    const customer = await bed.customer(peopleCsv(FIVE));
    const { run } = await bed.sync(customer);
    expectOutcome(run, 'success');
    const { changes } = await readAll(bed.db, customer.id);
    expect(summary(changes)).toEqual(FIVE.map((name) => `insert ${name}`));
    expect(new Set(changes.map((c) => c.runId))).toEqual(new Set([run.id]));
    expect(changes[0]!.lead).toMatchObject({ customerId: customer.id, notes: 'Met Ada', deletedAt: null });
  });

  it('gives 2 edited rows and 1 removed one as exactly 2 updates (with changedFields) and 1 delete after the previous cursor', async () => {
    const { customer, after } = await seed();
    bed.setSheet(customer, EDITED);
    expectOutcome((await bed.sync(customer)).run, 'success');
    const { changes } = await readAll(bed.db, customer.id, after);
    expect(summary(changes)).toEqual(['update Bob notes', 'update Dee notes', 'delete Eve']);
    expect(changes[2]!.lead.deletedAt).not.toBeNull();
  });

  it('adds nothing for an unchanged sync, byte for byte or with rows only moved', async () => {
    const { customer, after } = await seed();
    expectOutcome((await bed.sync(customer)).run, 'unchanged');
    bed.setSheet(customer, peopleCsv([...FIVE].reverse()));
    expectOutcome((await bed.sync(customer)).run, 'unchanged');
    const page = await listLeadChanges(bed.db, { customerId: customer.id, since: after, limit: 10 });
    expect(page).toEqual({ changes: [], next: after, hasMore: false });
  });

  it('adds nothing for a rolled-back sync, and the next sync takes the very next position', async () => {
    const { customer, after } = await seed();
    bed.setSheet(customer, EDITED);
    const undo = await refuseWritesOf(bed.db, dialect, 'dee@example.com');
    expectOutcome((await bed.sync(customer, { batchSize: 1 })).run, 'failed');
    await undo();
    expect((await readAll(bed.db, undefined, after)).changes).toEqual([]);

    expectOutcome((await bed.sync(customer)).run, 'success');
    const { changes } = await readAll(bed.db, undefined, after);
    expect(summary(changes)).toEqual(['update Bob notes', 'update Dee notes', 'delete Eve']);
    // The failed run gave its position back: no hole between the two batches.
    expect(changes[0]!.place.position).toBe(after.position + 1);
  });

  it('names data as the changed field when only a column that maps to no field changed', async () => {
    const customer = await bed.seeded('Name,Email,Colour\nAda,ada@example.com,red\n');
    const { next } = await readAll(bed.db, customer.id);
    bed.setSheet(customer, 'Name,Email,Colour\nAda,ada@example.com,blue\n');
    await bed.sync(customer);
    const { changes } = await readAll(bed.db, customer.id, next);
    expect(summary(changes)).toEqual(['update Ada data']);
    expect(changes[0]!.fields!.data).toEqual([
      { Name: 'Ada', Email: 'ada@example.com', Colour: 'red' },
      { Name: 'Ada', Email: 'ada@example.com', Colour: 'blue' },
    ]);
  });

  it('records a lead that comes back as a restore', async () => {
    const { customer } = await seed();
    bed.setSheet(customer, peopleCsv(['Ada', 'Bob', 'Cyd', 'Dee']));
    await bed.sync(customer);
    const { next } = await readAll(bed.db, customer.id);
    bed.setSheet(customer, peopleCsv(FIVE).replace('Met Eve', 'Back Eve'));
    await bed.sync(customer);
    const { changes } = await readAll(bed.db, customer.id, next);
    expect(summary(changes)).toEqual(['restore Eve notes']);
    expect(changes[0]!.lead.deletedAt).toBeNull();
  });

  it('reads the same changes one at a time as a thousand at a time, across customers and batches', async () => {
    const { customer } = await seed();
    const other = await bed.seeded(peopleCsv(['Zed', 'Yan']));
    bed.setSheet(customer, EDITED);
    await bed.sync(customer);
    const at = (c: FeedChange) => `${c.place.position}.${c.place.seq}`;
    const everything = (await readAll(bed.db, undefined)).changes.map(at);
    expect((await readAll(bed.db, undefined, FEED_START, 1)).changes.map(at)).toEqual(everything);
    expect((await readAll(bed.db, undefined, FEED_START, 3)).changes.map(at)).toEqual(everything);
    const mine = (await readAll(bed.db, customer.id, FEED_START, 2)).changes;
    expect(mine.map((c) => c.lead.customerId)).not.toContain(other.id);
    expect(mine).toHaveLength(8);
    const sorted = [...everything].sort((a, b) => {
      const [pa, sa] = a.split('.').map(Number);
      const [pb, sb] = b.split('.').map(Number);
      return pa! - pb! || sa! - sb!;
    });
    expect(everything).toEqual(sorted);
  });

  it("keeps an updated lead's history, newest first, with each changed field's old and new value", async () => {
    const { customer } = await seed();
    bed.setSheet(customer, EDITED);
    const { run } = await bed.sync(customer);
    const bob = (await bed.leads(customer)).find((l) => l.fullName === 'Bob')!;
    await updateLeadCrmFields(bed.db, bob.id, { status: 'won', score: 5 }, NOW);
    const history = await listLeadHistory(bed.db, bob.id, { limit: 50 });
    expect(history.map((h) => [h.op, h.fields])).toEqual([
      ['edit', { status: ['new', 'won'], score: [null, 5] }],
      ['update', { notes: ['Met Bob', 'Called Bob'] }],
      ['insert', null],
    ]);
    expect(history[1]!.runId).toBe(run.id);
    expect(history[0]!.runId).toBeNull();
  });

  it("writes a leads.changed event whose cursor range is exactly the run's changes", async () => {
    const { customer, after } = await seed();
    bed.setSheet(customer, EDITED);
    const { run } = await bed.sync(customer);
    const { rows } = await sql<{ payload: string }>`SELECT payload FROM outbox_events
      WHERE type = 'leads.changed' AND "customerId" = ${customer.id} ORDER BY id`.execute(bed.db);
    expect(rows).toHaveLength(2); // the seeding run and this one
    const payload = JSON.parse(rows[1]!.payload) as {
      runId: string;
      counts: Record<string, number>;
      fromCursor: string;
      toCursor: string;
      changes: { op: string; changedFields?: string[]; cursor: string }[];
      changesOmitted: number;
    };
    expect(payload).toMatchObject({
      runId: run.id,
      counts: { insert: 0, update: 2, restore: 0, delete: 1, edit: 0 },
      changesOmitted: 0,
    });
    // Nothing between the previous run's last change and fromCursor; toCursor is the last of the run.
    expect(decodeFeedCursor(payload.fromCursor).position).toBe(after.position + 1);
    const fetched = await readAll(bed.db, customer.id, decodeFeedCursor(payload.fromCursor));
    expect(fetched.next).toEqual(decodeFeedCursor(payload.toCursor));
    expect(payload.changes.map((c) => c.op)).toEqual(fetched.changes.map((c) => c.op));
    expect(payload.changes[0]!.changedFields).toEqual(['notes']);
    expect(payload.changes.at(-1)!.cursor).toBe(payload.toCursor);
  });

  it('inlines the first 100 changes of a large run in leads.changed and counts the rest', async () => {
    const names = Array.from({ length: 130 }, (_, i) => `P${i}`);
    const customer = await bed.customer(peopleCsv(names));
    await bed.sync(customer, { batchSize: 50 });
    const { rows } = await sql<{ payload: string }>`SELECT payload FROM outbox_events
      WHERE type = 'leads.changed' AND "customerId" = ${customer.id}`.execute(bed.db);
    const payload = JSON.parse(rows[0]!.payload) as { changes: unknown[]; changesOmitted: number };
    expect(payload.changes).toHaveLength(100);
    expect(payload.changesOmitted).toBe(30);
  });

  it('never lets a consumer miss a sync that commits after a concurrent CRM edit', async () => {
    const { customer, after } = await seed();
    const ada = (await bed.leads(customer)).find((l) => l.fullName === 'Ada')!;
    bed.setSheet(customer, EDITED);
    // PostgreSQL: hold the sync inside its write transaction (it waits for an advisory lock at its
    // first change) while the edit commits: the order that would open a gap with a sequence.
    const hold = dialect === 'postgres' ? await holdSyncChanges(bed.db) : null;
    const sync = bed.sync(customer);
    await hold?.waiting();
    const edit = updateLeadCrmFields(bed.db, ada.id, { status: 'contacted' }, NOW);
    if (hold) await edit;
    const first = await readAll(bed.db, customer.id, after);
    await hold?.release();
    expectOutcome((await sync).run, 'success');
    await edit;
    const second = await readAll(bed.db, customer.id, first.next);
    const seen = summary([...first.changes, ...second.changes]).sort();
    expect(seen).toEqual(['delete Eve', 'edit Ada status', 'update Bob notes', 'update Dee notes']);
    if (hold) expect(summary(first.changes)).toEqual(['edit Ada status']);
  });
});

/**
 * Makes a sync's first change wait for an advisory lock the test holds, from a connection of its
 * own; `waiting` resolves once a backend waits for it (a condition, not a delay).
 */
async function holdSyncChanges(db: Kysely<Database>) {
  await sql`CREATE FUNCTION hold_changes() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.op <> 'edit' THEN PERFORM pg_advisory_xact_lock_shared(4242); END IF; RETURN NEW; END $$`.execute(
    db,
  );
  await sql`CREATE TRIGGER hold_changes BEFORE INSERT ON lead_changes FOR EACH ROW EXECUTE FUNCTION hold_changes()`.execute(
    db,
  );
  const { rows } = await sql<{ db: string }>`SELECT current_database() AS db`.execute(db);
  const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:5432/${rows[0]!.db}` });
  await client.connect();
  await client.query('SELECT pg_advisory_lock(4242)');
  return {
    async waiting() {
      for (;;) {
        const r = await client.query(
          `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242 AND NOT granted`,
        );
        if ((r.rows[0] as { n: number }).n > 0) return;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    async release() {
      await client.query('SELECT pg_advisory_unlock(4242)');
      await client.end();
      await sql`DROP TRIGGER hold_changes ON lead_changes`.execute(db);
      await sql`DROP FUNCTION hold_changes()`.execute(db);
    },
  };
}
