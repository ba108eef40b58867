import { readdir } from 'node:fs/promises';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The layer rule of eslint.config.js, run on code placed (virtually) in src/: an upward import
 * fails lint, a downward one passes. `npm run lint` then keeps src/ itself that way.
 */
const eslint = new ESLint({
  cwd: new URL('../..', import.meta.url).pathname,
  // The files are virtual: no type information (the project service knows no such file), and
  // only the layer rule runs.
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
});

async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('the layer rule', () => {
  it.each([
    ['src/db/upward.ts', "import { runSync } from '../sync/engine.js';"],
    ['src/db/migrations/upward.ts', "import type { NewEvent } from '../../events/event-types.js';"],
    ['src/sheet/upward.ts', "import type { Database } from '../db/database.js';"],
    ['src/sources/upward.ts', "import type { Customer } from '../db/customers.repository.js';"],
    ['src/sync/sideways.ts', "import { createDispatcher } from '../notify/dispatcher.js';"],
    ['src/notify/sideways.ts', "import type { Ending } from '../sync/run-ending.js';"],
    ['src/worker/upward.ts', "import { buildApp } from '../api/app.js';"],
    ['src/api/upward.ts', "export { startService } from '../service/server.js';"],
    ['src/errors-upward.ts', "import { loadLeadIndex } from './sync/lead-index.js';"],
    ['src/config.ts', "import { recordLimits } from './sheet/record-limits.js';"],
  ])('fails %s', async (filePath, code) => {
    expect(await layerErrors(filePath, `${code}\nexport const x = 1;\n`)).toHaveLength(1);
  });

  it.each([
    ['src/db/downward.ts', "import type { DateOrder } from '../sheet/types.js';"],
    ['src/sync/downward.ts', "import type { NewEvent } from '../events/event-types.js';"],
    ['src/worker/downward.ts', "import { runSync } from '../sync/engine.js';"],
    ['src/cli/downward.ts', "import { startService } from '../service/server.js';"],
    ['src/sheet/downward.ts', "import { DEFAULT_MAX_ROW_CHARS } from '../defaults.js';"],
  ])('passes %s', async (filePath, code) => {
    expect(await layerErrors(filePath, `${code}\nexport const x = 1;\n`)).toEqual([]);
  });

  it('gives every folder of src/ a layer (LAYERS in eslint.config.js)', async () => {
    const folders = (await readdir(new URL('../../src', import.meta.url), { withFileTypes: true }))
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    for (const folder of folders) {
      const config = (await eslint.calculateConfigForFile(`src/${folder}/any.ts`)) as {
        rules?: Record<string, unknown>;
      };
      expect(config.rules?.['no-restricted-imports'], folder).toBeDefined();
    }
  });
});
