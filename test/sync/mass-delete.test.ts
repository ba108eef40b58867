import { describe, expect, it } from 'vitest';
import { isMassDelete, massDeleteMessage, type MassDeleteInput } from '../../src/sync/diff.js';

// The guard's pure decision: hold when what the run leaves is more than threshold % below the
// most leads seen recently (the baseline), or when the sheet parses to no lead at all.
const input = (over: Partial<MassDeleteInput>): MassDeleteInput => ({
  deletes: 0,
  liveLeads: 100,
  baseline: 100,
  sheetLeads: 100,
  thresholdPercent: 50,
  ...over,
});

describe('isMassDelete', () => {
  it('never holds a run without deletes, whatever the baseline', () => {
    expect(isMassDelete(input({ liveLeads: 10, baseline: 1000, sheetLeads: 10 }))).toBe(false);
    expect(isMassDelete(input({ liveLeads: 0, baseline: 0, sheetLeads: 0 }))).toBe(false);
  });

  it('holds a sheet that parses to no lead with deletes, even at a 100 % threshold', () => {
    expect(
      isMassDelete(input({ deletes: 1, liveLeads: 1, baseline: 1, sheetLeads: 0, thresholdPercent: 100 })),
    ).toBe(true);
  });

  it('with the baseline at the live count, holds more than threshold % of the live leads', () => {
    expect(isMassDelete(input({ deletes: 50, sheetLeads: 50 }))).toBe(false);
    expect(isMassDelete(input({ deletes: 51, sheetLeads: 49 }))).toBe(true);
    expect(isMassDelete(input({ deletes: 1, sheetLeads: 99, thresholdPercent: 0 }))).toBe(true);
    expect(isMassDelete(input({ deletes: 100, sheetLeads: 1, thresholdPercent: 100 }))).toBe(false);
  });

  it('is not worn down: 37 % and then 50 % more is 68 % of the most seen, held at 50 %', () => {
    const first = input({ deletes: 37, liveLeads: 100, baseline: 100, sheetLeads: 63 });
    expect(isMassDelete(first)).toBe(false);
    const second = input({ deletes: 31, liveLeads: 63, baseline: 100, sheetLeads: 32 });
    expect(isMassDelete(second)).toBe(true);
    // Measured against the count just before it, the second would pass.
    expect(isMassDelete({ ...second, baseline: 63 })).toBe(false);
  });

  it('measures what the run leaves, exactly at the threshold passing', () => {
    // 100 seen, 60 live: deleting 10 leaves 50 (50 % gone, passes); 11 leaves 49 (held).
    expect(isMassDelete(input({ deletes: 10, liveLeads: 60, sheetLeads: 50 }))).toBe(false);
    expect(isMassDelete(input({ deletes: 11, liveLeads: 60, sheetLeads: 49 }))).toBe(true);
  });

  it('holds a single delete when the recent loss is already past the threshold', () => {
    expect(isMassDelete(input({ deletes: 1, liveLeads: 50, sheetLeads: 49 }))).toBe(true);
  });

  it('uses the live count when it is above the baseline (a baseline from before many inserts)', () => {
    expect(isMassDelete(input({ deletes: 60, liveLeads: 200, baseline: 100, sheetLeads: 140 }))).toBe(false);
    expect(isMassDelete(input({ deletes: 101, liveLeads: 200, baseline: 100, sheetLeads: 99 }))).toBe(true);
  });
});

describe('massDeleteMessage', () => {
  const window = { days: 7, sinceApproval: false };

  it('says what the run would delete of the live leads when nothing more was seen recently', () => {
    expect(massDeleteMessage(input({ deletes: 60, sheetLeads: 40 }), window)).toBe(
      'The sheet would delete 60 of 100 leads (threshold 50 %); approve the run to apply it',
    );
  });

  it('names the recent most it was measured against, and where the window starts', () => {
    const worn = input({ deletes: 31, liveLeads: 63, baseline: 100, sheetLeads: 32 });
    expect(massDeleteMessage(worn, window)).toBe(
      'The sheet would delete 31 of 63 leads, which would leave 32 of the 100 leads seen in the last 7 days (threshold 50 %); approve the run to apply it',
    );
    expect(massDeleteMessage(worn, { days: 1, sinceApproval: false })).toContain('seen in the last 1 day ');
    expect(massDeleteMessage(worn, { days: 7, sinceApproval: true })).toContain(
      'leave 32 of the 100 leads seen since the last approval',
    );
  });
});
