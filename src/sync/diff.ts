/**
 * Pure decisions of change detection. The index holds the customer's sheet-owned leads as
 * key → row hash, with a `~` prefix on the hash of soft-deleted ones (a compact form: at
 * 500k leads every byte per entry counts).
 */
export type LeadIndex = Map<string, string>;

export type RowChange = 'insert' | 'update' | 'restore' | 'unchanged';

export const DELETED_MARK = '~';
/**
 * Put in front of the entry of a key a row took to update or restore it: the key is taken (not
 * vanished), and the stored hash stays known until the end of the sheet, where a later row with
 * the same identity may match it by content (src/sync/repeat-matching.ts). Unchanged rows
 * delete their entry, so this costs only the changed rows.
 */
export const TAKEN_MARK = '!';

export function indexEntry(hash: string | null, deleted: boolean): string {
  return (deleted ? DELETED_MARK : '') + (hash ?? '');
}

/**
 * Classifies one sheet row against the index and removes its key from the index, so what
 * remains afterwards is exactly the leads the sheet no longer has.
 */
export function takeChange(index: LeadIndex, key: string, hash: string): RowChange {
  const entry = index.get(key);
  if (entry === undefined || entry.startsWith(TAKEN_MARK)) return 'insert';
  if (entry === hash) {
    index.delete(key);
    return 'unchanged';
  }
  index.set(key, TAKEN_MARK + entry);
  return entry.startsWith(DELETED_MARK) ? 'restore' : 'update';
}

/** True when a stored lead has this key and no row of the sheet took it yet. */
export function isUntaken(index: LeadIndex, key: string): boolean {
  const entry = index.get(key);
  return entry !== undefined && !entry.startsWith(TAKEN_MARK);
}

/** Keys left in the index after every row was taken that are still live: to be soft-deleted. */
export function vanishedKeys(index: LeadIndex): string[] {
  const keys: string[] = [];
  for (const [key, entry] of index) {
    if (!entry.startsWith(DELETED_MARK) && !entry.startsWith(TAKEN_MARK)) keys.push(key);
  }
  return keys;
}

export interface MassDeleteInput {
  deletes: number;
  /** Live sheet leads before this run. */
  liveLeads: number;
  /**
   * The most live sheet leads seen in the guard's window (src/db/delete-guard.repository.ts);
   * liveLeads counts as the baseline when it is higher.
   */
  baseline: number;
  /** Leads the sheet has now. */
  sheetLeads: number;
  thresholdPercent: number;
}

/**
 * A run is held for a person to approve when the leads it would leave are more than
 * `thresholdPercent` below the most leads seen recently, or when it empties a customer whose
 * sheet suddenly parses to no lead at all. Measured against the recent most rather than the
 * count just before the run, so two clean runs of 37 % and then 50 % fewer rows do not wear
 * the guard down: the second is held at 68 %. With a baseline equal to liveLeads this is the
 * plain "deletes more than threshold % of the live leads".
 */
export function isMassDelete({
  deletes,
  liveLeads,
  baseline,
  sheetLeads,
  thresholdPercent,
}: MassDeleteInput): boolean {
  if (deletes === 0) return false;
  if (sheetLeads === 0) return true;
  const most = Math.max(baseline, liveLeads);
  return (most - (liveLeads - deletes)) * 100 > most * thresholdPercent;
}

/** Where the guard's window starts, in words for the held run's message. */
export interface GuardWindow {
  days: number;
  /** An approval run started the window (it resets it). */
  sinceApproval: boolean;
}

/** The held run's message: what it would delete, and against which count it was measured. */
export function massDeleteMessage(input: MassDeleteInput, window: GuardWindow): string {
  const { deletes, liveLeads, thresholdPercent } = input;
  const most = Math.max(input.baseline, liveLeads);
  const seen =
    most > liveLeads
      ? `, which would leave ${liveLeads - deletes} of the ${most} leads seen ${window.sinceApproval ? 'since the last approval' : `in the last ${window.days} ${window.days === 1 ? 'day' : 'days'}`}`
      : '';
  return `The sheet would delete ${deletes} of ${liveLeads} leads${seen} (threshold ${thresholdPercent} %); approve the run to apply it`;
}
