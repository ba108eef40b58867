import type { Config } from '../config.js';
import type { Customer } from '../db/customers.repository.js';
import { createSource } from '../sources/create-source.js';
import { parseSheetLink } from '../sources/sheet-link.js';
import type { SheetSource } from '../sources/types.js';

/** The source a stored customer syncs from (local files only for customers the CLI made). */
export function sourceForCustomer(customer: Customer, config: Readonly<Config>): SheetSource {
  const link = parseSheetLink(customer.sheetUrl, { allowFiles: customer.sourceKind === 'file' });
  return createSource(link, config);
}
