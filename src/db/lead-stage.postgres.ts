import { randomBytes } from 'node:crypto';
import { finished } from 'node:stream/promises';
import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import { from as copyFrom, type CopyStreamQuery } from 'pg-copy-streams';
import type { Database } from './database.js';
import type { LeadStage, StageOptions } from './lead-stage.js';
import { STAGE_COLUMNS, stageValues } from './lead-stage.columns.js';
import { mergeStaged, renameStaged } from './lead-stage.merge.js';
import { newId } from '../ids.js';

/** COPY data is sent in pieces of about this many characters. */
const COPY_PIECE = 256 * 1024;
/** Staging tables whose name says they are older than this are left over from a crash. */
export const STALE_STAGE_MS = 6 * 60 * 60 * 1000;
export const STAGE_PREFIX = 'leadsync_stage_';

const quoted = STAGE_COLUMNS.map((c) => `"${c}"`).join(', ');

/**
 * The PostgreSQL stage: `COPY … FROM STDIN` into an UNLOGGED table of the run's own while the
 * sheet downloads (the server parses and stores the rows on its own core, beside our parser; no
 * WAL is written for them), then set-based merges in the one transaction, on any pooled
 * connection (an unlogged table, unlike a temporary one, is visible to all of them). The table
 * is dropped on every path; one left by a crash is dropped by dropStaleStages.
 */
export function openPostgresStage(db: Kysely<Database>, pool: pg.Pool, options: StageOptions): LeadStage {
  // The creation time in the name lets dropStaleStages tell a crash's leftovers from live stages.
  const table = `${STAGE_PREFIX}${Date.now().toString(36)}_${randomBytes(5).toString('hex')}`;
  let client: pg.PoolClient | null = null;
  let opening: Promise<pg.PoolClient> | null = null;
  let copy: { stream: CopyStreamQuery; error: Error | null } | null = null;
  let piece = '';
  let upserts = 0;
  const renames: [string, string][] = [];
  let deletes = 0;
  let created = false;
  let disposed = false;

  const connect = (): Promise<pg.PoolClient> => {
    if (disposed) return Promise.reject(new Error('the lead stage was disposed'));
    return (opening ??= (async () => {
      const c = await pool.connect();
      client = c;
      created = true;
      await c.query(
        `CREATE UNLOGGED TABLE ${table} (seq bigint PRIMARY KEY, ` +
          STAGE_COLUMNS.map((col) => `"${col}" ${col === 'sheetRow' ? 'integer' : 'text'}`).join(', ') +
          `); CREATE UNLOGGED TABLE ${table}_del (seq bigint PRIMARY KEY, "externalKey" text NOT NULL)`,
      );
      return c;
    })());
  };
  const startCopy = async (statement: string) => {
    const c = await connect();
    const stream = c.query(copyFrom(statement));
    const state = { stream, error: null as Error | null };
    // Never a stream without an 'error' listener: an unhandled one would end the process.
    stream.on('error', (error: Error) => (state.error = error));
    copy = state;
  };
  const send = async (text: string, force = false) => {
    piece += text;
    const current = copy;
    if (!current || (!force && piece.length < COPY_PIECE)) return;
    const data = piece;
    piece = '';
    if (current.error) throw current.error;
    if (data !== '' && !current.stream.write(data)) await drained(current);
  };
  const endCopy = async () => {
    const current = copy;
    if (!current) return;
    await send('', true);
    copy = null;
    current.stream.end();
    await finished(current.stream).catch((error: unknown) => {
      throw current.error ?? error;
    });
    if (current.error) throw current.error;
  };
  const releaseClient = (broken: boolean) => {
    const c = client;
    client = null;
    c?.release(broken ? true : undefined);
  };

  return {
    get upserts() {
      return upserts;
    },
    get deletes() {
      return deletes;
    },
    async add(lead) {
      if (!copy) await startCopy(`COPY ${table} (seq, ${quoted}) FROM STDIN`);
      upserts++;
      await send(`${upserts}\t${stageValues(lead, newId()).map(copyText).join('\t')}\n`);
    },
    rename(from, to) {
      renames.push([from, to]);
    },
    async addDeletes(keys) {
      if (keys.length === 0) return;
      await endCopy();
      await startCopy(`COPY ${table}_del (seq, "externalKey") FROM STDIN`);
      for (const key of keys) {
        deletes++;
        await send(`${deletes}\t${copyText(key)}\n`);
      }
      await endCopy();
    },
    async commit(work) {
      await endCopy();
      if (!created) await connect();
      releaseClient(false);
      await renameStaged(db, table, renames);
      return db.transaction().execute((trx) =>
        work(trx, (applyOptions) =>
          mergeStaged(
            trx,
            {
              customerId: options.customerId,
              upsertTable: table,
              deleteTable: `${table}_del`,
              upserts,
              deletes,
              chunk: options.batchSize,
              column: (c) => (c === 'data' ? 'data::jsonb' : `"${c}"`),
              time: (iso) => sql<string>`${iso}::timestamptz`,
            },
            applyOptions,
          ),
        ),
      );
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      if (opening) await opening.catch(() => null);
      if (copy) {
        // A COPY cut short leaves its connection mid-protocol: that connection is thrown away.
        copy.stream.destroy();
        copy = null;
        releaseClient(true);
      } else releaseClient(false);
      if (created) await pool.query(`DROP TABLE IF EXISTS ${table}, ${table}_del`).catch(() => {});
    },
  };
}

/** Drops staging tables that a crashed process left behind (older than STALE_STAGE_MS). */
export async function dropStalePostgresStages(pool: pg.Pool, now = Date.now()): Promise<number> {
  const { rows } = await pool.query<{ tablename: string }>(
    `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE '${STAGE_PREFIX}%'`,
  );
  let dropped = 0;
  for (const { tablename } of rows) {
    const born = parseInt(tablename.slice(STAGE_PREFIX.length).split('_')[0] ?? '', 36);
    if (!Number.isFinite(born) || now - born < STALE_STAGE_MS) continue;
    await pool.query(`DROP TABLE IF EXISTS "${tablename}"`);
    dropped++;
  }
  return dropped;
}

async function drained(copy: { stream: CopyStreamQuery; error: Error | null }): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => {
      copy.stream.off('drain', onDrain);
      reject(error);
    };
    const onDrain = () => {
      copy.stream.off('error', onError);
      resolve();
    };
    copy.stream.once('drain', onDrain);
    copy.stream.once('error', onError);
  });
}

const COPY_SPECIAL = /[\\\n\r\t]/;

/** A value in COPY's text format: `\N` for NULL; backslash, newline, CR and tab escaped. */
export function copyText(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  if (!COPY_SPECIAL.test(value)) return value;
  return value.replace(/[\\\n\r\t]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t',
  );
}
