import type { Kysely } from 'kysely';
import { newId } from '../ids.js';
import type { Database } from './database.js';
import { isUniqueViolation } from './dialect.js';

/** Who a bearer token speaks for: everything (admin) or one customer. */
export type TokenScope = { kind: 'admin' } | { kind: 'customer'; customerId: string };

/** The id of the token generated on first start, so two processes starting at once make one. */
export const GENERATED_ADMIN_TOKEN_ID = 'admin-generated';

/** Stores a token's hash; returns false when a row with `id` already exists (when one is given). */
export async function insertApiToken(
  db: Kysely<Database>,
  input: { tokenHash: string; customerId: string | null; label: string; id?: string },
  now: Date,
): Promise<boolean> {
  try {
    await db
      .insertInto('api_tokens')
      .values({
        id: input.id ?? newId(now.getTime()),
        tokenHash: input.tokenHash,
        customerId: input.customerId,
        label: input.label,
        createdAt: now.toISOString(),
      })
      .execute();
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

export async function findTokenScope(
  db: Kysely<Database>,
  tokenHash: string,
): Promise<TokenScope | undefined> {
  const row = await db
    .selectFrom('api_tokens')
    .select('customerId')
    .where('tokenHash', '=', tokenHash)
    .executeTakeFirst();
  if (!row) return undefined;
  return row.customerId === null ? { kind: 'admin' } : { kind: 'customer', customerId: row.customerId };
}

/** True when some admin token is stored (so none needs generating). */
export async function hasAdminToken(db: Kysely<Database>): Promise<boolean> {
  const row = await db
    .selectFrom('api_tokens')
    .select('id')
    .where('customerId', 'is', null)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export interface ApiTokenRow {
  id: string;
  customerId: string | null;
  /** The customer's name (null for admin tokens, or when the customer is gone). */
  customerName: string | null;
  label: string;
  createdAt: string;
}

/** Every stored token (never its hash), oldest first. */
export async function listApiTokens(db: Kysely<Database>): Promise<ApiTokenRow[]> {
  return db
    .selectFrom('api_tokens')
    .leftJoin('customers', 'customers.id', 'api_tokens.customerId')
    .select([
      'api_tokens.id',
      'api_tokens.customerId',
      'customers.name as customerName',
      'api_tokens.label',
      'api_tokens.createdAt',
    ])
    .orderBy('api_tokens.createdAt')
    .orderBy('api_tokens.id')
    .execute();
}

/** Deletes a token, so it is refused from the next request on; false when there is none with that id. */
export async function deleteApiToken(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db.deleteFrom('api_tokens').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
