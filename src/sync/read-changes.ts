import { createHash } from 'node:crypto';
import { LeadsyncError } from '../errors.js';
import type { SheetBody, SheetSource } from '../sources/types.js';
import type { MappingOptions, SheetMapping } from '../sheet/types.js';
import { decodeUtf8 } from '../sheet/decode-utf8.js';
import { parseCsvChunks, readSheetLeads, type SheetReadStats } from '../sheet/sheet-reader.js';
import { ChangeSet } from './change-set.js';
import { takeChange, vanishedKeys, type LeadIndex } from './diff.js';
import type { ProgressTracker } from './progress.js';

export interface ReadChangesInput {
  source: SheetSource;
  options: MappingOptions;
  /** The customer's sheet leads before this run; consumed (keys are removed as rows are seen). */
  index: LeadIndex;
  progress: ProgressTracker;
  /** Used to estimate download progress when the server sends no Content-Length. */
  previousBytes: number | null;
  maxBytes: number;
  signal?: AbortSignal;
  changeSetMemoryLimit?: number;
}

export interface ReadChangesResult {
  changes: ChangeSet;
  inserts: number;
  updates: number;
  restores: number;
  unchanged: number;
  deleteKeys: string[];
  mapping: SheetMapping | null;
  stats: SheetReadStats;
  bytes: number;
  /** SHA-1 of the raw body (CSV) or of the rows (API). */
  bodyHash: string;
  checksum: string;
}

/**
 * One download attempt: streams the body through the parser and the lead builder, compares
 * every lead with the index as it arrives and keeps only what must be written. Touches no
 * table: a failure here (or a retry) leaves nothing behind but a temporary file.
 */
export async function readChanges(input: ReadChangesInput): Promise<ReadChangesResult> {
  const { progress, index } = input;
  progress.update('fetching', 0, `Downloading from ${input.source.describe()}`);
  const body = await input.source.open({ signal: input.signal });
  const bodyHash = createHash('sha1');
  let bytes = 0;
  const records = recordsOf(body, bodyHash, (n) => {
    bytes += n;
    if (bytes > input.maxBytes) {
      throw new LeadsyncError('SHEET_TOO_LARGE', `The sheet is larger than ${input.maxBytes} bytes`);
    }
  });
  const expected = body.kind === 'csv' ? (body.contentLength ?? input.previousBytes) : null;

  const changes = new ChangeSet(input.changeSetMemoryLimit);
  const result = { inserts: 0, updates: 0, restores: 0, unchanged: 0 };
  let mapping: SheetMapping | null = null;
  let read = 0;
  const reader = readSheetLeads(records, input.options, { onHeader: (m) => (mapping = m) });
  try {
    for await (const batch of reader.leads) {
      for (const lead of batch) {
        const change = takeChange(index, lead.key, lead.hash);
        if (change === 'unchanged') result.unchanged++;
        else {
          result[change === 'insert' ? 'inserts' : change === 'update' ? 'updates' : 'restores']++;
          await changes.add(lead);
        }
      }
      read += batch.length;
      const fraction = expected ? bytes / expected : 0;
      progress.update('parsing', Math.min(fraction, 0.99), `Read ${read.toLocaleString('en')} rows`);
      if (input.signal?.aborted) throw new LeadsyncError('SYNC_CANCELLED');
    }
  } catch (error) {
    await changes.dispose();
    throw error;
  }

  progress.update('diffing', 0, 'Comparing with the stored leads');
  const deleteKeys = vanishedKeys(index);
  progress.update('diffing', 1, `${changes.size} to write, ${deleteKeys.length} to delete`);
  return {
    changes,
    ...result,
    deleteKeys,
    mapping,
    stats: reader.stats,
    bytes,
    bodyHash: bodyHash.digest('hex'),
    checksum: reader.stats.checksum,
  };
}

/** Decoded CSV records (or the API's rows), hashing and counting the raw bytes on the way. */
async function* recordsOf(
  body: SheetBody,
  hash: ReturnType<typeof createHash>,
  onBytes: (n: number) => void,
): AsyncGenerator<string[][]> {
  if (body.kind === 'rows') {
    for await (const rows of body.rows) {
      const text = JSON.stringify(rows);
      hash.update(text);
      onBytes(Buffer.byteLength(text));
      yield rows;
    }
    return;
  }
  async function* metered(): AsyncGenerator<Uint8Array> {
    if (body.kind !== 'csv') return;
    for await (const chunk of body.chunks) {
      hash.update(chunk);
      onBytes(chunk.byteLength);
      yield chunk;
    }
  }
  yield* parseCsvChunks(decodeUtf8(metered()));
}
