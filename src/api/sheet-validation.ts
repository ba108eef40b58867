import type { Config } from '../config.js';
import { LeadsyncError } from '../errors.js';
import { decodeUtf8 } from '../sheet/decode-utf8.js';
import { parseCsvChunks, readSheetLeads } from '../sheet/sheet-reader.js';
import type { MappingOptions, SheetMapping } from '../sheet/types.js';
import { createSource } from '../sources/create-source.js';
import { linkFields, parseSheetLink, type LinkFields } from '../sources/sheet-link.js';
import { checkUrlShape } from '../sources/ssrf.js';
import type { SheetLink, SheetSource } from '../sources/types.js';

/** Leads shown back to the user as a sample. */
const SAMPLE_SIZE = 5;

export interface CheckedLink {
  link: SheetLink;
  sourceKind: LinkFields['sourceKind'];
  spreadsheetId: string | null;
  gid: string | null;
}

/**
 * The link's form and the SSRF rules, without fetching anything (customer create and update).
 * Local files are refused: only the CLI may read the server's disk.
 */
export function checkSheetLink(sheetUrl: string, config: Readonly<Config>): CheckedLink {
  const link = parseSheetLink(sheetUrl);
  if (link.kind === 'csv_url') checkUrlShape(link.url, config.allowHosts);
  return { link, ...linkFields(link, config.google.credentialsFile !== null) };
}

export interface SheetCheck {
  sourceKind: string;
  headerRow: number;
  headers: string[];
  mappedFields: Record<string, string>;
  identity: string;
  rowCount: number;
  /** `values` by lead field (fullName, email…), `cells` by sheet header, as the sheet shows them. */
  sample: Array<{
    key: string;
    sheetRow: number;
    values: Record<string, string | null>;
    cells: Record<string, string>;
  }>;
}

/** Downloads and reads the whole sheet as a sync would, writing nothing; throws the sync's error codes. */
export async function validateSheet(
  sheetUrl: string,
  options: MappingOptions,
  config: Readonly<Config>,
  sourceFor: (link: SheetLink) => SheetSource = (link) => createSource(link, config),
): Promise<SheetCheck> {
  const checked = checkSheetLink(sheetUrl, config);
  const body = await sourceFor(checked.link).open();
  // Only a conditional request (which this is not) can be answered 304.
  if (body.kind === 'not_modified') throw new LeadsyncError('INTERNAL', 'The source answered 304 unasked');
  const records =
    body.kind === 'rows'
      ? body.rows
      : parseCsvChunks(decodeUtf8(limitBytes(body.chunks, config.fetch.maxBytes)));
  let mapping: SheetMapping | null = null;
  const reader = readSheetLeads(records, options, { onHeader: (m) => (mapping = m) });
  const sample: SheetCheck['sample'] = [];
  for await (const batch of reader.leads) {
    for (const lead of batch.slice(0, SAMPLE_SIZE - sample.length)) {
      sample.push({ key: lead.key, sheetRow: lead.sheetRow, values: { ...lead.values }, cells: lead.data });
    }
  }
  const found = mapping as SheetMapping | null;
  if (!found) throw new LeadsyncError('HEADER_NOT_FOUND');
  const mappedFields: Record<string, string> = {};
  for (const [field, column] of Object.entries(found.fields))
    mappedFields[field] = found.header.names[column] ?? '';
  return {
    sourceKind: checked.sourceKind,
    headerRow: found.header.sheetRow,
    headers: found.header.names,
    mappedFields,
    identity: found.identity,
    rowCount: reader.stats.leads,
    sample,
  };
}

async function* limitBytes(chunks: AsyncIterable<Uint8Array>, maxBytes: number): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.byteLength;
    if (total > maxBytes)
      throw new LeadsyncError('SHEET_TOO_LARGE', `The sheet is larger than ${maxBytes} bytes`);
    yield chunk;
  }
}
