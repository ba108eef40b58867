import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from './database.js';
import type { ApplyOptions, MergeResult } from './lead-stage.js';
import { recordDeleteChanges, recordUpsertChanges } from './lead-changes.merge.js';
import { STAGE_COLUMNS } from './lead-stage.columns.js';
import { fieldRecord, SHEET_OWNED_FIELDS } from '../sheet/lead-fields.js';

export interface MergeInput {
  customerId: string;
  /** The staging tables, as SQL (`temp.x` / `x`). */
  upsertTable: string;
  deleteTable: string;
  upserts: number;
  deletes: number;
  /** Rows per statement. */
  chunk: number;
  /** How a staged column is read: PostgreSQL casts `data` to jsonb and the times to timestamptz. */
  column(name: (typeof STAGE_COLUMNS)[number]): string;
  time(iso: string): RawBuilder<string>;
  /** Between statements (SQLite: let the event loop serve requests). */
  pause?: () => Promise<void>;
}

/**
 * The merge of a sync's staged rows into `leads`, in chunks of `chunk` staged rows, as Kysely
 * statements (so plugins on the caller's instance see them, and each dialect gets its own SQL):
 * one INSERT … SELECT … ON CONFLICT per chunk (insert; update of the sheet-owned columns only,
 * restore), then one UPDATE per chunk of keys to soft-delete. Before each, one INSERT … SELECT
 * records the chunk's changes in `lead_changes` (it reads the old values the merge overwrites).
 */
export async function mergeStaged(
  trx: Kysely<Database>,
  input: MergeInput,
  options: ApplyOptions,
): Promise<MergeResult> {
  const { now, onChunk, batchId } = options;
  const tables = { batchId, customerId: input.customerId, deleteTable: input.deleteTable };
  let changes = 0;
  const total = input.upserts + input.deletes;
  let done = 0;
  await onChunk(0, total, 'write');
  const selected = sql.raw(STAGE_COLUMNS.map((c) => input.column(c)).join(', '));
  for (let from = 0; from < input.upserts; from += input.chunk) {
    const to = Math.min(input.upserts, from + input.chunk);
    const range = { ...tables, upsertTable: input.upsertTable, from, to, insertsOnly: options.insertsOnly };
    changes += await recordUpsertChanges(trx, range);
    // The WHERE before ON CONFLICT is also what SQLite needs to parse an upsert from a SELECT.
    await trx
      .insertInto('leads')
      .columns([...STAGE_COLUMNS, 'customerId', 'origin', 'firstSeenAt', 'updatedAt', 'deletedAt'])
      .expression(
        sql`SELECT ${selected}, ${input.customerId}, 'sheet', ${input.time(now)}, ${input.time(now)}, NULL
            FROM ${sql.raw(input.upsertTable)} WHERE seq > ${from} AND seq <= ${to}`,
      )
      .onConflict((oc) =>
        oc
          .columns(['customerId', 'externalKey'])
          .doUpdateSet((eb) => ({
            // The sheet-owned columns only (sheet/lead-fields.ts): status, score, convertedAt and
            // firstSeenAt keep what the CRM, or the first sighting, set.
            ...fieldRecord(SHEET_OWNED_FIELDS, (field) => eb.ref(`excluded.${field}`)),
            rowHash: eb.ref('excluded.rowHash'),
            data: eb.ref('excluded.data'),
            sheetRow: eb.ref('excluded.sheetRow'),
            updatedAt: eb.ref('excluded.updatedAt'),
            deletedAt: null,
          }))
          .where('leads.origin', '=', 'sheet'),
      )
      .execute();
    done += to - from;
    await onChunk(done, total, 'write');
    await input.pause?.();
  }
  let deleted = 0;
  for (let from = 0; from < input.deletes; from += input.chunk) {
    const to = Math.min(input.deletes, from + input.chunk);
    changes += await recordDeleteChanges(trx, { ...tables, from, to, offset: input.upserts });
    const result = await trx
      .updateTable('leads')
      .set({ deletedAt: now, updatedAt: now })
      .where('customerId', '=', input.customerId)
      .where('origin', '=', 'sheet')
      .where('deletedAt', 'is', null)
      .where(
        'externalKey',
        'in',
        sql<string>`(SELECT "externalKey" FROM ${sql.raw(input.deleteTable)} WHERE seq > ${from} AND seq <= ${to})`,
      )
      .executeTakeFirst();
    deleted += Number(result.numUpdatedRows);
    done += to - from;
    await onChunk(done, total, 'delete');
    await input.pause?.();
  }
  return { deleted, changes, lastSeq: input.upserts + input.deletes };
}

/** Renames per statement (two binds each, plus one: far below either dialect's bind limit). */
const RENAMES_PER_STATEMENT = 500;

/** Re-keys staged rows, `[from, to]` pairs, before the merge (one CASE per 500 renames). */
export async function renameStaged(
  db: Kysely<Database>,
  table: string,
  renames: readonly [string, string][],
): Promise<void> {
  for (let i = 0; i < renames.length; i += RENAMES_PER_STATEMENT) {
    const part = renames.slice(i, i + RENAMES_PER_STATEMENT);
    const cases = sql.join(
      part.map(([from, to]) => sql`WHEN ${from} THEN ${to}`),
      sql` `,
    );
    const froms = sql.join(part.map(([from]) => sql`${from}`));
    await sql`UPDATE ${sql.raw(table)} SET "externalKey" = CASE "externalKey" ${cases} END
              WHERE "externalKey" IN (${froms})`.execute(db);
  }
}
