import { afterAll, beforeAll, expect, it } from 'vitest';
import { setNotifyEmails } from '../../src/db/mail-queue.repository.js';
import { claimDueCustomers } from '../../src/db/scheduler.repository.js';
import { endClaimWithEvents } from '../../src/notify/customer-events.js';
import { LeadsyncError } from '../../src/errors.js';
import { NotifyDispatcher } from '../../src/notify/dispatcher.js';
import { describeEachDialect, useTestDatabase } from '../helpers/databases.js';
import { startSmtpReceiver, type ReceivedMail } from './smtp-receiver.js';
import { fakeSheetCustomer, MINUTE, ManualClock, notifyConfig } from './support.js';

describeEachDialect('notification mail', (dialect) => {
  const t = useTestDatabase(dialect);
  const clock = new ManualClock();
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  let dispatcher: NotifyDispatcher;
  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    const config = notifyConfig({
      SMTP_URL: smtp.url,
      LEADSYNC_MAIL_FROM: 'leadsync@example.com',
      LEADSYNC_NOTIFY_EMAILS: 'ops@example.com',
      LEADSYNC_PUBLIC_URL: 'https://leadsync.example.com/',
    });
    dispatcher = new NotifyDispatcher({ db: t.db, config, clock: clock.read });
    sheetOf = (name) => fakeSheetCustomer(t, config, clock, name);
  });
  afterAll(async () => {
    await dispatcher?.close();
    await smtp?.close();
  });
  let sheetOf: (name: string) => ReturnType<typeof fakeSheetCustomer>;
  const mailsAbout = (name: string): ReceivedMail[] => smtp.mails.filter((m) => m.subject.includes(name));

  it('groups ten failed runs into two mails, not ten, and says what broke and where to look', async () => {
    const sheet = await sheetOf('Acme Corp');
    await sheet.sync();
    sheet.set(new LeadsyncError('SHEET_NOT_PUBLIC', 'Google asked for a sign-in'));
    for (let i = 0; i < 10; i++) {
      clock.advance(MINUTE);
      await sheet.sync();
      await dispatcher.runOnce();
    }
    expect(mailsAbout('Acme Corp')).toHaveLength(1);
    clock.advance(30 * MINUTE);
    await dispatcher.runOnce();
    await dispatcher.runOnce();
    const mails = mailsAbout('Acme Corp');
    expect(mails).toHaveLength(2);
    const [first, second] = mails;
    expect(first!.to).toEqual(['ops@example.com']);
    expect(first!.subject).toMatch(/Acme Corp: syncing fails since .* \(SHEET_NOT_PUBLIC\)/);
    expect(first!.text).toContain('The sheet is not shared');
    expect(first!.text).toContain(`https://leadsync.example.com/#/customers/${sheet.customer.id}`);
    // The second mail carries the 5th and 10th failures together.
    expect(second!.text).toMatch(/5th failure in a row/);
    expect(second!.text).toMatch(/10th failure in a row/);
  });

  it('mails a recovery to the customer’s own recipients', async () => {
    const sheet = await sheetOf('Beta Ltd');
    await setNotifyEmails(t.db, sheet.customer.id, ['sales@beta.example']);
    await sheet.sync();
    sheet.set(new LeadsyncError('SHEET_TIMEOUT'));
    clock.advance(MINUTE);
    await sheet.sync();
    await dispatcher.runOnce();
    sheet.set('Name,Email\nAda,ada@example.com\nBob,bob@example.com\n');
    clock.advance(31 * MINUTE);
    await sheet.sync();
    await dispatcher.runOnce();
    const mails = mailsAbout('Beta Ltd');
    expect(mails).toHaveLength(2);
    expect(mails.map((m) => m.to)).toEqual([['sales@beta.example'], ['sales@beta.example']]);
    expect(mails[1]!.subject).toBe('[leadsync] Beta Ltd: syncing works again');
    expect(mails[1]!.text).toMatch(/works again after 1 failed run/);
  });

  it('mails a held mass delete and an automatic pause', async () => {
    const sheet = await sheetOf('Delta Inc');
    await sheet.sync();
    sheet.set('Name,Email\n');
    clock.advance(MINUTE);
    expect((await sheet.sync()).outcome).toBe('needs_review');
    await dispatcher.runOnce();
    const [held] = mailsAbout('Delta Inc');
    expect(held?.subject).toBe('[leadsync] Delta Inc: a sync would delete 1 lead and waits for approval');
    expect(held?.text).toMatch(/nothing was deleted/);

    clock.advance(31 * MINUTE);
    await claimDueCustomers(t.db, 'w1', { leaseMs: 60_000, limit: 1000, now: clock.read() });
    const reason = 'Paused automatically after 20 failed syncs in a row (last: SHEET_TIMEOUT)';
    const ending = { nextRunAt: clock.read(), requeue: false, autoPauseReason: reason, now: clock.read() };
    await endClaimWithEvents(t.db, sheet.customer.id, 'w1', ending);
    await dispatcher.runOnce();
    const paused = mailsAbout('Delta Inc')[1];
    expect(paused?.subject).toBe('[leadsync] Delta Inc: syncing was paused after repeated failures');
    expect(paused?.text).toContain(reason);
  });

  it('sends nothing for successful runs', async () => {
    const before = smtp.mails.length;
    const sheet = await sheetOf('Gamma');
    await sheet.sync();
    clock.advance(MINUTE);
    await sheet.sync();
    await dispatcher.runOnce();
    expect(smtp.mails).toHaveLength(before);
  });
});
