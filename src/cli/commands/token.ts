import { deleteApiToken, listApiTokens } from '../../db/api-tokens.repository.js';
import { LeadsyncError } from '../../errors.js';
import { createAdminToken, createCustomerToken } from '../../service/admin-token.js';
import { withContext } from '../context.js';
import { customerByNameOrId } from '../customer-lookup.js';
import { formatTable, type Io } from '../output.js';

type Env = NodeJS.ProcessEnv;

/**
 * `leadsync token create --customer X` (a token that sees only that customer, by name or id) or
 * `--admin` (sees everything: how a lost admin token is re-issued). Printed once on stdout; only
 * its hash is stored.
 */
export async function tokenCreateCommand(
  options: { customer?: string; admin?: boolean; label?: string; json?: boolean },
  io: Io,
  env?: Env,
): Promise<number> {
  if (Boolean(options.admin) === (options.customer !== undefined))
    throw new LeadsyncError('VALIDATION_FAILED', 'Give either --customer <nameOrId> or --admin');
  return withContext(async ({ handle }) => {
    const now = new Date();
    if (options.admin) {
      const token = await createAdminToken(handle.db, options.label ?? 'admin (leadsync token create)', now);
      if (options.json) io.out(`${JSON.stringify({ token, admin: true })}\n`);
      else {
        io.err('Admin token (sees every customer); it is shown only now:\n');
        io.out(`${token}\n`);
      }
      return 0;
    }
    const customer = await customerByNameOrId(handle.db, options.customer ?? '');
    const token = await createCustomerToken(
      handle.db,
      customer.id,
      options.label ?? `customer ${customer.name}`,
      now,
    );
    if (options.json)
      io.out(`${JSON.stringify({ token, customerId: customer.id, customer: customer.name })}\n`);
    else {
      io.err(`Token for customer "${customer.name}" (${customer.id}); it is shown only now:\n`);
      io.out(`${token}\n`);
    }
    return 0;
  }, env);
}

/** `leadsync token list`: every stored token (id, scope, label, created), never the token itself. */
export async function tokenListCommand(options: { json?: boolean }, io: Io, env?: Env): Promise<number> {
  return withContext(async ({ handle, config }) => {
    const tokens = (await listApiTokens(handle.db)).map((t) => ({
      id: t.id,
      scope: t.customerId === null ? 'admin' : `customer ${t.customerName ?? t.customerId}`,
      customerId: t.customerId,
      label: t.label,
      createdAt: t.createdAt,
    }));
    if (options.json) {
      io.out(`${JSON.stringify({ tokens })}\n`);
      return 0;
    }
    io.out(formatTable(tokens, ['id', 'scope', 'label', 'createdAt'], 48));
    // The environment's admin token is compared in memory, never stored: it cannot be listed or revoked here.
    if (config.service?.adminToken) io.err('Also accepted: LEADSYNC_ADMIN_TOKEN (set in the environment).\n');
    return 0;
  }, env);
}

/** `leadsync token revoke <id>`: the token is refused from then on (a running service's cache: within 30 s). */
export async function tokenRevokeCommand(
  id: string,
  options: { json?: boolean },
  io: Io,
  env?: Env,
): Promise<number> {
  return withContext(async ({ handle }) => {
    if (!(await deleteApiToken(handle.db, id)))
      throw new LeadsyncError('TOKEN_NOT_FOUND', `No token with id ${id} (see leadsync token list)`);
    if (options.json) io.out(`${JSON.stringify({ revoked: id })}\n`);
    else io.err(`Revoked token ${id}; a running service refuses it within 30 s.\n`);
    return 0;
  }, env);
}
