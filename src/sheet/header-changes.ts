import { boundNames } from './bounded-names.js';
import { headerKey } from './header-key.js';

/** What `sheet.headers_changed` carries: bounded lists (see bounded-names.ts) and how many each left out. */
export interface HeaderChanges {
  added: string[];
  removed: string[];
  headers: string[];
  addedOmitted: number;
  removedOmitted: number;
  headersOmitted: number;
}

/**
 * Columns added and removed between the last successful sync's headers and this one's, matched
 * the way headers are matched everywhere (case, spaces and punctuation ignored), so `E-mail` →
 * `Email` is no change. Null when nothing changed or there is no earlier list to compare with
 * (a first sync). A rename shows as one removed and one added column. Each list keeps at most
 * 100 names of at most 200 characters, with a count of the rest: the names come from sheet cells.
 */
export function headerChanges(
  previous: readonly string[] | null,
  current: readonly string[] | null,
): HeaderChanges | null {
  if (previous === null || current === null || previous.length === 0) return null;
  const before = new Set(previous.map(headerKey));
  const after = new Set(current.map(headerKey));
  const added = current.filter((h) => !before.has(headerKey(h)));
  const removed = previous.filter((h) => !after.has(headerKey(h)));
  if (added.length === 0 && removed.length === 0) return null;
  const a = boundNames(added);
  const r = boundNames(removed);
  const h = boundNames(current);
  return {
    added: a.names,
    removed: r.names,
    headers: h.names,
    addedOmitted: a.omitted,
    removedOmitted: r.omitted,
    headersOmitted: h.omitted,
  };
}
