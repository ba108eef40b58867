import { PUBLIC_LEAD_FIELDS, type LeadFieldValue, type PublicLeadField } from '../sheet/lead-fields.js';
import type { LeadOrigin, LeadsTable } from './database.js';
import { parseJson } from './repository-helpers.js';

/**
 * A lead as the API and CLI show it: the contract's Lead JSON (with origin and convertedAt), its
 * fields those of sheet/lead-fields.ts but the sync's own (phoneNormalized).
 */
export type Lead = {
  id: string;
  customerId: string;
  origin: LeadOrigin;
  externalKey: string;
} & { [K in PublicLeadField]: LeadFieldValue<K> } & {
  data: Record<string, string>;
  sheetRow: number | null;
  firstSeenAt: string;
  updatedAt: string;
  deletedAt: string | null;
};

/** The columns a Lead is read from: all but the sync's bookkeeping (rowHash, phoneNormalized). */
export const LEAD_COLUMNS = [
  'id',
  'customerId',
  'origin',
  'externalKey',
  ...PUBLIC_LEAD_FIELDS,
  'data',
  'sheetRow',
  'firstSeenAt',
  'updatedAt',
  'deletedAt',
] as const satisfies readonly (keyof LeadsTable)[];

type LeadColumns = Omit<Lead, 'data'> & { data: string };

export function toLead(row: LeadColumns): Lead {
  return { ...row, data: parseJson<Record<string, string>>(row.data) ?? {} };
}
