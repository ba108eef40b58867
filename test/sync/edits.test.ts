import { expect, it } from 'vitest';
import { describeEachDialect } from '../helpers/databases.js';
import { byKey, PEOPLE, peopleCsv, useSyncBed } from './support.js';

/** Leads without an id or email column: identity comes from the row's content. */
const CONTACTS = [
  'Name,Company,Phone,Date,Notes',
  'Ann Lee,Acme,+44 20 7946 0001,04/02/2026,first call',
  'Raj Patel,Acme,+44 20 7946 0002,04/02/2026,',
  'Kim Cho,Globex,+44 20 7946 0003,05/02/2026,demo booked',
];

describeEachDialect('edits, inserts and moved rows', (dialect) => {
  const bed = useSyncBed(dialect);

  it('updates exactly the one lead whose row was edited, keeping its id and first sighting', async () => {
    const customer = await bed.seeded(peopleCsv(PEOPLE));
    const before = byKey(await bed.leads(customer));

    bed.setSheet(customer, peopleCsv(PEOPLE).replace('Met Bob', '"Met Bob, wants a demo"'));
    const { run, leadWrites } = await bed.sync(customer);

    expect(run).toMatchObject({ outcome: 'success', rowsInserted: 0, rowsUpdated: 1, rowsUnchanged: 5 });
    expect(leadWrites).toBe(1);
    for (const lead of await bed.leads(customer)) {
      const old = before.get(lead.externalKey);
      if (lead.email !== 'bob@example.com') {
        expect(lead).toEqual(old);
        continue;
      }
      expect(lead).toMatchObject({
        id: old?.id,
        firstSeenAt: old?.firstSeenAt,
        notes: 'Met Bob, wants a demo',
      });
      expect(lead.updatedAt).not.toBe(old?.updatedAt);
    }
  });

  it('inserts a row added at the top; every other lead keeps its id, key and updatedAt', async () => {
    const customer = await bed.seeded(CONTACTS.join('\n'));
    const before = await bed.leads(customer);

    const [header, ...rows] = CONTACTS;
    bed.setSheet(customer, [header, 'Zed Ng,Initech,+44 20 7946 0009,06/02/2026,new', ...rows].join('\n'));
    const { run, leadWrites } = await bed.sync(customer);

    expect(run).toMatchObject({ outcome: 'success', rowsInserted: 1, rowsUpdated: 0, rowsUnchanged: 3 });
    expect(leadWrites).toBe(1);
    const after = await bed.leads(customer);
    expect(after).toHaveLength(4);
    expect(after.filter((l) => l.fullName !== 'Zed Ng')).toEqual(before);
  });

  it('writes nothing when a row only moved', async () => {
    const customer = await bed.seeded(CONTACTS.join('\n'));
    const before = await bed.leads(customer);

    const [header, first, ...rest] = CONTACTS;
    bed.setSheet(customer, [header, ...rest, first].join('\n'));
    const { run, leadWrites } = await bed.sync(customer);

    expect(run).toMatchObject({ outcome: 'unchanged', rowsUpdated: 0, rowsUnchanged: 3 });
    expect(leadWrites).toBe(0);
    expect(await bed.leads(customer)).toEqual(before);
  });

  it('keeps every identity when a header is renamed, and writes nothing when columns are reordered', async () => {
    const customer = await bed.seeded(peopleCsv(PEOPLE));
    const ids = (await bed.leads(customer)).map((l) => [l.externalKey, l.id]);

    bed.setSheet(customer, peopleCsv(PEOPLE, 'Name,E-mail Address,Company,Notes'));
    expect((await bed.sync(customer)).run).toMatchObject({
      outcome: 'success',
      rowsInserted: 0,
      rowsDeleted: 0,
    });
    const renamed = await bed.leads(customer);
    expect(renamed.map((l) => [l.externalKey, l.id])).toEqual(ids);
    expect(renamed.map((l) => JSON.parse(l.data) as unknown)[0]).toEqual({
      Name: 'Ada',
      'E-mail Address': 'ada@example.com',
      Company: 'Acme',
      Notes: 'Met Ada',
    });

    const reordered = [
      'Notes,Company,E-mail Address,Name',
      ...PEOPLE.map((n) => `Met ${n},Acme,${n.toLowerCase()}@example.com,${n}`),
    ];
    bed.setSheet(customer, reordered.join('\n'));
    const { run, leadWrites } = await bed.sync(customer);
    expect(run.outcome).toBe('unchanged');
    expect(leadWrites).toBe(0);
    expect(await bed.leads(customer)).toEqual(renamed);
  });

  it('makes two leads of two people from one company on the same day (no id, no email)', async () => {
    const customer = await bed.customer(
      'Name,Company,Date\nAnn Lee,Acme,04/02/2026\nRaj Patel,Acme,04/02/2026\n',
    );

    expect((await bed.sync(customer)).run).toMatchObject({
      outcome: 'success',
      rowsInserted: 2,
      duplicateKeys: 0,
    });

    const leads = await bed.leads(customer);
    expect(leads.map((l) => l.fullName).sort()).toEqual(['Ann Lee', 'Raj Patel']);
    expect(new Set(leads.map((l) => l.externalKey)).size).toBe(2);
  });

  it('reports duplicate keys on the run and resolves them the same way on every run', async () => {
    const csv = [
      'Lead ID,Name,Email',
      'L-1,Ada,ada@example.com',
      'L-2,Bob,bob@example.com',
      'L-1,Ada again,ada2@example.com',
      'L-2,Bob again,bob2@example.com',
      'L-2,Bob thrice,bob3@example.com',
    ].join('\n');
    const customer = await bed.customer(csv);

    const first = await bed.sync(customer);
    expect(first.run).toMatchObject({ outcome: 'success', rowsInserted: 5, duplicateKeys: 3 });
    expect(first.run.details?.duplicates).toEqual([
      { key: 'id:L-1', rows: [2, 4] },
      { key: 'id:L-2', rows: [3, 5, 6] },
    ]);
    const keys = (await bed.leads(customer)).map((l) => [l.externalKey, l.fullName]);
    expect(keys).toEqual([
      ['id:L-1', 'Ada'],
      ['id:L-1#2', 'Ada again'],
      ['id:L-2', 'Bob'],
      ['id:L-2#2', 'Bob again'],
      ['id:L-2#3', 'Bob thrice'],
    ]);

    const second = await bed.sync(customer);
    expect(second.run).toMatchObject({ outcome: 'unchanged', duplicateKeys: 3 });
    expect(second.run.details?.duplicates).toEqual(first.run.details?.duplicates);
    expect(second.leadWrites).toBe(0);
  });
});
