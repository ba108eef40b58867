import { describe, expect, it } from 'vitest';
import { EXPORT_COLUMNS } from '../../src/api/csv-export.js';
import { LeadSchema } from '../../src/api/schemas.js';
import { TRACKED_FIELDS } from '../../src/db/lead-changes.merge.js';
import { STAGE_COLUMNS } from '../../src/db/lead-stage.columns.js';
import { LEAD_COLUMNS } from '../../src/db/lead.row.js';
import { FIELD_ALIASES } from '../../src/sheet/field-aliases.js';
import {
  CRM_FIELDS,
  DASHBOARD_FIELDS,
  LEAD_FIELD_TABLE,
  LEAD_FIELDS,
  PUBLIC_LEAD_FIELDS,
  SHEET_OWNED_FIELDS,
  type LeadFieldName,
} from '../../src/sheet/lead-fields.js';
import { MAPPED_COLUMNS, MAPPED_LABELS } from '../../web/src/pages/lead-row.js';

/**
 * Every list of a lead's fields is derived from sheet/lead-fields.ts; these check that each
 * one still says what the table says (the column types are checked by typecheck, the columns
 * themselves by test/db/migrations.test.ts).
 */
const names = Object.keys(LEAD_FIELD_TABLE) as LeadFieldName[];
const only = <T extends string>(list: readonly string[], of: readonly T[]) =>
  list.filter((c): c is T => (of as readonly string[]).includes(c));

describe('the lead field table', () => {
  it('gives every sheet-mapped field its aliases, and no other field any', () => {
    expect(Object.keys(FIELD_ALIASES)).toEqual(LEAD_FIELDS);
    for (const name of names) {
      expect(LEAD_FIELD_TABLE[name].aliases.length > 0, name).toBe((LEAD_FIELDS as string[]).includes(name));
    }
  });

  it('stages and upserts the sheet-owned fields only, so a sync never writes a CRM field', () => {
    expect(only(STAGE_COLUMNS, names)).toEqual(SHEET_OWNED_FIELDS);
    expect(only(STAGE_COLUMNS, CRM_FIELDS)).toEqual([]);
    expect(CRM_FIELDS).toEqual(['status', 'score', 'convertedAt']);
  });

  it('records changes of the mapped fields', () => {
    expect(TRACKED_FIELDS).toEqual(LEAD_FIELDS);
  });

  it('shows the public fields in the API, the reads and the export, in table order', () => {
    expect(only(Object.keys(LeadSchema.properties), names)).toEqual(PUBLIC_LEAD_FIELDS);
    expect(only(LEAD_COLUMNS, names)).toEqual(PUBLIC_LEAD_FIELDS);
    expect(only(EXPORT_COLUMNS, names)).toEqual(PUBLIC_LEAD_FIELDS);
    expect(PUBLIC_LEAD_FIELDS).not.toContain('phoneNormalized');
  });

  it('types each field in the API schema as the table does', () => {
    const props = LeadSchema.properties as Record<string, { type?: string; anyOf?: { type: string }[] }>;
    const typeOf = (name: string) => props[name]?.type ?? props[name]?.anyOf?.map((s) => s.type).join('|');
    expect(typeOf('status')).toBe('string');
    expect(typeOf('score')).toBe('integer|null');
    expect(typeOf('occurredAt')).toBe('string|null');
  });

  it('gives the dashboard the fields and labels of the table', () => {
    expect(MAPPED_COLUMNS).toEqual(DASHBOARD_FIELDS);
    expect(MAPPED_LABELS).toEqual(
      Object.fromEntries(DASHBOARD_FIELDS.map((f) => [f, LEAD_FIELD_TABLE[f].label])),
    );
  });
});
