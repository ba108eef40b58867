import type { Kysely } from 'kysely';
import type { Config } from '../config.js';
import { GENERATED_ADMIN_TOKEN_ID, hasAdminToken, insertApiToken } from '../db/api-tokens.repository.js';
import type { Database } from '../db/database.js';
import { generateToken, hashToken } from '../api/tokens.js';

/**
 * Makes sure an admin can get in. With LEADSYNC_ADMIN_TOKEN set there is nothing to do (it is
 * compared in memory). Otherwise, on the first start against a database, a token is generated,
 * stored hashed, and returned so the caller prints it: the only time it is ever shown. Two
 * processes starting at once insert under one fixed id; only the winner gets (and prints) a token.
 */
export async function ensureAdminToken(
  db: Kysely<Database>,
  config: Readonly<Config>,
  now: Date,
): Promise<string | null> {
  if (config.service?.adminToken) return null;
  if (await hasAdminToken(db)) return null;
  const token = generateToken();
  const created = await insertApiToken(
    db,
    {
      id: GENERATED_ADMIN_TOKEN_ID,
      tokenHash: hashToken(token),
      customerId: null,
      label: 'admin (generated on first start)',
    },
    now,
  );
  return created ? token : null;
}

/** A token that sees only `customerId`; returned in clear once, stored hashed. */
export async function createCustomerToken(
  db: Kysely<Database>,
  customerId: string,
  label: string,
  now: Date,
): Promise<string> {
  const token = generateToken();
  await insertApiToken(db, { tokenHash: hashToken(token), customerId, label }, now);
  return token;
}

/** A new admin token (`leadsync token create --admin`: a lost one re-issued); returned in clear once. */
export async function createAdminToken(db: Kysely<Database>, label: string, now: Date): Promise<string> {
  const token = generateToken();
  await insertApiToken(db, { tokenHash: hashToken(token), customerId: null, label }, now);
  return token;
}
