import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { describeEachDialect } from '../helpers/databases.js';
import { PEOPLE, peopleCsv, useSyncBed } from './support.js';

const fixture = (name: string) => readFile(new URL(`../fixtures/sync/${name}`, import.meta.url), 'utf8');

describeEachDialect('first sync and unchanged re-sync', (dialect) => {
  const bed = useSyncBed(dialect);

  it('inserts every row of a first sync, then re-syncs an unchanged sheet without writing a lead', async () => {
    const customer = await bed.customer(peopleCsv(PEOPLE));

    const first = await bed.sync(customer);
    expect(first.run).toMatchObject({
      outcome: 'success',
      rowsProcessed: 6,
      rowsInserted: 6,
      rowsUpdated: 0,
    });
    expect(first.leadWrites).toBe(6);
    const before = await bed.leads(customer);
    expect(before.map((l) => l.email)).toEqual(PEOPLE.map((n) => `${n.toLowerCase()}@example.com`));

    const second = await bed.sync(customer);
    expect(second.run).toMatchObject({
      outcome: 'unchanged',
      rowsProcessed: 6,
      rowsInserted: 0,
      rowsUpdated: 0,
      rowsDeleted: 0,
      rowsUnchanged: 6,
      checksum: first.run.checksum,
      error: null,
    });
    expect(second.leadWrites).toBe(0);
    expect(await bed.leads(customer)).toEqual(before);
  });

  it('finds the header below title, summary and blank rows and records which row it was', async () => {
    const customer = await bed.customer(await fixture('acme-week12.csv'));

    const { run } = await bed.sync(customer);

    expect(run).toMatchObject({ outcome: 'success', headerRow: 4, rowsProcessed: 107, rowsInserted: 107 });
    const leads = await bed.leads(customer);
    expect(leads).toHaveLength(107);
    expect(leads.find((l) => l.email === 'lead1@acme.example')).toMatchObject({
      fullName: 'Liam Patel',
      company: 'ACME Ltd',
      source: 'Referral',
      sheetRow: 5,
    });
    expect(leads.some((l) => /Leads for ACME|Total/.test(l.data))).toBe(false);
  });

  it('reads CRLF and LF records mixed in one sheet, and a change of line endings alone writes nothing', async () => {
    const mixed =
      'Name,Email,Notes\r\nAda,ada@example.com,"two\r\nlines"\nBob,bob@example.com,plain\r\nCyd,cyd@example.com,x';
    const customer = await bed.customer(mixed);

    expect((await bed.sync(customer)).run).toMatchObject({ outcome: 'success', rowsInserted: 3 });
    const leads = await bed.leads(customer);
    expect(leads.map((l) => [l.fullName, l.notes])).toEqual([
      ['Ada', 'two\r\nlines'],
      ['Bob', 'plain'],
      ['Cyd', 'x'],
    ]);

    bed.setSheet(
      customer,
      'Name,Email,Notes\nAda,ada@example.com,"two\r\nlines"\nBob,bob@example.com,plain\nCyd,cyd@example.com,x\n',
    );
    const again = await bed.sync(customer);
    expect(again.run.outcome).toBe('unchanged');
    expect(again.leadWrites).toBe(0);
  });

  it('keeps notes with commas, quotes and newlines and non-ASCII names exactly, in data and in the columns', async () => {
    const customer = await bed.customer(await fixture('tricky-notes.csv'));

    expect((await bed.sync(customer)).run).toMatchObject({ outcome: 'success', rowsInserted: 4 });

    const byEmail = new Map((await bed.leads(customer)).map((l) => [l.email, l]));
    const wang = byEmail.get('wang.fang@example.com');
    expect(wang?.fullName).toBe('王 芳');
    expect(wang?.company).toBe('北京数据科技有限公司');
    expect(wang?.notes).toBe('Line one\nLine two, with a comma\n"quoted" line three');
    expect(JSON.parse(wang?.data ?? '{}')).toEqual({
      Name: '王 芳',
      Email: 'wang.fang@example.com',
      Company: '北京数据科技有限公司',
      Notes: 'Line one\nLine two, with a comma\n"quoted" line three',
    });
    expect(byEmail.get('jose@example.com')).toMatchObject({
      fullName: 'José García',
      company: 'Globex, Inc.',
      notes: 'Asked for pricing, send deck',
    });
    expect(byEmail.get('zoe@example.com')).toMatchObject({
      fullName: 'Zoë Ångström',
      company: 'Lumen "Labs"',
      notes: 'She said "call me Monday", then hung up',
    });
  });

  it('keeps a row whose note says "w/c 16th" as a lead', async () => {
    const customer = await bed.customer(await fixture('tricky-notes.csv'));

    await bed.sync(customer);

    const siobhan = (await bed.leads(customer)).find((l) => l.email === 'siobhan@example.com');
    expect(siobhan).toMatchObject({ fullName: "Siobhán O'Brien", notes: 'w/c 16th', deletedAt: null });
  });

  it('reads 04/02/2026 as 4 February by default and as 2 April for a month-first customer', async () => {
    const csv = 'Name,Email,Date\nAda,ada@example.com,04/02/2026\nBob,bob@example.com,31/12/2025\n';
    const uk = await bed.customer(csv);
    const us = await bed.customer(csv.replace('31/12/2025', '12/31/2025'), { dateOrder: 'MDY' });

    await bed.sync(uk);
    await bed.sync(us);

    expect((await bed.leads(uk)).map((l) => l.occurredAt)).toEqual(['2026-02-04', '2025-12-31']);
    expect((await bed.leads(us)).map((l) => l.occurredAt)).toEqual(['2026-04-02', '2025-12-31']);
  });
});
