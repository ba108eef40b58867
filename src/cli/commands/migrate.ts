import { loadConfig } from '../../config.js';
import { openDatabase } from '../../db/connection.js';
import { migrateToLatest } from '../../db/migrate.js';
import type { Io } from '../output.js';

/** `leadsync migrate`: applies pending migrations and says which. */
export async function migrateCommand(
  options: { json?: boolean },
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const config = loadConfig(env);
  const handle = await openDatabase(config.databaseUrl, { migrate: false });
  try {
    const { applied } = await migrateToLatest(handle.db);
    if (options.json) io.out(JSON.stringify({ applied }) + '\n');
    else io.out(applied.length ? `Applied ${applied.join(', ')}\n` : 'The database is up to date\n');
    return 0;
  } finally {
    await handle.close();
  }
}
