import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { openApiDocument } from '../../src/api/openapi-document.js';

it('docs/openapi.json is what the routes describe (run `npm run openapi` after changing a route)', async () => {
  const committed = await readFile(new URL('../../docs/openapi.json', import.meta.url), 'utf8');
  expect(committed).toBe(await openApiDocument());
});
