import { loadConfig, type Config } from '../config.js';
import { openDatabase, type DatabaseHandle } from '../db/connection.js';

export interface CliContext {
  config: Readonly<Config>;
  handle: DatabaseHandle;
}

/** Config from the environment and an open, migrated database; the caller closes it. */
export async function openContext(env: NodeJS.ProcessEnv = process.env): Promise<CliContext> {
  const config = loadConfig(env);
  const handle = await openDatabase(config.databaseUrl);
  return { config, handle };
}

export async function withContext<T>(
  fn: (ctx: CliContext) => Promise<T>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<T> {
  const ctx = await openContext(env);
  try {
    return await fn(ctx);
  } finally {
    await ctx.handle.close();
  }
}
