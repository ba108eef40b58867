import { decodeUtf8 } from '../../src/sheet/decode-utf8.js';
import { parseCsvChunks, readSheetLeads, type SheetReadStats } from '../../src/sheet/sheet-reader.js';
import type { MappingOptions, SheetLead, SheetMapping } from '../../src/sheet/types.js';
import { chunked, readFixtureBytes } from './fixtures.js';

export const DEFAULT_OPTIONS: MappingOptions = { keyColumn: null, dateOrder: 'DMY', fieldOverrides: {} };

export interface ReadResult {
  leads: SheetLead[];
  stats: SheetReadStats;
  mapping: SheetMapping | null;
}

/** Runs CSV text (or bytes) through the whole pipeline: bytes → text → records → leads. */
export async function readLeads(
  csv: string | Uint8Array,
  options: Partial<MappingOptions> = {},
  batchSize?: number,
): Promise<ReadResult> {
  const bytes = typeof csv === 'string' ? new TextEncoder().encode(csv) : csv;
  let mapping: SheetMapping | null = null;
  const reader = readSheetLeads(
    parseCsvChunks(decodeUtf8(chunked(bytes))),
    { ...DEFAULT_OPTIONS, ...options },
    { onHeader: (m) => (mapping = m), batchSize },
  );
  const leads: SheetLead[] = [];
  for await (const batch of reader.leads) leads.push(...batch);
  return { leads, stats: reader.stats, mapping };
}

export async function readFixtureLeads(
  name: string,
  options: Partial<MappingOptions> = {},
): Promise<ReadResult> {
  return readLeads(await readFixtureBytes(name), options);
}
