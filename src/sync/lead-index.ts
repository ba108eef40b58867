import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { indexRowPages } from '../db/leads-sync.repository.js';
import { indexEntry, type LeadIndex } from './diff.js';

/** key → row hash of every sheet-owned lead of the customer (deleted ones marked), read page by page. */
export async function loadLeadIndex(db: Kysely<Database>, customerId: string): Promise<LeadIndex> {
  const index: LeadIndex = new Map();
  for await (const rows of indexRowPages(db, customerId)) {
    for (const row of rows) index.set(row.externalKey, indexEntry(row.rowHash, row.deletedAt !== null));
  }
  return index;
}
