import { CommanderError } from 'commander';
import { buildProgram } from '../../src/cli/program.js';
import type { FakeGoogle } from '../fake-google/server.js';
import type { CliResult } from './support.js';

/**
 * Runs `leadsync …args` inside the test's process, through the CLI's Io and a literal
 * environment (no spawn: ~1 s of CPU saved per call). Commands given `env` read only it; the
 * process's own LEADSYNC_ and GOOGLE_ settings never reach them.
 */
export async function leadsyncInProcess(
  args: string[],
  target: { databaseUrl: string; fake?: FakeGoogle; env?: Record<string, string> },
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  let code = 0;
  const env: NodeJS.ProcessEnv = {
    DATABASE_URL: target.databaseUrl,
    ...(target.fake && {
      GOOGLE_SHEETS_BASE_URL: target.fake.baseUrl,
      GOOGLE_SHEETS_API_BASE_URL: target.fake.apiBaseUrl,
    }),
    ...target.env,
  };
  const io = { out: (t: string) => void (stdout += t), err: (t: string) => void (stderr += t), isTty: false };
  const program = buildProgram(io, (c) => (code = c), env);
  const throwInstead = (command: typeof program) => {
    command.exitOverride();
    command.commands.forEach(throwInstead);
  };
  throwInstead(program);
  try {
    await program.parseAsync(['node', 'leadsync', ...args]);
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    code = error.exitCode === 0 ? 0 : 2;
  }
  return { code, stdout, stderr };
}
