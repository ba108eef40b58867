import { Command, InvalidArgumentError, Option } from 'commander';
import { PACKAGE_VERSION } from '../package-root.js';
import { registerCustomerCommands, registerTokenCommands } from './admin-commands.js';
import { reportError, type Io } from './output.js';

// Each command's module (and so Kysely, better-sqlite3, pg, Fastify…) is loaded only when that
// command runs: `leadsync --help` or a usage error then costs commander alone, and `leadsync sync`
// never loads the service (imported eagerly it doubled the start-up of every sync, ~1 s of CPU).
const commands = {
  approve: () => import('./commands/approve.js'),
  changes: () => import('./commands/changes.js'),
  inspect: () => import('./commands/inspect.js'),
  migrate: () => import('./commands/migrate.js'),
  serve: () => import('./commands/serve.js'),
  sync: () => import('./commands/sync.js'),
};

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new InvalidArgumentError('must be a whole number from 1 to 1000');
  return n;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 86_400)
    throw new InvalidArgumentError('must be a whole number of seconds from 0 to 86400');
  return n;
}

/** The longest a `sync` or `approve` waits for another process's sync of the customer, by default. */
const DEFAULT_WAIT_SECONDS = 900;

interface WaitFlags {
  wait: boolean;
  waitTimeout: number;
}

const waitChoice = (o: WaitFlags) => ({ wait: o.wait, waitTimeoutMs: o.waitTimeout * 1000 });

/** `--no-wait` and `--wait-timeout`, for the commands that sync under the customer's lease. */
function withWaitOptions(command: Command): Command {
  return command
    .option('--no-wait', 'exit at once (code 4) when a worker or another CLI is syncing the customer')
    .option(
      '--wait-timeout <seconds>',
      'give up (code 4) after waiting this long for another sync of the customer',
      seconds,
      DEFAULT_WAIT_SECONDS,
    );
}

/** Wraps a command's action: its exit code, or the error it threw reported (as JSON when asked). */
export type Act = <A extends unknown[]>(
  fn: (...args: A) => Promise<number>,
  json: (...args: A) => boolean,
) => (...args: A) => Promise<void>;

/**
 * Builds the `leadsync` command line; each action sets the exit code. `env` is where the
 * customers and token commands read their configuration (tests pass their own; default
 * process.env).
 */
export function buildProgram(
  io: Io,
  setExit: (code: number) => void,
  env: NodeJS.ProcessEnv = process.env,
): Command {
  const program = new Command('leadsync')
    .description('Keeps a database of sales leads in step with Google Sheets.')
    .version(PACKAGE_VERSION)
    .showHelpAfterError()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  const act: Act =
    <A extends unknown[]>(fn: (...args: A) => Promise<number>, json: (...args: A) => boolean) =>
    async (...args: A) => {
      try {
        setExit(await fn(...args));
      } catch (error) {
        setExit(reportError(io, error, json(...args)));
      }
    };
  const jsonOption = new Option('--json', 'print machine-readable JSON on stdout');

  withWaitOptions(program.command('sync'))
    .description(
      'Sync one sheet (Google Sheets link, spreadsheet id, CSV URL or local CSV file) into the database',
    )
    .argument('<source>', 'sheet link, spreadsheet id, https CSV URL or path to a CSV file')
    .option('--customer <name>', 'customer to sync into (created if new; default: derived from the source)')
    .option('--key <column>', 'header of the column that identifies a lead')
    .addOption(new Option('--date-order <order>', 'how to read 04/02/2026').choices(['DMY', 'MDY']))
    .addOption(jsonOption)
    .action(
      act(
        async (
          source: string,
          opts: WaitFlags & { customer?: string; key?: string; dateOrder?: 'DMY' | 'MDY'; json?: boolean },
        ) => (await commands.sync()).syncCommand(source, { ...opts, ...waitChoice(opts) }, io, env),
        (_s, o) => Boolean(o.json),
      ),
    );

  program
    .command('runs')
    .description("Show a customer's sync history, newest first")
    .requiredOption('--customer <name>', 'customer name')
    .option('--limit <n>', 'how many runs', positiveInt, 20)
    .addOption(jsonOption)
    .action(
      act(
        async (opts: { customer: string; limit: number; json?: boolean }) =>
          (await commands.inspect()).runsCommand(opts, io, env),
        (o) => Boolean(o.json),
      ),
    );

  program
    .command('leads')
    .description("Show a customer's first leads as a table")
    .requiredOption('--customer <name>', 'customer name')
    .option('--limit <n>', 'how many leads', positiveInt, 20)
    .option('--search <text>', 'only leads whose name, email, phone or company contains this')
    .option('--include-deleted', 'also show leads that left the sheet')
    .addOption(jsonOption)
    .action(
      act(
        async (opts: {
          customer: string;
          limit: number;
          search?: string;
          includeDeleted?: boolean;
          json?: boolean;
        }) => (await commands.inspect()).leadsCommand(opts, io, env),
        (o) => Boolean(o.json),
      ),
    );

  program
    .command('changes')
    .description(
      "Print a customer's lead changes as NDJSON, oldest first (each line's cursor resumes after it)",
    )
    .requiredOption('--customer <nameOrId>', 'customer name or id')
    .option(
      '--since <cursor>',
      'only changes after this cursor (a line\'s "cursor", or the last one printed)',
    )
    .option('--follow', 'keep polling and print new changes as they commit, until SIGINT/SIGTERM')
    .option('--interval <seconds>', 'how often --follow polls', seconds, 1)
    .action(
      act(
        async (opts: { customer: string; since?: string; follow?: boolean; interval: number }) =>
          (await commands.changes()).changesCommand(
            { ...opts, intervalMs: Math.max(1, opts.interval) * 1000 },
            io,
            env,
          ),
        () => true,
      ),
    );

  withWaitOptions(program.command('approve'))
    .description('Approve a held (needs_review) run: sync again with deletions allowed')
    .argument('<runId>', 'id of the needs_review run')
    .addOption(jsonOption)
    .action(
      act(
        async (runId: string, opts: WaitFlags & { json?: boolean }) =>
          (await commands.approve()).approveCommand(runId, { json: opts.json, ...waitChoice(opts) }, io, env),
        (_r, o) => Boolean(o.json),
      ),
    );

  program
    .command('migrate')
    .description('Apply pending database migrations (also done automatically at start-up)')
    .addOption(jsonOption)
    .action(
      act(
        async (opts: { json?: boolean }) => (await commands.migrate()).migrateCommand(opts, io, env),
        (o) => Boolean(o.json),
      ),
    );

  program
    .command('serve')
    .description('Run the HTTP API and a worker on one port (PORT, default 3000) until SIGTERM')
    .option('--no-worker', 'serve the API only (run workers with `leadsync worker`)')
    .action(
      act(
        async (opts: { worker: boolean }) =>
          (await commands.serve()).serveCommand({ api: true, worker: opts.worker }, io),
        () => false,
      ),
    );

  program
    .command('worker')
    .description('Run a worker only: claim due customers and sync them until SIGTERM')
    .action(
      act(
        async () => (await commands.serve()).serveCommand({ api: false, worker: true }, io),
        () => false,
      ),
    );

  registerCustomerCommands(program, act, io, env);
  registerTokenCommands(program, act, io, env);

  return program;
}
