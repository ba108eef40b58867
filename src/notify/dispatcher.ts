import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { notifyConfigOf, type Config } from '../config.js';
import type { Database } from '../db/database.js';
import { fanOut } from './fan-out.js';
import { sendDueMails } from './mail-digest.js';
import { createSmtpTransport, type MailTransport } from './mailer.js';
import { deliverDue } from './webhook-delivery.js';
import { createSecretBox, type SecretBox } from '../db/secret-box.js';
import { createWebhookSender, type WebhookSend } from './webhook-sender.js';

export interface DispatcherOptions {
  db: Kysely<Database>;
  config: Readonly<Config>;
  /** Default `() => new Date()`. */
  clock?: () => Date;
  /** Jitter source in [0, 1). Default Math.random. */
  random?: () => number;
  /** The HTTP edge. Default a guarded POST (createWebhookSender). */
  send?: WebhookSend;
  /** The mail edge. Default SMTP when SMTP_URL is set; null turns mail off. */
  mail?: MailTransport | null;
  /** Claim name. Default `<host>:<pid>:<random>`. */
  owner?: string;
  log?: (message: string) => void;
}

/** Claims on outbox events outlive a crashed dispatcher by this much. */
const FAN_OUT_LEASE_MS = 60_000;

/**
 * Delivers the outbox, at least once: fans new events out to webhook deliveries and the mail
 * queue, sends due deliveries (with retries), and sends grouped mails. Several may run at once
 * (one per worker process); their claims never overlap. `runOnce` does one pass, so tests
 * drive it with their own clock; `start` repeats it every LEADSYNC_NOTIFY_POLL_MS.
 */
export class NotifyDispatcher {
  readonly owner: string;
  private readonly clock: () => Date;
  private readonly send: WebhookSend;
  private readonly mail: MailTransport | null;
  private readonly log: (message: string) => void;
  private readonly secrets: SecretBox;
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: DispatcherOptions) {
    const n = notifyConfigOf(options.config);
    this.clock = options.clock ?? (() => new Date());
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.send =
      options.send ??
      createWebhookSender({
        allowHosts: options.config.allowHosts,
        timeoutMs: n.webhookTimeoutMs,
        clock: this.clock,
      });
    this.mail = options.mail !== undefined ? options.mail : n.smtpUrl ? createSmtpTransport(n.smtpUrl) : null;
    this.log = options.log ?? (() => {});
    this.secrets = createSecretBox(n.secretKeyHex);
  }

  /** One pass; returns what it did. */
  async runOnce(): Promise<{ dispatched: number; attempted: number; mailed: number }> {
    const { db, config } = this.options;
    const n = notifyConfigOf(config);
    const clock = this.clock;
    const dispatched = await fanOut({
      db,
      clock,
      owner: this.owner,
      leaseMs: FAN_OUT_LEASE_MS,
      mailEveryNthFailure: this.mail ? n.mailEveryNthFailure : null,
    });
    const attempted = await deliverDue({
      db,
      clock,
      send: this.send,
      random: this.options.random ?? Math.random,
      retry: { baseMs: n.webhookRetryBaseMs, maxMs: n.webhookRetryMaxMs },
      leaseMs: n.webhookTimeoutMs * 2 + 5_000,
      secrets: this.secrets,
    });
    const mailed = this.mail
      ? await sendDueMails({
          db,
          clock,
          transport: this.mail,
          owner: this.owner,
          from: n.mailFrom,
          defaultRecipients: n.defaultRecipients,
          quietMinutes: n.mailQuietMinutes,
          publicUrl: n.publicUrl,
          log: this.log,
        })
      : 0;
    return { dispatched, attempted, mailed };
  }

  start(): void {
    if (this.timer) return;
    const tick = () => {
      this.pass = this.runOnce()
        .catch((error: unknown) => this.log(`notifications: ${(error as Error).message}`))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, notifyConfigOf(this.options.config).pollMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  /** Stops after the pass in progress. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.pass;
    this.mail?.close();
  }
}
