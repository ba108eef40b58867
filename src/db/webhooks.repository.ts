import type { Kysely, Updateable } from 'kysely';
import { newId } from '../ids.js';
import type { SecretBox } from './secret-box.js';
import type { Database } from './database.js';
import { type WebhookRow, type WebhooksTable } from './notify.tables.js';

/** A webhook as the API shows it: never with its secret (that is shown once, on create and rotate). */
export interface Webhook {
  id: string;
  url: string;
  events: string[];
  customerId: string | null;
  enabled: boolean;
  disabledReason: string | null;
  failingSince: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface WebhookWithSecret extends Webhook {
  secret: string;
}

export interface NewWebhook {
  url: string;
  events: string[];
  customerId: string | null;
  enabled: boolean;
  secret: string;
}

export type WebhookPatch = Partial<Omit<NewWebhook, 'secret'>>;

/** `secrets` seals the secret before it is stored (encrypted at rest when a key is configured). */
export async function createWebhook(
  db: Kysely<Database>,
  input: NewWebhook,
  now: Date,
  secrets: SecretBox,
): Promise<WebhookWithSecret> {
  const at = now.toISOString();
  const id = newId(now.getTime());
  const row: WebhookRow = {
    id,
    url: input.url,
    events: JSON.stringify(input.events),
    customerId: input.customerId,
    enabled: input.enabled ? 1 : 0,
    secret: secrets.seal(input.secret, id),
    disabledReason: null,
    failingSince: null,
    createdAt: at,
    updatedAt: at,
  };
  await db.insertInto('webhooks').values(row).execute();
  return { ...toWebhook(row), secret: input.secret };
}

export async function findWebhook(
  db: Kysely<Database>,
  id: string,
  secrets: SecretBox,
): Promise<WebhookWithSecret | undefined> {
  const row = await db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
  return row && withSecret(row, secrets);
}

/** Every webhook in creation order (a handful per installation, so no paging). */
export async function listWebhooks(db: Kysely<Database>): Promise<Webhook[]> {
  return (await db.selectFrom('webhooks').selectAll().orderBy('id').execute()).map(toWebhook);
}

/** The enabled webhooks, for fanning out events (deliveries read their secret when they send). */
export async function listEnabledWebhooks(db: Kysely<Database>): Promise<Webhook[]> {
  const rows = await db.selectFrom('webhooks').selectAll().where('enabled', '=', 1).execute();
  return rows.map(toWebhook);
}

/** Changes the given fields. Enabling clears the reason and the failure streak of an earlier disable. */
export async function updateWebhook(
  db: Kysely<Database>,
  id: string,
  patch: WebhookPatch & { secret?: string },
  now: Date,
  secrets: SecretBox,
): Promise<WebhookWithSecret | undefined> {
  const set: Updateable<WebhooksTable> = { updatedAt: now.toISOString() };
  if (patch.url !== undefined) set.url = patch.url;
  if (patch.events !== undefined) set.events = JSON.stringify(patch.events);
  if (patch.customerId !== undefined) set.customerId = patch.customerId;
  if (patch.secret !== undefined) set.secret = secrets.seal(patch.secret, id);
  if (patch.enabled !== undefined) {
    set.enabled = patch.enabled ? 1 : 0;
    if (patch.enabled) Object.assign(set, { disabledReason: null, failingSince: null });
  }
  const row = await db
    .updateTable('webhooks')
    .set(set)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row && withSecret(row, secrets);
}

export async function deleteWebhook(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** After a failed delivery: starts the failure streak, or disables the webhook when it began before `disableBefore`. */
export async function recordWebhookFailure(
  db: Kysely<Database>,
  id: string,
  now: Date,
  disableBefore: Date,
  reason: string,
): Promise<{ disabled: boolean }> {
  const at = now.toISOString();
  await db
    .updateTable('webhooks')
    .set({ failingSince: at })
    .where('id', '=', id)
    .where('failingSince', 'is', null)
    .execute();
  const result = await db
    .updateTable('webhooks')
    .set({ enabled: 0, disabledReason: reason, updatedAt: at })
    .where('id', '=', id)
    .where('enabled', '=', 1)
    .where('failingSince', '<=', disableBefore.toISOString())
    .executeTakeFirst();
  return { disabled: result.numUpdatedRows > 0n };
}

/** After a delivered event: the webhook works again. */
export async function recordWebhookSuccess(db: Kysely<Database>, id: string): Promise<void> {
  await db.updateTable('webhooks').set({ failingSince: null }).where('id', '=', id).execute();
}

function withSecret(row: WebhookRow, secrets: SecretBox): WebhookWithSecret {
  return { ...toWebhook(row), secret: secrets.open(row.secret, row.id) };
}

function toWebhook(row: WebhookRow): Webhook {
  return {
    id: row.id,
    url: row.url,
    events: JSON.parse(row.events) as string[],
    customerId: row.customerId,
    enabled: row.enabled === 1,
    disabledReason: row.disabledReason,
    failingSince: row.failingSince,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
