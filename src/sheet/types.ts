import type { LeadField, LeadFieldValue, SheetOwnedField } from './lead-fields.js';

/** How a sheet's ambiguous dates (`03/04/2026`) are read: day first or month first. */
export type DateOrder = 'DMY' | 'MDY';

/** The lead fields leadsync maps from a sheet's columns (by header name, never by position). */
export { LEAD_FIELDS, type LeadField } from './lead-fields.js';

/** Per-customer choices that change how rows become leads. */
export interface MappingOptions {
  /** Header of the column that identifies a lead; null = automatic (ID column, then email, then content). */
  keyColumn: string | null;
  /** How to read `04/02/2026`: DMY (4 February, the default) or MDY. */
  dateOrder: DateOrder;
  /** Header name to use for a field instead of the alias table, e.g. `{ email: 'Contact' }`. */
  fieldOverrides: Partial<Record<LeadField, string>>;
}

export interface SheetHeader {
  /** 0-based index of the header among the sheet's CSV records. */
  index: number;
  /** 1-based row number in the sheet (what a person sees in Google Sheets). */
  sheetRow: number;
  /** Column names: trimmed, blanks named `Column N`, duplicates suffixed ` (2)`; unique. */
  names: string[];
}

/** How a lead's identity is chosen, in order of preference. */
export type IdentitySource = 'key_column' | 'id_column' | 'email' | 'content';

export interface SheetMapping {
  header: SheetHeader;
  /** Column index (into header.names) of each mapped field. */
  fields: Partial<Record<LeadField, number>>;
  identity: IdentitySource;
  /** Column index used for identity (key_column, id_column, email); null for content. */
  identityColumn: number | null;
  /** How day/month dates are read (from MappingOptions), needed by the row builder. */
  dateOrder: DateOrder;
  /** Changes whenever the mapping or options change, so row hashes change with them. */
  fingerprint: string;
}

/** Typed values of one lead, normalised: every sheet-owned field of lead-fields.ts. */
export type LeadValues = { [K in SheetOwnedField]: LeadFieldValue<K> };

/** One lead as read from the sheet. */
export interface SheetLead {
  /** Stable identity within the customer (never the row position). */
  key: string;
  /**
   * The identity before de-duplication: equal to `key` unless an earlier row of the sheet had
   * it, when `key` is `identity#2`, `#3`, … by sheet order (the sync then matches such rows to
   * stored leads by content first, src/sync/repeat-matching.ts).
   */
  identity: string;
  /** 1-based sheet row it came from (informational). */
  sheetRow: number;
  /** Hash of the row's content and the mapping fingerprint; not of its position. */
  hash: string;
  /** Every column, header name → trimmed value (empty cells included as ''). */
  data: Record<string, string>;
  values: LeadValues;
}
