import type { LeadOrigin, LeadsTable } from './database.js';
import { parseJson } from './repository-helpers.js';

/** A lead as the API and CLI show it: the contract's Lead JSON (with origin and convertedAt). */
export interface Lead {
  id: string;
  customerId: string;
  origin: LeadOrigin;
  externalKey: string;
  fullName: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  company: string | null;
  jobTitle: string | null;
  source: string | null;
  owner: string | null;
  occurredAt: string | null;
  notes: string | null;
  status: string;
  score: number | null;
  convertedAt: string | null;
  data: Record<string, string>;
  sheetRow: number | null;
  firstSeenAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

/** The columns a Lead is read from: all but the sync's bookkeeping (rowHash, phoneNormalized). */
export const LEAD_COLUMNS = [
  'id',
  'customerId',
  'origin',
  'externalKey',
  'fullName',
  'firstName',
  'lastName',
  'email',
  'phone',
  'company',
  'jobTitle',
  'source',
  'owner',
  'occurredAt',
  'notes',
  'status',
  'score',
  'convertedAt',
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
