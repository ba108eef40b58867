import { expect, it } from 'vitest';
import { leadsync } from './support.js';

/**
 * The one-shot commands, each with --json for scripts. (serve, worker and token belong to the
 * service; the root help must list them too.) Each spawn costs over a second of CPU, so few.
 */
const COMMANDS = ['sync', 'runs', 'leads', 'approve', 'migrate'];
const LISTED = [...COMMANDS, 'serve', 'worker', 'token', 'customers'];

it('prints help and exits 0 for leadsync and for each of its one-shot commands', async () => {
  const [root, ...commands] = await Promise.all([
    leadsync(['--help']),
    ...COMMANDS.map((command) => leadsync([command, '--help'])),
  ]);

  expect(root).toMatchObject({ code: 0, stderr: '' });
  for (const name of LISTED) expect(root?.stdout).toMatch(new RegExp(`^\\s+${name}\\b`, 'm'));
  commands.forEach((result, i) => {
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain(`Usage: leadsync ${COMMANDS[i]} `);
    expect(result.stdout).toContain('--json');
  });
}, 60_000);
