/** How many duplicated keys `list()` reports, and how many rows for each. */
const MAX_LISTED_KEYS = 100;
const MAX_LISTED_ROWS = 20;

export interface DuplicateKey {
  /** The key as the sheet gave it (without the `#n` suffix). */
  key: string;
  /** Sheet rows carrying it, first occurrence first (at most 20). */
  rows: number[];
}

/**
 * Makes keys unique within one sheet, deterministically by sheet order: the first row with a key
 * keeps it, later rows get `key#2`, `key#3`, … Two rows with one key are two leads (a sheet is
 * not the place to lose a lead silently); they are counted and reported so a person can fix them.
 */
export class DuplicateKeys {
  /** Every key handed out, suffixed ones included → the sheet row that first had it. */
  private readonly seen = new Map<string, number>();
  /** Occurrences of each key that occurred more than once. */
  private readonly counts = new Map<string, number>();
  private readonly listed = new Map<string, number[]>();
  private total = 0;

  /** Rows that got a suffixed key. */
  get count(): number {
    return this.total;
  }

  claim(key: string, sheetRow: number): string {
    const first = this.seen.get(key);
    if (first === undefined) {
      this.seen.set(key, sheetRow);
      return key;
    }
    this.total++;
    let n = (this.counts.get(key) ?? 1) + 1;
    let unique = `${key}#${n}`;
    // A sheet may itself hold `A#2` next to two `A`s: skip suffixes already handed out.
    while (this.seen.has(unique)) unique = `${key}#${++n}`;
    this.counts.set(key, n);
    this.seen.set(unique, sheetRow);
    this.note(key, first, sheetRow);
    return unique;
  }

  /** The duplicated keys in order of first duplication (at most 100). */
  list(): DuplicateKey[] {
    return [...this.listed].map(([key, rows]) => ({ key, rows: [...rows] }));
  }

  private note(key: string, first: number, sheetRow: number): void {
    const rows = this.listed.get(key);
    if (rows) {
      if (rows.length < MAX_LISTED_ROWS) rows.push(sheetRow);
    } else if (this.listed.size < MAX_LISTED_KEYS) {
      this.listed.set(key, [first, sheetRow]);
    }
  }
}
