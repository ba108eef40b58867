import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../helpers/databases.js';
import { leadsCsv, sheetId, startHarness, type Harness } from './harness.js';

// The trigger limit (CONTRACT: per customer, 429 with Retry-After) through the API itself:
// @fastify/rate-limit counts, the routes decide the key and the error.
describeEachDialect('API rate limits', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(dialect, {
      LEADSYNC_TRIGGER_RATE_PER_MINUTE: '3',
      LEADSYNC_VALIDATE_RATE_PER_MINUTE: '2',
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  const customer = async (name: string, n: number) => {
    h.google.setSheet(sheetId(n), [{ gid: '0', title: 'Leads', csv: leadsCsv(1) }]);
    const link = `https://docs.google.com/spreadsheets/d/${sheetId(n)}/edit#gid=0`;
    return (await h.call('POST', '/api/customers', { name, sheetUrl: link })).json<{ id: string }>().id;
  };
  const trigger = (id: string) => h.call('POST', `/api/leads/sync/trigger?customerId=${id}`);

  it('allows a customer its per-minute triggers, then answers 429 RATE_LIMITED with Retry-After', async () => {
    const id = await customer('Limited', 900);
    for (let i = 0; i < 3; i++) expect((await trigger(id)).statusCode).toBe(202);
    const limited = await trigger(id);
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toEqual({
      error: { code: 'RATE_LIMITED', message: 'At most 3 triggers and pushes per minute per customer' },
    });
    const seconds = Number(limited.headers['retry-after']);
    expect(Number.isInteger(seconds) && seconds >= 1 && seconds <= 60).toBe(true);
  });

  it('counts concurrent triggers one by one: of 10 at once, exactly the limit get through', async () => {
    // The plugin's own store hands every caller one shared counter, read after an await: all
    // 10 would read 10 and be refused. Ours answers each call with its own count.
    const id = await customer('Concurrent', 904);
    const codes = (await Promise.all(Array.from({ length: 10 }, () => trigger(id)))).map((r) => r.statusCode);
    expect(codes.filter((c) => c === 202)).toHaveLength(3);
    expect(codes.filter((c) => c === 429)).toHaveLength(7);
  });

  it('keeps customers apart: one at its limit does not limit another', async () => {
    const busy = await customer('Busy', 901);
    const calm = await customer('Calm', 902);
    for (let i = 0; i < 4; i++) await trigger(busy);
    expect((await trigger(busy)).statusCode).toBe(429);
    expect((await trigger(calm)).statusCode).toBe(202);
  });

  it('limits sheet validations per token owner', async () => {
    const validate = () =>
      h.call('POST', '/api/customers/validate-sheet', {
        sheetUrl: `https://docs.google.com/spreadsheets/d/${sheetId(903)}/edit#gid=0`,
      });
    h.google.setSheet(sheetId(903), [{ gid: '0', title: 'Leads', csv: leadsCsv(1) }]);
    expect((await validate()).statusCode).toBe(200);
    expect((await validate()).statusCode).toBe(200);
    const limited = await validate();
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
  });
});
