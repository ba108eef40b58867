/**
 * The lead's fields: one entry each, the one place a field is declared. The Kysely table type
 * (db/database.ts), the sync's staged columns and upsert update list (db/lead-stage.*), the
 * header aliases (field-aliases.ts), the API's Lead schema (api/schemas.ts), the CSV export's
 * columns (api/csv-export.ts) and the dashboard's columns (web/src/pages/lead-row.tsx, checked
 * by type) are derived from it; test/unit/lead-fields.test.ts checks that they agree.
 * A field's name is its database column, its API property and its CSV header (the seed's names).
 * Adding a field: one entry here plus a migration adding its column (docs/ARCHITECTURE.md).
 */

export interface LeadFieldSpec {
  /** text and date are stored as text; integer as an integer; timestamp as ISO-8601 text. */
  type: 'text' | 'date' | 'integer' | 'timestamp';
  /**
   * `sheet`: every sync writes it from the sheet (it is in the upsert's update list); `crm`: set
   * in the CRM (PATCH /api/leads/:id), never written by a sync.
   */
  owner: 'sheet' | 'crm';
  /** Column header and dashboard heading. */
  label: string;
  /**
   * Header names that mean the field, most specific first (field-aliases.ts explains the
   * matching). Empty: not read from a column of its own.
   */
  aliases: readonly string[];
  /** A column of the dashboard's leads table. */
  dashboard: boolean;
  /** The sync's own value: not in the API's Lead JSON nor the export. */
  internal?: true;
  /** Never null: the database fills in this default. */
  default?: string;
}

export const LEAD_FIELD_TABLE = {
  fullName: {
    type: 'text',
    owner: 'sheet',
    label: 'Name',
    aliases: [
      'Name',
      'Full Name',
      'Contact Name',
      'Lead Name',
      'Customer Name',
      'Client Name',
      'Prospect Name',
    ],
    dashboard: true,
  },
  firstName: {
    type: 'text',
    owner: 'sheet',
    label: 'First name',
    aliases: ['First Name', 'Forename', 'Given Name', 'First'],
    dashboard: false,
  },
  lastName: {
    type: 'text',
    owner: 'sheet',
    label: 'Last name',
    aliases: ['Last Name', 'Surname', 'Family Name', 'Last'],
    dashboard: false,
  },
  email: {
    type: 'text',
    owner: 'sheet',
    label: 'Email',
    aliases: [
      'Email',
      'Email Address',
      'Work Email',
      'Contact Email',
      'Business Email',
      'Mail',
      // Free-text contact columns come last: the row builder takes the first address found in them.
      'Contact Info',
      'Contact Information',
      'Contact Details',
      'Contact',
    ],
    dashboard: true,
  },
  phone: {
    type: 'text',
    owner: 'sheet',
    label: 'Phone',
    aliases: [
      'Phone',
      'Phone Number',
      'Mobile',
      'Mobile Number',
      'Cell',
      'Cell Phone',
      'Tel',
      'Telephone',
      'Contact Number',
      'Work Phone',
    ],
    dashboard: true,
  },
  /** Digits with a leading + when the sheet gave one, from `phone`: for search and matching, not shown. */
  phoneNormalized: {
    type: 'text',
    owner: 'sheet',
    label: 'Phone (digits)',
    aliases: [],
    dashboard: false,
    internal: true,
  },
  company: {
    type: 'text',
    owner: 'sheet',
    label: 'Company',
    aliases: [
      'Company',
      'Company Name',
      'Account',
      'Account Name',
      'Organisation',
      'Organization',
      'Business',
      'Business Name',
      'Employer',
    ],
    dashboard: true,
  },
  jobTitle: {
    type: 'text',
    owner: 'sheet',
    label: 'Job title',
    aliases: ['Job Title', 'Title', 'Role', 'Position', 'Job Role', 'Designation'],
    dashboard: true,
  },
  source: {
    type: 'text',
    owner: 'sheet',
    label: 'Source',
    aliases: ['Channel of Lead', 'Lead Source', 'Source', 'Channel', 'Campaign', 'UTM Source'],
    dashboard: true,
  },
  owner: {
    type: 'text',
    owner: 'sheet',
    label: 'Owner',
    aliases: ['Owner', 'Lead Owner', 'Assigned To', 'Rep', 'Sales Rep', 'Team Member', 'Agent'],
    dashboard: true,
  },
  /** `YYYY-MM-DD` for a date-only cell, ISO-8601 UTC when the cell had a time. */
  occurredAt: {
    type: 'date',
    owner: 'sheet',
    label: 'Date',
    aliases: [
      'Date',
      'Created',
      'Created At',
      'Created Date',
      'Date Created',
      'Date Added',
      'Timestamp',
      'Submitted',
      'Submitted At',
      'Lead Date',
    ],
    dashboard: true,
  },
  notes: {
    type: 'text',
    owner: 'sheet',
    label: 'Notes',
    aliases: ['Notes', 'Note', 'Comments', 'Comment', 'Remarks', 'Message'],
    dashboard: false,
  },
  /** Defaults to `new`. */
  status: {
    type: 'text',
    owner: 'crm',
    label: 'Status',
    aliases: [],
    dashboard: false,
    default: 'new',
  },
  score: {
    type: 'integer',
    owner: 'crm',
    label: 'Score',
    aliases: [],
    dashboard: false,
  },
  convertedAt: {
    type: 'timestamp',
    owner: 'crm',
    label: 'Converted at',
    aliases: [],
    dashboard: false,
  },
} as const satisfies Record<string, LeadFieldSpec>;

