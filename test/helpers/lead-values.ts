import {
  CRM_FIELDS,
  fieldRecord,
  PUBLIC_LEAD_FIELDS,
  SHEET_OWNED_FIELDS,
} from '../../src/sheet/lead-fields.js';
import type { LeadValues } from '../../src/sheet/types.js';

/** A row's values with every field empty: fixtures spread it and set what they test. */
export const emptyValues = (): LeadValues => fieldRecord(SHEET_OWNED_FIELDS, () => null);

/** A Lead's field properties as a new lead has them (all empty, status `new`). */
export const newLeadFields = () => ({
  ...fieldRecord(
    PUBLIC_LEAD_FIELDS.filter((f) => !(CRM_FIELDS as readonly string[]).includes(f)),
    () => null,
  ),
  ...fieldRecord(CRM_FIELDS, () => null),
  status: 'new',
});
