/**
 * Pure decisions of change detection. The index holds the customer's sheet-owned leads as
 * key → row hash, with a `~` prefix on the hash of soft-deleted ones (a compact form: at
 * 500k leads every byte per entry counts).
 */
export type LeadIndex = Map<string, string>;

export type RowChange = 'insert' | 'update' | 'restore' | 'unchanged';

export const DELETED_MARK = '~';

export function indexEntry(hash: string | null, deleted: boolean): string {
  return (deleted ? DELETED_MARK : '') + (hash ?? '');
}

/**
 * Classifies one sheet row against the index and removes its key from the index, so what
 * remains afterwards is exactly the leads the sheet no longer has.
 */
export function takeChange(index: LeadIndex, key: string, hash: string): RowChange {
  const entry = index.get(key);
  if (entry === undefined) return 'insert';
  index.delete(key);
  if (entry.startsWith(DELETED_MARK)) return 'restore';
  return entry === hash ? 'unchanged' : 'update';
}

/** Keys left in the index after every row was taken that are still live: to be soft-deleted. */
export function vanishedKeys(index: LeadIndex): string[] {
  const keys: string[] = [];
  for (const [key, entry] of index) if (!entry.startsWith(DELETED_MARK)) keys.push(key);
  return keys;
}

export interface MassDeleteInput {
  deletes: number;
  /** Live sheet leads before this run. */
  liveLeads: number;
  /** Leads the sheet has now. */
  sheetLeads: number;
  thresholdPercent: number;
}

/**
 * A run that would delete more than `thresholdPercent` of the live leads, or that empties a
 * customer whose sheet suddenly parses to no lead at all, is held for a person to approve.
 */
export function isMassDelete({ deletes, liveLeads, sheetLeads, thresholdPercent }: MassDeleteInput): boolean {
  if (deletes === 0) return false;
  if (sheetLeads === 0) return true;
  return deletes * 100 > liveLeads * thresholdPercent;
}
