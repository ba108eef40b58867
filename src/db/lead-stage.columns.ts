import { SHEET_OWNED_FIELDS } from '../sheet/lead-fields.js';
import type { SheetLead } from '../sheet/types.js';

/**
 * Columns a staged lead carries, in staging order (the merge adds customerId, origin and times):
 * the sheet-owned fields of sheet/lead-fields.ts between the key columns and the row number.
 */
export const STAGE_COLUMNS = [
  'id',
  'externalKey',
  'rowHash',
  'data',
  ...SHEET_OWNED_FIELDS,
  'sheetRow',
] as const;

/** One lead's staged values, in STAGE_COLUMNS order; `data` is serialised here, once. */
export function stageValues(lead: SheetLead, id: string): (string | number | null)[] {
  const values: (string | number | null)[] = [id, lead.key, lead.hash, JSON.stringify(lead.data)];
  for (const field of SHEET_OWNED_FIELDS) values.push(lead.values[field]);
  values.push(lead.sheetRow);
  return values;
}
