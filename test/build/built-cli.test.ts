import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const execFileAsync = promisify(execFile);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
const url = (path: string) => pathToFileURL(join(REPO, path)).href;

/** Runs `node bin/leadsync.js …args` with Node's ESM loader tracing on: its output and every module it loaded. */
async function traced(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ stdout: string; modules: string[] }> {
  const { stdout, stderr } = await execFileAsync(process.execPath, ['bin/leadsync.js', ...args], {
    cwd: REPO,
    env: { ...process.env, ...env, NODE_DEBUG: 'esm' },
    // The trace prints every module's job, so a regression that loads the service prints megabytes.
    maxBuffer: 256 * 1024 * 1024,
  });
  const modules = [...stderr.matchAll(/Storing (\S+) \(/g)].map((match) => match[1] ?? '');
  // The trace's format is Node's: if it ever changes, fail here rather than pass on an empty list.
  expect(modules).toContain(url('bin/leadsync.js'));
  return { stdout, modules };
}

// Not timed here (the machine is shared): `npm run bench` prints the start-up figure.
describe('the built leadsync command', () => {
  it('answers --version from package.json alone, without loading the command line or tsx', async () => {
    const { stdout, modules } = await traced(['--version']);
    expect(stdout).toBe(`${VERSION}\n`);
    expect(modules.filter((module) => module.startsWith('file:'))).toEqual([url('bin/leadsync.js')]);
  });

  it('runs help from dist/server with commander only: no tsx, no TypeScript, no database or HTTP module', async () => {
    for (const args of [['--help'], ['sync', '--help']]) {
      const { stdout, modules } = await traced(args);
      expect(stdout).toContain(`Usage: leadsync ${args.length > 1 ? 'sync ' : ''}`);
      expect(modules).toContain(url('dist/server/cli/main.js'));
      expect(modules.filter((module) => /\/node_modules\/tsx\/|\.ts$/.test(module))).toEqual([]);
      expect(
        modules.filter((module) => /\/node_modules\/(fastify|kysely|pg|better-sqlite3|zod)\//.test(module)),
      ).toEqual([]);
    }
  });

  it('never loads pg for a SQLite database (the default)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadsync-sqlite-'));
    try {
      const { stdout, modules } = await traced(['migrate', '--json'], {
        DATABASE_URL: `sqlite:${join(dir, 'leadsync.db')}`,
      });
      expect(JSON.parse(stdout)).toMatchObject({ applied: expect.arrayContaining(['0001-initial']) });
      expect(modules).toContain(url('dist/server/db/connection.js'));
      expect(modules.filter((module) => /\/node_modules\/pg(-[a-z-]+)?\//.test(module))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bin/leadsync.js in a checkout', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leadsync-build-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('builds a missing or stale dist/server before it runs, so it always runs the current source', async () => {
    for (const path of ['bin', 'scripts', 'src', 'package.json', 'tsconfig.json'])
      cpSync(join(REPO, path), join(dir, path), { recursive: true });
    symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
    const help = () => execFileAsync(process.execPath, ['bin/leadsync.js', '--help'], { cwd: dir });

    const fresh = await help();
    expect(fresh).toMatchObject({ stderr: '' });
    expect(fresh.stdout).toContain('Keeps a database of sales leads in step with Google Sheets.');

    const program = join(dir, 'src/cli/program.ts');
    writeFileSync(
      program,
      readFileSync(program, 'utf8').replace('Keeps a database', 'Keeps an edited database'),
    );
    const edited = await help();
    expect(edited).toMatchObject({ stderr: '' });
    expect(edited.stdout).toContain('Keeps an edited database of sales leads');
  });
});
