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
 * One CSV cell. A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, and tab or
 * carriage return, which some apps strip before looking) gets a leading `'`, which makes it text
 * (OWASP's CSV injection advice). Quoted when it holds a comma, quote or line break (RFC 4180).
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

export function leadCsvLine(lead: Lead): string {
  return csvLine(EXPORT_COLUMNS.map((c) => lead[c]));
}
