import { boundName, boundNames, describeNames } from './bounded-names.js';
import { createHash } from 'node:crypto';
import { LeadsyncError } from '../errors.js';
import { FIELD_ALIASES, ID_ALIASES } from './field-aliases.js';
import { headerKey } from './header-key.js';
import {
  LEAD_FIELDS,
  type IdentitySource,
  type LeadField,
  type MappingOptions,
  type SheetHeader,
  type SheetMapping,
} from './types.js';

/**
 * Decides which column feeds each lead field and how leads are identified, by header NAME only:
 * positions are looked up afresh for every sheet, so inserting or moving columns changes nothing.
 *
 * - Fields: `options.fieldOverrides` first (an override naming a column the sheet lacks is
 *   ignored and the alias table applies), then the alias table, by alias priority then position.
 *   A column taken by an override is not also taken by an alias.
 * - Identity: `options.keyColumn` (KEY_COLUMN_NOT_FOUND when the header lacks it), else an
 *   ID-like column, else the email column, else the row's content.
 */
export function buildMapping(header: SheetHeader, options: MappingOptions): SheetMapping {
  const keys = header.names.map(headerKey);
  const find = (name: string): number => {
    const key = headerKey(name);
    // A header made only of punctuation (`#`) has an empty key: compare its text instead.
    return key === '' ? header.names.indexOf(name.trim()) : keys.indexOf(key);
  };

  const fields: Partial<Record<LeadField, number>> = {};
  const taken = new Set<number>();
  const overrides = options.fieldOverrides ?? {};
  for (const field of LEAD_FIELDS) {
    const name = overrides[field];
    const column = name ? find(name) : -1;
    if (column >= 0) {
      fields[field] = column;
      taken.add(column);
    }
  }
  for (const field of LEAD_FIELDS) {
    if (fields[field] !== undefined) continue;
    for (const alias of FIELD_ALIASES[field]) {
      const aliasKey = headerKey(alias);
      const column = keys.findIndex((key, index) => key === aliasKey && !taken.has(index));
      if (column >= 0) {
        fields[field] = column;
        taken.add(column);
        break;
      }
    }
  }

  const { identity, identityColumn } = chooseIdentity(header, options, fields, find);
  const mapping = { header, fields, identity, identityColumn, dateOrder: options.dateOrder };
  return { ...mapping, fingerprint: mappingFingerprint(mapping) };
}

function chooseIdentity(
  header: SheetHeader,
  options: MappingOptions,
  fields: Partial<Record<LeadField, number>>,
  find: (name: string) => number,
): { identity: IdentitySource; identityColumn: number | null } {
  const keyColumn = options.keyColumn?.trim();
  if (keyColumn) {
    const column = find(keyColumn);
    if (column < 0) {
      throw new LeadsyncError(
        'KEY_COLUMN_NOT_FOUND',
        `The key column "${boundName(keyColumn)}" is not in the header row (${describeNames(header.names)})`,
        {
          details: {
            keyColumn,
            headers: boundNames(header.names).names,
            headerCount: header.names.length,
            headerRow: header.sheetRow,
          },
        },
      );
    }
    return { identity: 'key_column', identityColumn: column };
  }
  for (const alias of ID_ALIASES) {
    const column = find(alias);
    if (column >= 0) return { identity: 'id_column', identityColumn: column };
  }
  if (fields.email !== undefined) return { identity: 'email', identityColumn: fields.email };
  return { identity: 'content', identityColumn: null };
}

/** Field → header name of a mapping, e.g. for run details and the fingerprint. */
export function mappedHeaders(
  mapping: Pick<SheetMapping, 'header' | 'fields'>,
): Partial<Record<LeadField, string>> {
  const named: Partial<Record<LeadField, string>> = {};
  for (const field of LEAD_FIELDS) {
    const column = mapping.fields[field];
    if (column !== undefined) named[field] = mapping.header.names[column] ?? '';
  }
  return named;
}

/**
 * A short hash of what the mapping means: field → header NAME, the identity choice and the date
 * order. Column positions are left out on purpose, so reordering columns changes no row hash.
 */
function mappingFingerprint(mapping: Omit<SheetMapping, 'fingerprint'>): string {
  const identityHeader =
    mapping.identityColumn === null ? null : (mapping.header.names[mapping.identityColumn] ?? null);
  const meaning = JSON.stringify([
    1, // bump to change every fingerprint (and so every row hash) when row building changes
    Object.entries(mappedHeaders(mapping)),
    mapping.identity,
    identityHeader,
    mapping.dateOrder,
  ]);
  return createHash('sha1').update(meaning).digest('hex').slice(0, 16);
}
