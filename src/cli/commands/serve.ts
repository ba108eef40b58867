import { loadConfig } from '../../config.js';
import { closeOnSignals, startService } from '../../service/server.js';
import type { Io } from '../output.js';

/**
 * `leadsync serve [--no-worker]` and `leadsync worker`: run until SIGTERM/SIGINT, then shut down
 * gracefully. Resolves to the exit code.
 */
export async function serveCommand(options: { api: boolean; worker: boolean }, io: Io): Promise<number> {
  const config = loadConfig();
  const print = (line: string) => io.err(`${line}\n`);
  const service = await startService({
    config,
    api: options.api,
    worker: options.worker,
    print,
    logger: options.api,
  });
  await closeOnSignals(service, print);
  print('stopped');
  return 0;
}
