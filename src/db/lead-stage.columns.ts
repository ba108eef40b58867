import type { SheetLead } from '../sheet/types.js';

/** Columns a staged lead carries, in staging order (the merge adds customerId, origin and times). */
export const STAGE_COLUMNS = [
  'id',
  'externalKey',
  'rowHash',
  'data',
  'fullName',
  'firstName',
  'lastName',
  'email',
  'phone',
  'phoneNormalized',
  'company',
  'jobTitle',
  'source',
  'owner',
  'occurredAt',
  'notes',
  'sheetRow',
] as const;

/** One lead's staged values, in STAGE_COLUMNS order; `data` is serialised here, once. */
export function stageValues(lead: SheetLead, id: string): (string | number | null)[] {
  const v = lead.values;
  return [
    id,
    lead.key,
    lead.hash,
    JSON.stringify(lead.data),
    v.fullName,
    v.firstName,
    v.lastName,
    v.email,
    v.phone,
    v.phoneNormalized,
    v.company,
    v.jobTitle,
    v.source,
    v.owner,
    v.occurredAt,
    v.notes,
    lead.sheetRow,
  ];
}
