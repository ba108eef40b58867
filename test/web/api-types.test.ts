import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SHAPE_KEYS } from '../../web/client/api-types.js';

/**
 * Most client types come straight from the server's TypeBox schemas (tsc catches drift). The
 * response shapes the server declares inline are written out in the client; this keeps
 * them equal to docs/openapi.json, which test/api/openapi.test.ts keeps equal to the server.
 */
interface Schema {
  properties?: Record<string, unknown>;
}
const doc = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8')) as {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content: Record<string, { schema: Schema }> }> }>
  >;
};
const responseKeys = (path: string, method: string, status: string) =>
  Object.keys(
    doc.paths[path]?.[method]?.responses[status]?.content['application/json']?.schema.properties ?? {},
  ).sort();

describe('client types written out by hand', () => {
  it.each([
    ['sheetCheck', '/api/customers/validate-sheet', 'post', '200'],
    ['leadsPage', '/api/leads', 'get', '200'],
    ['pushUrl', '/api/customers/{id}/push-url', 'post', '201'],
    ['pushState', '/api/customers/{id}/push-url', 'get', '200'],
    ['notificationsPage', '/api/notifications', 'get', '200'],
    ['dashboardInfo', '/api/dashboard', 'get', '200'],
    ['activity', '/api/leads/sync/activity', 'get', '200'],
  ] as const)('%s has the same fields as %s in docs/openapi.json', (shape, path, method, status) => {
    expect(Object.keys(SHAPE_KEYS[shape]).sort()).toEqual(responseKeys(path, method, status));
  });
});
