import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import { dialectOf, traitsOf } from '../dialect.js';

/**
 * SQLite lets a primary key that is not an INTEGER hold NULL unless it is also NOT NULL, which
 * migrations 0002 (`api_tokens.id`), 0010 (`push_urls.customerId`) and 0012 (`google_quota.name`)
 * left out. SQLite cannot add NOT NULL to a column, so each table is rebuilt as its documented
 * procedure says (create the new table, copy, drop, rename) inside the migration's transaction.
 * No child table references these three, so dropping the old one cascades nowhere. PostgreSQL's
 * primary keys are NOT NULL already: nothing to do there.
 */
type Columns = (table: CreateTableBuilder<string, never>) => CreateTableBuilder<string, never>;

export async function up(db: Kysely<unknown>): Promise<void> {
  if (dialectOf(db) !== 'sqlite') return;
  const { columnTypes: t } = traitsOf(db);
  const tables: [name: string, key: string, columns: Columns][] = [
    [
      'api_tokens',
      'id',
      (table) =>
        table
          .addColumn('id', 'text', (c) => c.primaryKey().notNull())
          .addColumn('tokenHash', 'text', (c) => c.notNull().unique())
          .addColumn('customerId', 'text', (c) => c.references('customers.id').onDelete('cascade'))
          .addColumn('label', 'text', (c) => c.notNull())
          .addColumn('createdAt', t.timestamp, (c) => c.notNull()),
    ],
    [
      'push_urls',
      'customerId',
      (table) =>
        table
          .addColumn('customerId', 'text', (c) =>
            c.primaryKey().notNull().references('customers.id').onDelete('cascade'),
          )
          .addColumn('secretHash', 'text', (c) => c.notNull())
          .addColumn('debounceSeconds', 'integer', (c) => c.notNull())
          .addColumn('createdAt', t.timestamp, (c) => c.notNull())
          .addColumn('lastPushAt', t.timestamp)
          .addColumn('pushCount', t.bigint, (c) => c.notNull().defaultTo(0)),
    ],
    [
      'google_quota',
      'name',
      (table) =>
        table
          .addColumn('name', 'text', (c) => c.primaryKey().notNull())
          .addColumn('nextFreeMs', 'double precision', (c) => c.notNull())
          .addColumn('sendAtMs', 'double precision', (c) => c.notNull()),
    ],
  ];
  for (const [name, key, columns] of tables) {
    const rebuilt = `${name}__rebuilt`;
    await columns(db.schema.createTable(rebuilt)).execute();
    // Same columns in the same order; a row without a key was never written by the code.
    await sql`insert into ${sql.table(rebuilt)} select * from ${sql.table(name)} where ${sql.ref(key)} is not null`.execute(
      db,
    );
    await db.schema.dropTable(name).execute();
    await db.schema.alterTable(rebuilt).renameTo(name).execute();
  }
}

/** Nothing to undo: a NOT NULL key is what 0002, 0010 and 0012 meant. */
export async function down(): Promise<void> {}
