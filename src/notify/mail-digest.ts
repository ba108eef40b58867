import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import {
  claimPendingMail,
  customersWithPendingMail,
  finishMail,
  lastMailedAt,
  mailTargetOf,
} from '../db/mail-queue.repository.js';
import { composeMail } from './mail-message.js';
import type { MailTransport } from './mailer.js';

export interface MailDeps {
  db: Kysely<Database>;
  transport: MailTransport;
  clock: () => Date;
  owner: string;
  from: string;
  defaultRecipients: readonly string[];
  quietMinutes: number;
  publicUrl: string;
  log: (message: string) => void;
}

/** How long a claimed mail stays claimed: an SMTP send that takes longer is retried. */
const MAIL_LEASE_MS = 5 * 60 * 1000;

/**
 * Sends one grouped mail to each customer whose events wait and whose last mail is older than
 * the quiet period. Returns how many mails went out. A failed send is retried after MAIL_LEASE_MS.
 */
export async function sendDueMails(deps: MailDeps): Promise<number> {
  let sent = 0;
  const now = deps.clock();
  for (const customerId of await customersWithPendingMail(deps.db, now)) {
    const last = await lastMailedAt(deps.db, customerId);
    if (last !== null && now.getTime() - Date.parse(last) < deps.quietMinutes * 60_000) continue;
    const events = await claimPendingMail(deps.db, customerId, deps.owner, { leaseMs: MAIL_LEASE_MS, now });
    if (events.length === 0) continue;
    const ids = events.map((e) => e.id);
    const target = await mailTargetOf(deps.db, customerId);
    const to = target?.notifyEmails ?? deps.defaultRecipients;
    if (!target || to.length === 0) {
      await finishMail(deps.db, ids, 'skipped', now);
      continue;
    }
    const content = composeMail({ id: customerId, name: target.name }, events, deps.publicUrl);
    try {
      await deps.transport.send({ from: deps.from, to, ...content });
      await finishMail(deps.db, ids, 'sent', now);
      sent++;
    } catch (error) {
      // The events stay claimed: when the claim expires (MAIL_LEASE_MS) the mail is tried again,
      // which paces retries against a broken SMTP server instead of trying every poll.
      deps.log(`mail about ${customerId} failed: ${(error as Error).message}`);
    }
  }
  return sent;
}
