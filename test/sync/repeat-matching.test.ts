import { describe, expect, it } from 'vitest';
import type { SheetLead } from '../../src/sheet/types.js';
import { indexEntry, takeChange, vanishedKeys, type LeadIndex } from '../../src/sync/diff.js';
import { RepeatMatcher } from '../../src/sync/repeat-matching.js';
import { emptyValues } from '../helpers/lead-values.js';

/** A lead as the builder makes it: `key` is `identity` on its first row, `identity#n` after. */
const lead = (identity: string, n: number, hash: string): SheetLead => ({
  identity,
  key: n === 1 ? identity : `${identity}#${n}`,
  hash,
  sheetRow: n + 1,
  data: {},
  values: emptyValues(),
});

/** Streams `leads` through the matcher the way readChanges does; returns key → change and what vanished. */
function run(index: LeadIndex, leads: SheetLead[]) {
  const matcher = new RepeatMatcher(index);
  const changes: [string, string, string][] = [];
  for (const l of leads) {
    if (matcher.hold(l)) continue;
    changes.push([l.hash, l.key, takeChange(index, l.key, l.hash)]);
  }
  const { decisions, renames } = matcher.resolve();
  for (const d of decisions) changes.push([d.lead.hash, d.lead.key, d.change]);
  return { changes: changes.sort(), renames, vanished: vanishedKeys(index).sort() };
}

const stored = (entries: Record<string, string>): LeadIndex => new Map(Object.entries(entries));

describe('matching rows that share an identity', () => {
  it('matches three re-ordered rows to their stored leads by content', () => {
    const index = stored({ A: 'h1', 'A#2': 'h2', 'A#3': 'h3' });
    const result = run(index, [lead('A', 1, 'h3'), lead('A', 2, 'h1'), lead('A', 3, 'h2')]);
    expect(result.changes).toEqual([
      ['h1', 'A', 'unchanged'],
      ['h2', 'A#2', 'unchanged'],
      ['h3', 'A#3', 'unchanged'],
    ]);
    expect(result.vanished).toEqual([]);
  });

  it('restores a soft-deleted lead whose content comes back, before matching by position', () => {
    const index = stored({ A: 'h1', 'A#2': indexEntry('h2', true) });
    const result = run(index, [lead('A', 1, 'h2'), lead('A', 2, 'h9')]);
    expect(result.changes).toEqual([
      ['h2', 'A#2', 'restore'],
      ['h9', 'A', 'update'],
    ]);
  });

  it('re-keys a first row that updated a lead by position when a later row holds that lead', () => {
    const index = stored({ A: 'h1' });
    const result = run(index, [lead('A', 1, 'h2'), lead('A', 2, 'h1')]);
    expect(result.renames).toEqual([['A', 'A#2']]);
    expect(result.changes).toEqual([
      ['h1', 'A', 'unchanged'],
      ['h2', 'A', 'update'],
    ]);
    expect(result.vanished).toEqual([]);
  });

  it('never hands out a key a literal row of the sheet already has', () => {
    const index = stored({});
    const result = run(index, [lead('A#2', 1, 'hx'), lead('A', 1, 'h1'), lead('A', 3, 'h2')]);
    expect(result.changes.map(([, key]) => key).sort()).toEqual(['A', 'A#2', 'A#3']);
  });

  it('leaves stored leads no row matched to be deleted', () => {
    const index = stored({ A: 'h1', 'A#2': 'h2', B: 'hb' });
    const result = run(index, [lead('A', 1, 'h2'), lead('B', 1, 'hb')]);
    expect(result.changes).toEqual([
      ['h2', 'A#2', 'unchanged'],
      ['hb', 'B', 'unchanged'],
    ]);
    expect(result.vanished).toEqual(['A']);
  });
});
