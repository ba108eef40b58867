import { headerKey } from '../sheet/header-key.js';

/**
 * Columns added and removed between the last successful sync's headers and this one's, matched
 * the way headers are matched everywhere (case, spaces and punctuation ignored), so `E-mail` →
 * `Email` is no change. Null when nothing changed or there is no earlier list to compare with
 * (a first sync). A rename shows as one removed and one added column.
 */
export function headerChanges(
  previous: readonly string[] | null,
  current: readonly string[] | null,
): { added: string[]; removed: string[]; headers: string[] } | null {
  if (previous === null || current === null || previous.length === 0) return null;
  const before = new Set(previous.map(headerKey));
  const after = new Set(current.map(headerKey));
  const added = current.filter((h) => !before.has(headerKey(h)));
  const removed = previous.filter((h) => !after.has(headerKey(h)));
  if (added.length === 0 && removed.length === 0) return null;
  return { added, removed, headers: [...current] };
}
