import { fieldRecord, LEAD_FIELD_TABLE, LEAD_FIELDS, type LeadField } from './lead-fields.js';
import { headerKey } from './header-key.js';

/**
 * Header names that mean each lead field (declared in lead-fields.ts), most specific first: when a sheet has two columns that
 * could be a field, the alias earlier in its list wins, then the column further left. Compared
 * with headerKey, so `E-mail`, `e_mail` and `EMAIL` need no entries of their own.
 * An alias belongs to one field only (a test checks it).
 */
export const FIELD_ALIASES: Readonly<Record<LeadField, readonly string[]>> = fieldRecord(
  LEAD_FIELDS,
  (field) => LEAD_FIELD_TABLE[field].aliases,
);

/** Columns that identify a lead when no key column is configured, most specific first. */
export const ID_ALIASES: readonly string[] = [
  'Lead ID',
  'External ID',
  'ID',
  'Record ID',
  'Row ID',
  'Reference',
  'Lead Reference',
  'Ref',
];

/** headerKey of every alias (fields and ids): header detection counts the cells that match one. */
export const KNOWN_HEADER_KEYS: ReadonlySet<string> = new Set(
  [...Object.values(FIELD_ALIASES).flat(), ...ID_ALIASES].map(headerKey),
);
