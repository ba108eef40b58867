import { expect, it } from 'vitest';
import { describeEachDialect } from '../helpers/databases.js';
import { peopleCsv, useSyncBed } from '../sync/support.js';
import { leadsyncInProcess } from './in-process.js';
import { startLeadsync, type RunningCli } from './support.js';

interface Line {
  op: string;
  lead: { fullName: string };
  changedFields?: string[];
  cursor: string;
}
const linesOf = (stdout: string): Line[] =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Line);

async function untilLines(cli: RunningCli, count: number): Promise<Line[]> {
  for (let i = 0; i < 800; i++) {
    const lines = linesOf(cli.output().stdout);
    if (lines.length >= count) return lines;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`never printed ${count} lines:\n${cli.output().stdout}\n${cli.output().stderr}`);
}

describeEachDialect('leadsync changes', (dialect) => {
  const bed = useSyncBed(dialect);
  const target = () => ({ databaseUrl: bed.url, fake: bed.fake });

  it('prints the feed as NDJSON, and from --since only what came after', async () => {
    const customer = await bed.seeded(peopleCsv(['Ada', 'Bob', 'Cyd']));
    const all = await leadsyncInProcess(['changes', '--customer', customer.name], target());
    expect(all.code).toBe(0);
    const lines = linesOf(all.stdout);
    expect(lines.map((l) => `${l.op} ${l.lead.fullName}`)).toEqual([
      'insert Ada',
      'insert Bob',
      'insert Cyd',
    ]);
    expect(all.stderr).toContain(`next cursor: ${lines[2]!.cursor}`);

    bed.setSheet(customer, peopleCsv(['Ada', 'Bob']).replace('Met Ada', 'Called Ada'));
    await bed.sync(customer);
    const since = await leadsyncInProcess(
      ['changes', '--customer', customer.id, '--since', lines[2]!.cursor],
      target(),
    );
    expect(linesOf(since.stdout).map((l) => [l.op, l.lead.fullName, l.changedFields])).toEqual([
      ['update', 'Ada', ['notes']],
      ['delete', 'Cyd', undefined],
    ]);
  });

  it('keeps printing new changes with --follow until SIGTERM', async () => {
    const customer = await bed.seeded(peopleCsv(['Ada']));
    const cli = startLeadsync(
      ['changes', '--customer', customer.name, '--follow', '--interval', '1'],
      target(),
    );
    expect((await untilLines(cli, 1)).map((l) => l.op)).toEqual(['insert']);
    bed.setSheet(customer, peopleCsv(['Ada', 'Bob']));
    await bed.sync(customer);
    expect((await untilLines(cli, 2)).map((l) => `${l.op} ${l.lead.fullName}`)).toEqual([
      'insert Ada',
      'insert Bob',
    ]);
    cli.kill('SIGTERM');
    const result = await cli.done;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('next cursor:');
  });

  it('refuses a cursor it did not issue', async () => {
    const customer = await bed.seeded(peopleCsv(['Ada']));
    const result = await leadsyncInProcess(
      ['changes', '--customer', customer.name, '--since', 'bogus'],
      target(),
    );
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toContain('VALIDATION_FAILED');
  });
});
