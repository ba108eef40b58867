import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { findTokenScope } from '../../src/db/api-tokens.repository.js';
import { hashToken } from '../../src/api/tokens.js';
import { describeEachDialect } from '../helpers/databases.js';
import { PEOPLE, peopleCsv, useSyncBed } from '../sync/support.js';
import { leadsyncInProcess } from './in-process.js';
import { jsonOf, sheetLink } from './support.js';

/** Issue 16, finding 8: customers list/show/remove, token create --admin/list/revoke, a failure's duration. */
describeEachDialect('leadsync customers and token', (dialect) => {
  const bed = useSyncBed(dialect);
  const cli = (...args: string[]) => leadsyncInProcess(args, { databaseUrl: bed.url, fake: bed.fake });

  it('lists customers with their status and lead count, shows one, and removes one only with --yes', async () => {
    const kept = await bed.customer(peopleCsv(PEOPLE));
    await bed.sync(kept);
    const failing = await bed.customer(peopleCsv(PEOPLE), { sheet: { private: true } });
    await bed.sync(failing);

    const list = await cli('customers', 'list');
    expect(list.code).toBe(0);
    const [header, , ...lines] = list.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^name\s+id\s+status\s+leads\s+lastSyncAt\s+nextRunAt\s+lastError$/);
    const line = (name: string) => lines.find((l) => l.startsWith(name)) ?? '';
    // The bed's clock is fixed in the past, so both read as due (queued) by the wall clock.
    expect(line(kept.name)).toMatch(new RegExp(`${kept.id}\\s+\\w+\\s+6\\s`));
    expect(line(failing.name)).toMatch(/\s0\s.*SHEET_NOT_PUBLIC$/);

    const shown = await cli('customers', 'show', kept.name);
    expect(shown.stdout).toContain(`${kept.name} (${kept.id})`);
    expect(shown.stdout).toMatch(/leads:\s+6\n/);
    expect(shown.stdout).toMatch(/\n-+\s.*\n\S+\s+manual\s+success\s/);
    const asJson = jsonOf<{ customer: { id: string }; leads: number }>(
      await cli('customers', 'show', kept.id, '--json'),
    );
    expect(asJson).toMatchObject({ customer: { id: kept.id }, leads: 6 });

    const asked = await cli('customers', 'remove', failing.name);
    expect(asked.code).toBe(2);
    expect(asked.stderr).toMatch(/with its 0 leads .*Run again with --yes/);
    expect((await cli('customers', 'list', '--json')).stdout).toContain(failing.id);

    const removed = await cli('customers', 'remove', failing.id, '--yes');
    expect(removed).toMatchObject({
      code: 0,
      stderr: `Removed "${failing.name}" (${failing.id}) and its 0 leads.\n`,
    });
    const after = jsonOf<{ customers: { customerId: string }[] }>(await cli('customers', 'list', '--json'));
    expect(after.customers.map((c) => c.customerId)).toEqual([kept.id]);
    const gone = await cli('customers', 'show', failing.id);
    expect(gone).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error CUSTOMER_NOT_FOUND/) });
  });

  it('re-issues an admin token, lists tokens without their secrets, and revokes one', async () => {
    const customer = await bed.customer(peopleCsv(PEOPLE));
    const admin = await cli('token', 'create', '--admin', '--label', 'lost the first one');
    expect(admin.code).toBe(0);
    const token = admin.stdout.trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(await findTokenScope(bed.db, hashToken(token))).toEqual({ kind: 'admin' });
    const scoped = jsonOf<{ token: string }>(
      await cli('token', 'create', '--customer', customer.name, '--json'),
    );

    const listed = jsonOf<{ tokens: { id: string; scope: string; label: string }[] }>(
      await cli('token', 'list', '--json'),
    );
    const adminRow = listed.tokens.find((t) => t.label === 'lost the first one');
    expect(adminRow?.scope).toBe('admin');
    expect(listed.tokens.find((t) => t.scope === `customer ${customer.name}`)).toBeTruthy();
    const table = await cli('token', 'list');
    expect(table.stdout).not.toContain(token);
    expect(table.stdout).not.toContain(scoped.token);

    expect(await cli('token', 'revoke', adminRow?.id ?? '')).toMatchObject({ code: 0 });
    expect(await findTokenScope(bed.db, hashToken(token))).toBeUndefined();
    const again = await cli('token', 'revoke', adminRow?.id ?? '');
    expect(again).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error TOKEN_NOT_FOUND/) });
    const both = await cli('token', 'create', '--admin', '--customer', customer.name);
    expect(both).toMatchObject({ code: 2, stderr: expect.stringMatching(/either --customer .* or --admin/) });
  });

  it('says how long a failed sync took, not 0.00 s, and lists the runs with formatted figures', async () => {
    const sheetId = `1CliFail${randomBytes(16).toString('hex')}`;
    bed.fake.setSheet(sheetId, [{ gid: '0', title: 'Leads', csv: peopleCsv(PEOPLE) }]);
    bed.fake.fault(sheetId, { status: 503 });
    const env = { LEADSYNC_FETCH_RETRIES: '2', LEADSYNC_RETRY_BASE_MS: '50', LEADSYNC_RETRY_MAX_MS: '50' };
    const name = `Failing ${sheetId}`;
    const failed = await leadsyncInProcess(['sync', sheetLink(sheetId), '--customer', name], {
      databaseUrl: bed.url,
      fake: bed.fake,
      env,
    });
    expect(failed.code).toBe(1);
    // The summary says the run's own duration (two retries of up to 50 ms), never 0.00 s.
    const took = /: failed after ([\d.]+) s, /.exec(failed.stdout);
    const run = await bed.db
      .selectFrom('lead_sync_runs')
      .innerJoin('customers', 'customers.id', 'lead_sync_runs.customerId')
      .select('lead_sync_runs.durationMs')
      .where('customers.name', '=', name)
      .executeTakeFirstOrThrow();
    expect(run.durationMs).toBeGreaterThan(0);
    expect(Number(took?.[1])).toBeGreaterThan(0);
    expect(Math.abs(Number(took?.[1]) * 1000 - Number(run.durationMs))).toBeLessThanOrEqual(100);
    expect(failed.stdout).toMatch(/2 retries/);

    const runs = await cli('runs', '--customer', name);
    const [header, , first] = runs.stdout.trimEnd().split('\n');
    expect(header).toMatch(/\sduration\s+rowsProcessed\s.*\swarnings\s+error$/);
    expect(first).toMatch(/\sfailed\s+\S+\s+\d+\.\d s\s+0\s/);
  });
});
