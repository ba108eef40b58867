import { randomBytes } from 'node:crypto';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { Database } from './database.js';
import { DIALECT_TRAITS } from './dialect.js';
import type { LeadStage, StageOptions } from './lead-stage.js';
import { STAGE_COLUMNS, stageValues } from './lead-stage.columns.js';
import { mergeStaged, renameStaged } from './lead-stage.merge.js';
import { newId } from '../ids.js';

/**
 * The SQLite stage: a temporary table on the process's writer connection (temporary tables take
 * no lock on the database file), filled by multi-row INSERTs whose prepared statement the driver
 * reuses for the whole sync; then chunked merges inside the one transaction, yielding to the
 * event loop between chunks. Every statement goes through the driver, so it never runs inside
 * another caller's transaction on the same connection.
 */
export function openSqliteStage(db: Kysely<Database>, options: StageOptions): LeadStage {
  const columns = STAGE_COLUMNS.length;
  const limit = DIALECT_TRAITS.sqlite.maxBindParameters;
  const rowsPerInsert = Math.max(1, Math.min(options.batchSize, Math.floor(limit / columns)));
  const keysPerInsert = Math.max(1, Math.min(options.batchSize, limit));
  const table = `leadsync_stage_${randomBytes(6).toString('hex')}`;
  const quoted = STAGE_COLUMNS.map((c) => `"${c}"`).join(', ');
  const insertSql = (rows: number) =>
    `INSERT INTO temp.${table} (${quoted}) VALUES ` +
    Array.from({ length: rows }, () => `(${'?, '.repeat(columns - 1)}?)`).join(', ');
  let opened: Promise<void> | null = null;
  let pending: (string | number | null)[] = [];
  let upserts = 0;
  const renames: [string, string][] = [];
  let deletes = 0;
  let disposed = false;

  const run = (text: string, parameters: readonly unknown[] = []) =>
    db.executeQuery(CompiledQuery.raw(text, [...parameters]));
  const open = () => {
    if (disposed) return Promise.reject(new Error('the lead stage was disposed'));
    return (opened ??= (async () => {
      await run(`CREATE TEMP TABLE ${table} (seq INTEGER PRIMARY KEY, ${quoted})`);
      await run(`CREATE TEMP TABLE ${table}_del (seq INTEGER PRIMARY KEY, "externalKey" TEXT NOT NULL)`);
    })());
  };
  const flush = async () => {
    if (pending.length === 0) return;
    const values = pending;
    pending = [];
    await run(insertSql(values.length / columns), values);
  };

  return {
    get upserts() {
      return upserts;
    },
    get deletes() {
      return deletes;
    },
    async add(lead) {
      await open();
      for (const value of stageValues(lead, newId())) pending.push(value);
      upserts++;
      if (pending.length >= rowsPerInsert * columns) await flush();
    },
    rename(from, to) {
      renames.push([from, to]);
    },
    async addDeletes(keys) {
      if (keys.length === 0) return;
      await open();
      for (let i = 0; i < keys.length; i += keysPerInsert) {
        const part = keys.slice(i, i + keysPerInsert);
        await run(
          `INSERT INTO temp.${table}_del ("externalKey") VALUES ${'(?), '.repeat(part.length - 1)}(?)`,
          part,
        );
      }
      deletes += keys.length;
    },
    async commit(work) {
      await open();
      await flush();
      await renameStaged(db, `temp.${table}`, renames);
      return db.transaction().execute((trx) =>
        work(trx, (applyOptions) =>
          mergeStaged(
            trx,
            {
              customerId: options.customerId,
              upsertTable: `temp.${table}`,
              deleteTable: `temp.${table}_del`,
              upserts,
              deletes,
              chunk: options.batchSize,
              column: (c) => `"${c}"`,
              time: (iso) => sql<string>`${iso}`,
              pause: () => new Promise((resolve) => setImmediate(resolve)),
            },
            applyOptions,
          ),
        ),
      );
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      pending = [];
      if (!opened) return;
      await opened.catch(() => {});
      await run(`DROP TABLE IF EXISTS temp.${table}`).catch(() => {});
      await run(`DROP TABLE IF EXISTS temp.${table}_del`).catch(() => {});
    },
  };
}
