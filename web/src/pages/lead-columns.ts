import type { Lead } from '../../client/index.js';
import { MAPPED_COLUMNS } from './lead-row.js';

export type MappedColumn = (typeof MAPPED_COLUMNS)[number];

/** Statuses offered for every customer; the ones its leads already use are added to them. */
const COMMON_STATUSES = ['new', 'contacted', 'qualified', 'won', 'lost'];

/** The mapped columns with a value on this page (Name always): empty ones are left out by default. */
export function filledColumns(leads: Lead[]): MappedColumn[] {
  return MAPPED_COLUMNS.filter(
    (c) => c === 'fullName' || leads.some((l) => l[c] !== null && String(l[c]).trim() !== ''),
  );
}

/**
 * The sheet's own columns worth showing beside the mapped fields: a column whose every cell on
 * the page is already shown as a mapped field (the Name, Email and Phone columns themselves) is
 * left out, so "Show sheet columns" adds only what the table does not show yet.
 */
export function extraSheetColumns(leads: Lead[]): string[] {
  const names = [...new Set(leads.flatMap((l) => Object.keys(l.data)))];
  return names.filter((name) =>
    leads.some((lead) => {
      const cell = lead.data[name]?.trim() ?? '';
      if (cell === '') return false;
      return !MAPPED_COLUMNS.some((c) => (lead[c] ?? '') === cell);
    }),
  );
}

/** The statuses to suggest: the common ones, then the others the page's leads use. */
export function statusOptions(leads: Lead[]): string[] {
  return [...new Set([...COMMON_STATUSES, ...leads.map((l) => l.status).filter((s) => s.trim() !== '')])];
}
