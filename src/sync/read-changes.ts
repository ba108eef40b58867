import type { LeadStage } from '../db/lead-stage.js';
import type { MappingOptions, SheetMapping } from '../sheet/types.js';
import { decodeUtf8 } from '../sheet/decode-utf8.js';
import { parseCsvChunks, readSheetLeads, type SheetReadStats } from '../sheet/sheet-reader.js';
import { LeadsyncError } from '../errors.js';
import type { SpooledBody } from './body-spool.js';
import { takeChange, vanishedKeys, type LeadIndex, type RowChange } from './diff.js';
import { RepeatMatcher } from './repeat-matching.js';
import type { RunWarning } from '../sheet/warnings.js';
import type { ProgressTracker } from './progress.js';

export interface ReadChangesInput {
  body: SpooledBody;
  options: MappingOptions;
  /** Longest row in characters (LEADSYNC_MAX_ROW_CHARS); Google's cell and column limits always apply. */
  maxRowChars: number;
  /** The customer's sheet leads before this run; consumed (keys are removed as rows are seen). */
  index: LeadIndex;
  /** Where the leads to write go (a temporary table; nothing touches `leads` yet). */
  stage: LeadStage;
  progress: ProgressTracker;
  signal?: AbortSignal | undefined;
}

export interface ReadChangesResult {
  inserts: number;
  updates: number;
  restores: number;
  unchanged: number;
  deleteKeys: string[];
  mapping: SheetMapping | null;
  stats: SheetReadStats;
  checksum: string;
  warnings: RunWarning[];
}

const COUNTER = {
  insert: 'inserts',
  update: 'updates',
  restore: 'restores',
  unchanged: 'unchanged',
} as const satisfies Record<RowChange, string>;

/**
 * Parses a downloaded body into leads, compares every lead with the index as it comes, and
 * stages only what must be written. Touches no table of the database: a failure here leaves
 * nothing behind (the stage is disposed by the caller).
 */
export async function readChanges(input: ReadChangesInput): Promise<ReadChangesResult> {
  const { progress, index, body, stage } = input;
  let fraction = 0;
  const records =
    body.kind === 'rows'
      ? body.rows()
      : parseCsvChunks(decodeUtf8(body.chunks((done) => (fraction = body.bytes ? done / body.bytes : 1))), {
          maxRowChars: input.maxRowChars,
        });
  const result = { inserts: 0, updates: 0, restores: 0, unchanged: 0 };
  let mapping: SheetMapping | null = null;
  let read = 0;
  const reader = readSheetLeads(records, input.options, { onHeader: (m) => (mapping = m) });
  const repeats = new RepeatMatcher(index);
  const count = (change: RowChange) => result[COUNTER[change]]++;
  for await (const batch of reader.leads) {
    for (const lead of batch) {
      if (repeats.hold(lead)) continue;
      const change = takeChange(index, lead.key, lead.hash);
      count(change);
      if (change !== 'unchanged') await stage.add(lead);
    }
    read += batch.length;
    progress.update('parsing', Math.min(fraction, 0.99), `Read ${read.toLocaleString('en')} rows`);
    if (input.signal?.aborted) throw new LeadsyncError('SYNC_CANCELLED');
  }

  progress.update('diffing', 0, 'Comparing with the stored leads');
  const { decisions, renames } = repeats.resolve();
  for (const { lead, change } of decisions) {
    count(change);
    if (change !== 'unchanged') await stage.add(lead);
  }
  // A first row re-keyed to a new lead: staged as an update of the lead it now leaves alone.
  for (const rename of renames) {
    result.updates--;
    result.inserts++;
    stage.rename(...rename);
  }
  const deleteKeys = vanishedKeys(index);
  const writes = result.inserts + result.updates + result.restores;
  progress.update('diffing', 1, `${writes} to write, ${deleteKeys.length} to delete`);
  return {
    ...result,
    deleteKeys,
    mapping,
    stats: reader.stats,
    checksum: reader.stats.checksum,
    warnings: reader.stats.warnings,
  };
}
