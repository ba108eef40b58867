import { Option, type Command } from 'commander';
import type { Io } from './output.js';
import type { Act } from './program.js';

// Loaded only when one of these commands runs (see program.ts).
const customers = () => import('./commands/customers.js');
const token = () => import('./commands/token.js');
const json = () => new Option('--json', 'print machine-readable JSON on stdout');
type Json = { json?: boolean };

/** `leadsync customers list | show | remove`: what is registered, and clearing out what should not be. */
export function registerCustomerCommands(program: Command, act: Act, io: Io, env: NodeJS.ProcessEnv): void {
  const group = program.command('customers').description('List, show and remove customers');
  group
    .command('list')
    .description('Every customer with its status, lead count, last and next sync')
    .addOption(json())
    .action(
      act(
        async (opts: Json) => (await customers()).customersListCommand(opts, io, env),
        (o) => Boolean(o.json),
      ),
    );
  group
    .command('show')
    .description("One customer's settings, status and last runs")
    .argument('<nameOrId>', 'customer name or id')
    .addOption(json())
    .action(
      act(
        async (nameOrId: string, opts: Json) =>
          (await customers()).customersShowCommand(nameOrId, opts, io, env),
        (_n, o) => Boolean(o.json),
      ),
    );
  group
    .command('remove')
    .description('Delete a customer with its leads and runs; it is never synced again')
    .argument('<nameOrId>', 'customer name or id')
    .option('--yes', 'really remove it (without: say what would be removed, exit 2)')
    .addOption(json())
    .action(
      act(
        async (nameOrId: string, opts: Json & { yes?: boolean }) =>
          (await customers()).customersRemoveCommand(nameOrId, opts, io, env),
        (_n, o) => Boolean(o.json),
      ),
    );
}

/** `leadsync token create | list | revoke`. */
export function registerTokenCommands(program: Command, act: Act, io: Io, env: NodeJS.ProcessEnv): void {
  const group = program.command('token').description('Manage API tokens');
  group
    .command('create')
    .description('Create a bearer token for one customer, or an admin token with --admin (printed once)')
    .option('--customer <nameOrId>', 'the customer the token sees (name or id)')
    .option('--admin', 'a token that sees every customer (re-issues a lost admin token)')
    .option('--label <text>', 'what the token is for')
    .addOption(json())
    .action(
      act(
        async (opts: Json & { customer?: string; admin?: boolean; label?: string }) =>
          (await token()).tokenCreateCommand(opts, io, env),
        (o) => Boolean(o.json),
      ),
    );
  group
    .command('list')
    .description('Every stored token: id, scope, label, created (never the token itself)')
    .addOption(json())
    .action(
      act(
        async (opts: Json) => (await token()).tokenListCommand(opts, io, env),
        (o) => Boolean(o.json),
      ),
    );
  group
    .command('revoke')
    .description('Revoke a token by id (see token list): it is refused from then on')
    .argument('<id>', 'the token id')
    .addOption(json())
    .action(
      act(
        async (id: string, opts: Json) => (await token()).tokenRevokeCommand(id, opts, io, env),
        (_i, o) => Boolean(o.json),
      ),
    );
}
