import { createHash } from 'node:crypto';
import type { MappingOptions } from '../sheet/types.js';

/**
 * Bump when a change to parsing, header detection, field mapping, identity or normalisation
 * would turn the same bytes into different leads: every customer is then read in full once.
 */
export const READER_VERSION = 1;

/**
 * What decides the leads a body becomes: the body's own hash, the customer's mapping options
 * (key column, date order, field overrides) and the reader's version. Stored as the state's
 * `lastBodyHash` after a successful run; a later run whose body and options give the same
 * fingerprint would write nothing, so it ends `unchanged` without being parsed.
 */
export function inputFingerprint(bodyHash: string, options: MappingOptions): string {
  const mapping = JSON.stringify([
    READER_VERSION,
    options.keyColumn ?? null,
    options.dateOrder,
    sortedEntries(options.fieldOverrides ?? null),
  ]);
  return createHash('sha1').update(bodyHash).update('\u0000').update(mapping).digest('hex');
}

function sortedEntries(overrides: MappingOptions['fieldOverrides'] | null): [string, unknown][] | null {
  if (!overrides) return null;
  return Object.entries(overrides).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
