import { stringify } from 'csv-stringify/sync';
import type { Lead } from '../db/leads.repository.js';
import { PUBLIC_LEAD_FIELDS } from '../sheet/lead-fields.js';

/** The export's columns: the Lead JSON fields (sheet/lead-fields.ts for the lead's own), `data` as JSON text. */
export const EXPORT_COLUMNS = [
  'id',
  'externalKey',
  ...PUBLIC_LEAD_FIELDS,
  'sheetRow',
  'firstSeenAt',
  'updatedAt',
  'deletedAt',
  'data',
] as const satisfies readonly (keyof Lead)[];

/**
 * A cell's text: JSON for objects (`data`), and a leading `'` for a cell a spreadsheet would run
 * as a formula (`=`, `+`, `-`, `@`, and tab or carriage return, which some apps strip before
 * looking), which makes it text (OWASP's CSV injection advice). Quoting is csv-stringify's.
 */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text =
    typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : JSON.stringify(value);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/**
 * RFC 4180 with CRLF: a cell is quoted when it holds a comma or a quote (csv-stringify's own
 * rule) or a line break of either kind (quoted_match: csv-stringify alone quotes only the record
 * delimiter, so a lone LF would otherwise end the row for the reader).
 */
const STRINGIFY_OPTIONS = { record_delimiter: '\r\n', quoted_match: /[\r\n]/ } as const;

/** Lines of CSV, each ended by CRLF. */
export function csvLines(rows: readonly (readonly unknown[])[]): string {
  return stringify(
    rows.map((row) => row.map(cellText)),
    STRINGIFY_OPTIONS,
  );
}

export function csvLine(values: readonly unknown[]): string {
  return csvLines([values]);
}

/** One cell as it is written in a line. */
export function csvCell(value: unknown): string {
  return csvLine([value]).slice(0, -2);
}

export function leadCsvLines(leads: readonly Lead[]): string {
  return csvLines(leads.map((lead) => EXPORT_COLUMNS.map((c) => lead[c])));
}
