import type { SheetLead } from '../sheet/types.js';
import { DELETED_MARK, TAKEN_MARK, isUntaken, type LeadIndex, type RowChange } from './diff.js';

const SUFFIX = /#(\d+)$/;

/** A repeated row's final key and what writing it means. */
export interface RepeatDecision {
  lead: SheetLead;
  change: RowChange;
}

export interface RepeatResolution {
  decisions: RepeatDecision[];
  /**
   * Staged rows to re-key, `[from, to]`: a first row that updated a stored lead by position,
   * when a later row of its identity turned out to hold that lead's content. The first row
   * becomes a new lead (an insert instead of an update).
   */
  renames: [string, string][];
}

/**
 * Rows that share an identity (`identity`, and `identity#2`, `#3`, … by sheet order) are matched
 * to stored leads by content first and position last, so re-sorting a sheet never moves a
 * lead's CRM fields (status, score) to another row of the same identity, and editing one of
 * them updates that one.
 *
 * Streaming stays as it is for every other row. A row is held here (until the end of the sheet)
 * when its identity is already repeated among the stored leads (the index has `identity#n`), or
 * when an earlier row of the sheet had its identity; memory is the repeated rows only. The first
 * row of an identity the store does not repeat is decided as it comes; if it updated the stored
 * lead (its entry is TAKEN, the stored hash kept) and a later row holds exactly that lead's
 * content, they swap: the later row keeps the lead (unchanged) and the first row is re-keyed
 * to a new lead.
 *
 * For each identity, in sheet order: rows whose content equals a stored lead's take it, then
 * rows whose content equals a soft-deleted one's restore it, then the rest take the remaining
 * stored leads in key order (`identity`, `#2`, `#3`: the order they were first seen), and any
 * rows left become new leads under the first free suffix.
 */
export class RepeatMatcher {
  /** identity → stored suffixes (2, 3, …) of the index, for identities the store repeats. */
  private readonly stored = new Map<string, number[]>();
  private readonly held = new Map<string, SheetLead[]>();
  /** Keys of rows decided as they came that look suffixed (`A#2` as a literal id). */
  private readonly literal = new Set<string>();

  constructor(private readonly index: LeadIndex) {
    for (const key of index.keys()) {
      if (!key.includes('#')) continue;
      const match = SUFFIX.exec(key);
      if (!match) continue;
      const identity = key.slice(0, match.index);
      let suffixes = this.stored.get(identity);
      if (!suffixes) this.stored.set(identity, (suffixes = []));
      suffixes.push(Number(match[1]));
    }
    for (const suffixes of this.stored.values()) suffixes.sort((a, b) => a - b);
  }

  /** Rows held so far. */
  get heldRows(): number {
    let n = 0;
    for (const rows of this.held.values()) n += rows.length;
    return n;
  }

  /** Holds the lead when it belongs to a repeated identity (true), else it is decided now. */
  hold(lead: SheetLead): boolean {
    if (lead.key === lead.identity && !this.stored.has(lead.identity)) {
      if (lead.key.includes('#')) this.literal.add(lead.key);
      return false;
    }
    const rows = this.held.get(lead.identity);
    if (rows) rows.push(lead);
    else this.held.set(lead.identity, [lead]);
    return true;
  }

  /** Decides every held row (call once, after the last row); takes their keys from the index. */
  resolve(): RepeatResolution {
    const decisions: RepeatDecision[] = [];
    const renames: [string, string][] = [];
    for (const [identity, rows] of this.held) this.resolveOne(identity, rows, decisions, renames);
    this.held.clear();
    return { decisions, renames };
  }

  private resolveOne(
    identity: string,
    rows: SheetLead[],
    decisions: RepeatDecision[],
    renames: [string, string][],
  ): void {
    const { index } = this;
    const suffixes = this.stored.get(identity) ?? [];
    const candidates = [identity, ...suffixes.map((n) => `${identity}#${n}`)].filter((key) =>
      isUntaken(index, key),
    );
    const used = new Set<string>();
    const chosen = new Array<string | null>(rows.length).fill(null);
    // The first row was decided as it came and updated the stored lead: its content is known.
    const headEntry = this.stored.has(identity) ? undefined : index.get(identity);
    let replaced =
      headEntry?.startsWith(TAKEN_MARK) && !headEntry.startsWith(TAKEN_MARK + DELETED_MARK)
        ? headEntry.slice(TAKEN_MARK.length)
        : null;
    const fresh = (): string => {
      for (let n = 2; ; n++) {
        const key = `${identity}#${n}`;
        if (used.has(key) || index.has(key) || this.literal.has(key) || suffixes.includes(n)) continue;
        used.add(key);
        return key;
      }
    };
    const decide = (i: number, key: string, change: RowChange) => {
      chosen[i] = key;
      used.add(key);
      if (change === 'unchanged') index.delete(key);
      else if (change !== 'insert') index.set(key, TAKEN_MARK + index.get(key)!);
      decisions.push({ lead: { ...rows[i]!, key }, change });
    };

    const pass = (entryOf: (row: SheetLead) => string, change: RowChange) => {
      rows.forEach((row, i) => {
        if (chosen[i] !== null) return;
        if (change === 'unchanged' && replaced !== null && row.hash === replaced) {
          // The later row holds the lead's stored content: it keeps the lead, the first row moves.
          replaced = null;
          renames.push([identity, fresh()]);
          decide(i, identity, 'unchanged');
          return;
        }
        const key = candidates.find((c) => !used.has(c) && index.get(c) === entryOf(row));
        if (key !== undefined) decide(i, key, change);
      });
    };
    pass((row) => row.hash, 'unchanged');
    pass((row) => DELETED_MARK + row.hash, 'restore');
    rows.forEach((_, i) => {
      if (chosen[i] !== null) return;
      const key = candidates.find((c) => !used.has(c));
      if (key === undefined) return decide(i, fresh(), 'insert');
      decide(i, key, index.get(key)!.startsWith(DELETED_MARK) ? 'restore' : 'update');
    });
  }
}
