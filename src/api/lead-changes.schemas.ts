import { Type, type TSchema } from 'typebox';
import { LeadSchema } from './schemas.js';

/** The JSON shapes of the change feed and a lead's history (issue 13). */
const Timestamp = Type.String({ format: 'date-time' });
const Op = Type.Union([
  Type.Literal('insert'),
  Type.Literal('update'),
  Type.Literal('restore'),
  Type.Literal('delete'),
  Type.Literal('edit'),
]);
/** Text, a number (score), or the sheet's columns (`data`, when only an unmapped column changed). */
const FieldValue = Type.Union([
  Type.String(),
  Type.Number(),
  Type.Null(),
  Type.Record(Type.String(), Type.String()),
]);
const Optional = <T extends TSchema>(schema: T) => Type.Optional(schema);

export const ChangeSchema = Type.Object({
  op: Op,
  lead: LeadSchema,
  changedFields: Optional(Type.Array(Type.String())),
  runId: Optional(Type.String()),
  at: Timestamp,
  cursor: Type.String(),
});

export const ChangesPageSchema = Type.Object({
  changes: Type.Array(ChangeSchema),
  /** Always present: repeat it to poll. */
  nextCursor: Type.String(),
  hasMore: Type.Boolean(),
});

export const HistoryEntrySchema = Type.Object({
  at: Timestamp,
  runId: Optional(Type.String()),
  op: Op,
  fields: Type.Record(Type.String(), Type.Object({ from: FieldValue, to: FieldValue })),
  cursor: Type.String(),
});
