// `node bin/run-ts.js scripts/openapi.ts`: writes docs/openapi.json from the routes' schemas.
import { writeFile } from 'node:fs/promises';
import { openApiDocument } from '../src/api/openapi-document.js';

await writeFile(new URL('../docs/openapi.json', import.meta.url), await openApiDocument());
console.log('wrote docs/openapi.json');
