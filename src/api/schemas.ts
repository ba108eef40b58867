import { Type, type Static, type TSchema, type TStringOptions } from 'typebox';
import {
  fieldRecord,
  LEAD_FIELD_TABLE,
  PUBLIC_LEAD_FIELDS,
  type LeadFieldSpec,
  type PublicLeadField,
} from '../sheet/lead-fields.js';

/**
 * The JSON shapes of the API (CONTRACT.md and issue 3 name every field). They validate requests,
 * serialise responses (fields not listed are never sent), and become the OpenAPI document.
 */
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Timestamp = Type.String({ format: 'date-time' });

export const ErrorSchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Optional(Type.Object({}, { additionalProperties: true })),
    }),
  },
  { $id: 'Error' },
);

/** The responses every /api route may give besides its own. */
export function withErrors<T extends Record<number, TSchema>>(responses: T) {
  return { ...responses, 400: ErrorSchema, 401: ErrorSchema, 404: ErrorSchema, 500: ErrorSchema };
}

/**
 * Every text a client sends: no U+0000 anywhere. PostgreSQL refuses NUL in `text` and `jsonb`
 * (a 500 after the handler ran), SQLite would store it; refused on both so the answer is the
 * same 400 whatever the database.
 */
export const Text = (options: TStringOptions = {}) => Type.String({ pattern: '^[^\\u0000]*$', ...options });

/** Text that must say something: not empty and not only white space (a name of spaces is no name). */
export const NonBlankText = (options: TStringOptions = {}) =>
  Type.String({ minLength: 1, pattern: '^(?!\\s*$)[^\\u0000]*$', ...options });

/** An id in a path, query or body. Ids we issue are UUIDs; anything else is answered 404, not queried. */
export const Id = Text({ minLength: 1, maxLength: 100 });

/** A page cursor (opaque to clients); a malformed one is VALIDATION_FAILED (src/db/page-cursor.ts). */
export const Cursor = Type.Optional(Text({ maxLength: 100 }));

/** A timestamp a client sends; a year outside 0001-9999 is refused where it is stored (toIso). */
export const TimestampInput = Type.String({ format: 'date-time', maxLength: 40 });

/** Page size (CONTRACT: 1-1000, default 50). An integer check alone lets `Infinity` through. */
export const Limit = Type.Integer({ minimum: 1, maximum: 1000, default: 50 });
export const CustomerIdQuery = Type.Object({ customerId: Id });

export const ErrorInfo = Nullable(Type.Object({ code: Type.String(), message: Type.String() }));

/** What was wrong with a sheet's data (README: Warnings); never a failure. */
export const WarningSchema = Type.Object(
  {
    code: Type.String(),
    message: Type.String(),
    column: Type.Optional(Type.String()),
    count: Type.Integer(),
    samples: Type.Optional(Type.Array(Type.Union([Type.String(), Type.Number()]))),
  },
  { $id: 'Warning' },
);

export const RunSchema = Type.Object({
  id: Type.String(),
  customerId: Type.String(),
  trigger: Type.String(),
  outcome: Nullable(Type.String()),
  startedAt: Timestamp,
  finishedAt: Nullable(Timestamp),
  durationMs: Nullable(Type.Integer()),
  rowsProcessed: Type.Integer(),
  rowsInserted: Type.Integer(),
  rowsUpdated: Type.Integer(),
  rowsDeleted: Type.Integer(),
  rowsUnchanged: Type.Integer(),
  retryCount: Type.Integer(),
  error: ErrorInfo,
  warnings: Type.Array(WarningSchema),
  pendingDeletes: Type.Optional(Nullable(Type.Integer())),
  /** Held runs: the fingerprint of the delete set an approval may apply (or a subset of it). */
  deleteSet: Type.Optional(Type.Object({ count: Type.Integer(), sha256: Type.String() })),
  /** When the run entered each phase (queued, fetching, parsing, diffing, applying, finishing), in order. */
  phases: Type.Optional(
    Type.Array(Type.Object({ phase: Type.String(), at: Timestamp }), {
      description: 'Runs recorded before phases were kept have none',
    }),
  ),
  /** Held runs: some of the leads the run would delete (at most 25), to check before approving. */
  pendingDeleteSample: Type.Optional(
    Type.Array(
      Type.Object({
        externalKey: Type.String(),
        fullName: Nullable(Type.String()),
        email: Nullable(Type.String()),
        company: Nullable(Type.String()),
      }),
    ),
  ),
});

/** A lead field's schema, from its entry in sheet/lead-fields.ts. */
type LeadFieldSchema<K extends PublicLeadField> = (typeof LEAD_FIELD_TABLE)[K] extends { default: string }
  ? ReturnType<typeof Type.String>
  : (typeof LEAD_FIELD_TABLE)[K]['type'] extends 'integer'
    ? ReturnType<typeof Nullable<ReturnType<typeof Type.Integer>>>
    : ReturnType<typeof Nullable<ReturnType<typeof Type.String>>>;

function leadFieldSchema(spec: LeadFieldSpec): TSchema {
  if (spec.default !== undefined) return Type.String();
  if (spec.type === 'integer') return Nullable(Type.Integer());
  return Nullable(spec.type === 'timestamp' ? Timestamp : Type.String());
}

const leadFieldSchemas = fieldRecord(PUBLIC_LEAD_FIELDS, (field) =>
  leadFieldSchema(LEAD_FIELD_TABLE[field]),
) as {
  [K in PublicLeadField]: LeadFieldSchema<K>;
};

export const LeadSchema = Type.Object({
  id: Type.String(),
  customerId: Type.String(),
  externalKey: Type.String(),
  ...leadFieldSchemas,
  data: Type.Record(Type.String(), Type.String()),
  sheetRow: Nullable(Type.Integer()),
  firstSeenAt: Timestamp,
  updatedAt: Timestamp,
  deletedAt: Nullable(Timestamp),
});

export const ScheduleSchema = Type.Union([
  Type.Object(
    { intervalMinutes: Type.Integer({ minimum: 1, maximum: 525_600 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      cron: NonBlankText({ maxLength: 200 }),
      timezone: NonBlankText({ maxLength: 100 }),
    },
    { additionalProperties: false },
  ),
]);

const customerFields = {
  name: NonBlankText({ maxLength: 200 }),
  sheetUrl: NonBlankText({ maxLength: 2000 }),
  schedule: Type.Optional(ScheduleSchema),
  keyColumn: Type.Optional(Nullable(NonBlankText({ maxLength: 200 }))),
  dateOrder: Type.Optional(Type.Union([Type.Literal('DMY'), Type.Literal('MDY')])),
  deleteThresholdPercent: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  /** Who gets this customer's notification mails; null or absent: LEADSYNC_NOTIFY_EMAILS. */
  notifyEmails: Type.Optional(
    Nullable(Type.Array(Text({ format: 'email', maxLength: 320 }), { maxItems: 50 })),
  ),
};
export const CustomerBody = Type.Object(customerFields, { additionalProperties: false });
export const CustomerPatchBody = Type.Partial(Type.Object(customerFields), { additionalProperties: false });
export type CustomerInput = Static<typeof CustomerBody>;

export const CustomerSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  sheetUrl: Type.String(),
  sourceKind: Type.String(),
  schedule: ScheduleSchema,
  keyColumn: Nullable(Type.String()),
  dateOrder: Type.String(),
  deleteThresholdPercent: Type.Integer(),
  notifyEmails: Type.Optional(Nullable(Type.Array(Type.String()))),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
