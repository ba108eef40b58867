import type { Kysely } from 'kysely';
import { findCustomerById, findCustomerByName, type Customer } from '../db/customers.repository.js';
import type { Database } from '../db/database.js';
import { LeadsyncError } from '../errors.js';
import { isId } from '../ids.js';

/** A customer by id or by name, as every CLI command accepts it; CUSTOMER_NOT_FOUND otherwise. */
export async function customerByNameOrId(db: Kysely<Database>, nameOrId: string): Promise<Customer> {
  const customer =
    (isId(nameOrId) ? await findCustomerById(db, nameOrId) : undefined) ??
    (await findCustomerByName(db, nameOrId));
  if (!customer) throw new LeadsyncError('CUSTOMER_NOT_FOUND', `No customer named or with id "${nameOrId}"`);
  return customer;
}
