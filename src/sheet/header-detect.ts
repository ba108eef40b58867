import { LeadsyncError } from '../errors.js';
import { KNOWN_HEADER_KEYS } from './field-aliases.js';
import { headerKey } from './header-key.js';
import type { MappingOptions, SheetHeader } from './types.js';

export { headerKey } from './header-key.js';

/** Rows below a candidate that are compared with it (their median width is "typical"). */
const ROWS_BELOW = 10;

/**
 * Finds the header among the first records of a sheet (the caller passes up to ~30), by content
 * rather than position: real sheets carry title and summary rows above the header
 * ("Leads for ACME — week 12", "Total: 107", blank rows), and taking the first row as the header
 * is how the system we replace once synced 0 of 107 leads.
 *
 * When some row matches at least two known header names (aliases, the configured key column or
 * overrides), each row is scored: 4 per matching cell, + 2 × its width relative to the widest
 * row, + the share of its cells that look like labels (short text, not a number, email, date,
 * phone or link), + 2 × how far it reaches the typical width of the rows below it; the best
 * row wins, the earliest on a tie. Otherwise (`a,b,c` headers) the header is the first row whose
 * non-empty width reaches the typical width of the rows below it.
 * Throws HEADER_NOT_FOUND when every record is blank.
 */
export function detectHeader(
  records: string[][],
  options: Partial<Pick<MappingOptions, 'keyColumn' | 'fieldOverrides'>> = {},
): SheetHeader {
  const widths = records.map((record) => record.filter((cell) => cell.trim() !== '').length);
  const candidates = widths.flatMap((width, index) => (width > 0 ? [index] : []));
  if (candidates.length === 0) {
    throw new LeadsyncError('HEADER_NOT_FOUND', `The first ${records.length} rows of the sheet are blank`);
  }
  const known = new Set(KNOWN_HEADER_KEYS);
  for (const name of [options.keyColumn, ...Object.values(options.fieldOverrides ?? {})]) {
    if (name) known.add(headerKey(name));
  }
  const widest = Math.max(...widths);
  const typicalBelow = (index: number): number => {
    const below = candidates.filter((c) => c > index).slice(0, ROWS_BELOW);
    return below.length === 0 ? (widths[index] ?? 0) : median(below.map((c) => widths[c] ?? 0));
  };
  const aliasHits = (index: number): number =>
    (records[index] ?? []).filter((cell) => known.has(headerKey(cell)) && headerKey(cell) !== '').length;

  let chosen = candidates.find((index) => (widths[index] ?? 0) >= typicalBelow(index)) ?? candidates[0]!;
  if (Math.max(...candidates.map(aliasHits)) >= Math.min(2, widest)) {
    let best = -Infinity;
    for (const index of candidates) {
      const record = records[index] ?? [];
      const width = widths[index] ?? 0;
      const labels = record.filter(looksLikeLabel).length;
      const score =
        4 * aliasHits(index) +
        (2 * width) / widest +
        labels / width +
        2 * Math.min(1, width / Math.max(1, typicalBelow(index)));
      if (score > best) {
        best = score;
        chosen = index;
      }
    }
  }
  return { index: chosen, sheetRow: chosen + 1, names: headerNames(records[chosen] ?? []) };
}

/**
 * Column names as the rest of leadsync sees them: trimmed; a blank header is `Column N` (its
 * 1-based position); a repeated header (compared with headerKey) becomes `Email (2)`, `Email (3)`.
 */
export function headerNames(cells: string[]): string[] {
  const seen = new Set<string>();
  // Headers made only of punctuation have an empty key; they are compared by their text.
  const identity = (name: string): string => headerKey(name) || `=${name}`;
  return cells.map((cell, index) => {
    const base = cell.trim() || `Column ${index + 1}`;
    let name = base;
    for (let n = 2; seen.has(identity(name)); n++) name = `${base} (${n})`;
    seen.add(identity(name));
    return name;
  });
}

/** Short text that is not a value: a number, email, date, phone number or link. */
function looksLikeLabel(cell: string): boolean {
  const text = cell.trim();
  if (text === '' || text.length > 40 || !/\p{L}/u.test(text)) return false;
  if (text.includes('@') || /^(https?:\/\/|www\.)/i.test(text)) return false;
  if (/^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\b/.test(text)) return false;
  return (text.match(/\d/g)?.length ?? 0) < 5;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
}
