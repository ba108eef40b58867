import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

/**
 * Issue 16, finding 4: `npm ci && npm run demo` on a fresh clone served "The dashboard is not
 * built" while printing "Open http://…/". The demo now builds the dashboard first when it is
 * missing or older than its sources (the same no-op-when-fresh step `npm start` runs), and the
 * server reads index.html per request (test/web/dashboard-static.test.ts), so a later build is
 * served without a restart.
 */
it('npm run demo builds the dashboard before it serves it, as npm start does', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const build = 'node scripts/build-web-if-needed.js';
  expect(pkg.scripts.demo?.startsWith(`${build} && `)).toBe(true);
  expect(pkg.scripts.prestart).toContain(build);
});
