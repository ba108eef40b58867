#!/usr/bin/env node
// The `leadsync` command. It runs the JavaScript build of src/ (dist/server/, made by `npm ci`;
// see scripts/server-build.js), not the TypeScript through a loader, so a start costs Node alone.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // Health checks and scripts ask this often: answered without loading the command line.
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pkg.version}\n`);
} else {
  // A checkout whose src/ changed since the build is rebuilt first (~0.2 s), so this always runs
  // the current source; when current, the check is one stat walk of src/.
  const { ensureServerBuild } = await import('../scripts/server-build.js');
  ensureServerBuild();
  process.setSourceMapsEnabled(true);
  await import('../dist/server/cli/main.js');
}
