import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

/** semver ships with npm's own tree (a dependency of several of ours); only its range check is used. */
const semver = createRequire(import.meta.url)('semver') as {
  minVersion(range: string): { version: string } | null;
  satisfies(version: string, range: string): boolean;
};

const read = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../../${name}`, import.meta.url), 'utf8')) as T;

interface LockFile {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
}

// `npm ci` prints EBADENGINE for every locked package whose `engines.node` excludes the running
// Node; the README asks for the oldest Node package.json allows, so every package must accept it.
it('locks only packages that run on the oldest Node that package.json allows (no EBADENGINE)', () => {
  const range = read<{ engines: { node: string } }>('package.json').engines.node;
  const oldest = semver.minVersion(range)?.version;
  expect(oldest).toBeDefined();
  const refusing = Object.entries(read<LockFile>('package-lock.json').packages)
    .filter(([path, p]) => path !== '' && p.engines && !Array.isArray(p.engines) && p.engines.node)
    .filter(([, p]) => !semver.satisfies(oldest ?? '', (p.engines as { node: string }).node))
    .map(
      ([path, p]) =>
        `${path.replace(/^.*node_modules\//, '')}@${p.version} (node ${JSON.stringify(p.engines)})`,
    );
  expect(refusing).toEqual([]);
});
