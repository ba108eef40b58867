import { createHash } from 'node:crypto';

/** A held run's delete set, as shown on the run: how many keys, and a hash of them. */
export interface DeleteSetFingerprint {
  count: number;
  /** SHA-256 (hex) of the keys in code-unit order, each followed by a newline. */
  sha256: string;
}

/**
 * The fingerprint of a delete set, the same whatever order the keys come in. It names the set
 * for people and webhooks; the check that an approval deletes only what was approved uses the
 * keys themselves (a hash cannot tell a subset), src/db/held-deletes.repository.ts.
 */
export function deleteSetFingerprint(keys: readonly string[]): DeleteSetFingerprint {
  const sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const hash = createHash('sha256');
  for (const key of sorted) hash.update(`${key}\n`);
  return { count: keys.length, sha256: hash.digest('hex') };
}