type Table = typeof LEAD_FIELD_TABLE;
export type LeadFieldName = keyof Table;
type FieldsWhere<Cond> = { [K in LeadFieldName]: Table[K] extends Cond ? K : never }[LeadFieldName];

/** Fields mapped from a sheet column (they have aliases): what a mapping and overrides name. */
export type LeadField = Exclude<FieldsWhere<{ owner: 'sheet' }>, FieldsWhere<{ aliases: readonly [] }>>;
/** Fields every sync writes. */
export type SheetOwnedField = FieldsWhere<{ owner: 'sheet' }>;
/** Fields the CRM owns. */
export type CrmField = FieldsWhere<{ owner: 'crm' }>;
/** Fields of the API's Lead JSON and the export. */
export type PublicLeadField = Exclude<LeadFieldName, FieldsWhere<{ internal: true }>>;
/** Fields the dashboard shows as columns. */
export type DashboardField = FieldsWhere<{ dashboard: true }>;
/** A field's label, as a type (the dashboard's headings are checked against it). */
export type LeadFieldLabel<K extends LeadFieldName> = Table[K]['label'];

/** A field's value, as read: text, date and timestamp as strings; null when empty (unless defaulted). */
export type LeadFieldValue<K extends LeadFieldName> = Table[K] extends { default: string }
  ? string
  : Table[K]['type'] extends 'integer'
    ? number | null
    : string | null;

const names = Object.keys(LEAD_FIELD_TABLE) as LeadFieldName[];
const where = <K extends LeadFieldName>(test: (spec: LeadFieldSpec) => boolean) =>
  names.filter((name) => test(LEAD_FIELD_TABLE[name])) as K[];

/** In table order, as every list of fields is. */
export const LEAD_FIELDS: readonly LeadField[] = where<LeadField>(
  (f) => f.owner === 'sheet' && f.aliases.length > 0,
);
export const SHEET_OWNED_FIELDS: readonly SheetOwnedField[] = where<SheetOwnedField>(
  (f) => f.owner === 'sheet',
);
export const CRM_FIELDS: readonly CrmField[] = where<CrmField>((f) => f.owner === 'crm');
export const PUBLIC_LEAD_FIELDS: readonly PublicLeadField[] = where<PublicLeadField>((f) => !f.internal);
export const DASHBOARD_FIELDS: readonly DashboardField[] = where<DashboardField>((f) => f.dashboard);

/** `{ [field]: value(field) }` for the given fields, in their order. */
export function fieldRecord<K extends LeadFieldName, V>(
  fields: readonly K[],
  value: (field: K) => V,
): Record<K, V> {
  const record = {} as Record<K, V>;
  for (const field of fields) record[field] = value(field);
  return record;
}
