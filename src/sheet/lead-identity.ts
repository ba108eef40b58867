import { hash } from 'node:crypto';
import type { LeadValues, SheetMapping } from './types.js';

/** The fields that tell two content-identified leads apart, in a fixed order. */
const IDENTITY_FIELDS = ['fullName', 'email', 'phone', 'company', 'occurredAt'] as const;

/**
 * Chooses a lead's key (never its row position, which broke identity in the system we replace
 * when a row was inserted at the top). Prefixes keep the kinds from colliding:
 * - `id:<value>`: the configured key column or an ID-like column, trimmed, case kept;
 * - `email:<address>`: the normalised email, when there is no id (or its cell is empty);
 * - `c:<hash>`: otherwise, a hash of the row's identity fields (name, email, phone, company,
 *   date: the non-empty mapped ones, by field name, so renaming a header keeps keys), or of every
 *   cell when none of them has a value. Two people of one company on one day are two leads, and
 *   editing an unrelated column (notes, status) keeps the key.
 *
 * `cells` are the row's trimmed cells in header order; `allCells` every value of the row joined
 * in a fixed order (used only when the row has no identity field).
 */
export function leadKey(
  mapping: SheetMapping,
  cells: string[],
  values: LeadValues,
  allCells: string,
): string {
  if (mapping.identityColumn !== null && mapping.identity !== 'email') {
    const id = cells[mapping.identityColumn] ?? '';
    if (id !== '') return `id:${id}`;
  }
  if (values.email !== null) return `email:${values.email}`;
  const parts: string[] = [];
  for (const field of IDENTITY_FIELDS) {
    const value = identityValue(mapping, cells, values, field);
    if (value) parts.push(`${field}=${value}`);
  }
  const text = parts.length > 0 ? parts.join('\u0000') : `*=${allCells}`;
  return `c:${hash('sha1', text, 'hex').slice(0, 20)}`;
}

function identityValue(
  mapping: SheetMapping,
  cells: string[],
  values: LeadValues,
  field: (typeof IDENTITY_FIELDS)[number],
): string | null {
  if (field === 'phone') return values.phoneNormalized ?? values.phone;
  if (field === 'occurredAt') {
    // An unreadable date still tells rows apart: fall back to the cell's text.
    const column = mapping.fields.occurredAt;
    return values.occurredAt ?? (column === undefined ? null : cells[column] || null);
  }
  return values[field];
}
