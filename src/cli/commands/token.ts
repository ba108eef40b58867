import { findCustomerById, findCustomerByName } from '../../db/customers.repository.js';
import { LeadsyncError } from '../../errors.js';
import { isId } from '../../ids.js';
import { createCustomerToken } from '../../service/admin-token.js';
import { withContext } from '../context.js';
import type { Io } from '../output.js';

/**
 * `leadsync token create --customer X`: a bearer token that sees only that customer (by name or
 * id). Printed once on stdout; only its hash is stored.
 */
export async function tokenCreateCommand(
  options: { customer: string; label?: string; json?: boolean },
  io: Io,
): Promise<number> {
  return withContext(async ({ handle }) => {
    const customer = isId(options.customer)
      ? await findCustomerById(handle.db, options.customer)
      : await findCustomerByName(handle.db, options.customer);
    if (!customer)
      throw new LeadsyncError('CUSTOMER_NOT_FOUND', `No customer named or with id "${options.customer}"`);
    const token = await createCustomerToken(
      handle.db,
      customer.id,
      options.label ?? `customer ${customer.name}`,
      new Date(),
    );
    if (options.json)
      io.out(`${JSON.stringify({ token, customerId: customer.id, customer: customer.name })}\n`);
    else {
      io.err(`Token for customer "${customer.name}" (${customer.id}); it is shown only now:\n`);
      io.out(`${token}\n`);
    }
    return 0;
  });
}
