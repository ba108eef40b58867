import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { buildServer, buildServerIfNeeded, serverBuildIsCurrent } from '../../scripts/server-build.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'leadsync-server-build-'));
  mkdirSync(join(root, 'src/text'), { recursive: true });
  writeFileSync(
    join(root, 'src/greet.ts'),
    "import { shout } from './text/shout.js';\nexport const greeting: string = shout('hi');\n",
  );
  writeFileSync(
    join(root, 'src/text/shout.ts'),
    'export const shout = (text: string): string => `${text.toUpperCase()}!`;\n',
  );
  // Written seconds before any build starts: a build's stamp has millisecond precision, a file's
  // time finer, so a source written in the same millisecond as the build began would count as newer.
  ageSources(20);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/**
 * Moves the sources 10 s and the build's stamp 5 s into the past, so the next edit is newer than
 * the build by seconds, whatever the file system's time resolution (instead of sleeping past it).
 */
function ageBuild(): void {
  ageSources(10);
  utimesSync(join(root, 'dist/server/.built'), ago(5), ago(5));
}

const ago = (s: number) => new Date(Date.now() - s * 1000);

/** Dates every file and folder of src/ `seconds` back. */
function ageSources(seconds: number): void {
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      utimesSync(path, ago(seconds), ago(seconds));
    }
    utimesSync(dir, ago(seconds), ago(seconds));
  };
  walk(join(root, 'src'));
}

it('builds each source file into dist/server in the same folders, as JavaScript Node runs alone, with a source map', async () => {
  expect(serverBuildIsCurrent(root)).toBe(false);
  expect(buildServer(root)).toBe(2);

  const built = join(root, 'dist/server/greet.js');
  expect(readFileSync(built, 'utf8')).not.toContain(': string');
  const { greeting } = (await import(pathToFileURL(built).href)) as { greeting: string };
  expect(greeting).toBe('HI!');
  expect(JSON.parse(readFileSync(`${built}.map`, 'utf8'))).toMatchObject({ sources: ['../../src/greet.ts'] });
  expect(serverBuildIsCurrent(root)).toBe(true);
});

it('is stale once a source is edited, added or deleted, and rebuilds only then', async () => {
  buildServer(root);
  expect(buildServerIfNeeded(root)).toBe(0);

  ageBuild();
  writeFileSync(join(root, 'src/text/shout.ts'), 'export const shout = (text: string): string => text;\n');
  expect(serverBuildIsCurrent(root)).toBe(false);
  expect(buildServerIfNeeded(root)).toBe(2);

  ageBuild();
  writeFileSync(
    join(root, 'src/text/whisper.ts'),
    'export const whisper = (text: string): string => text;\n',
  );
  expect(buildServerIfNeeded(root)).toBe(3);

  ageBuild();
  rmSync(join(root, 'src/text/shout.ts'));
  expect(serverBuildIsCurrent(root)).toBe(false);
  expect(buildServerIfNeeded(root)).toBe(2);
  // A full rebuild: the deleted source leaves no output behind to be imported by mistake.
  expect(existsSync(join(root, 'dist/server/text/shout.js'))).toBe(false);
  expect(existsSync(join(root, 'dist/server/text/whisper.js'))).toBe(true);
});
