import { execFile } from 'node:child_process';
import { mkdtemp, readdir, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { removeStaleSpills } from '../../src/service/last-resort.js';

const run = promisify(execFile);

describe('the process last resort', () => {
  it('logs an uncaught exception and an unhandled rejection, fails the running syncs and stays alive', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'test/fixtures/processes/last-resort.ts'],
      {
        timeout: 20_000,
      },
    );
    expect(stdout).toContain('uncaught exception: Error: stream destroyed');
    expect(stdout).toContain('unhandled rejection: Error: nobody awaited this');
    expect(stdout).toContain('alive, failed runs with INTERNAL,INTERNAL');
  });

  it('removes the spill folders earlier versions left behind, and nothing else', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'leadsync-t-'));
    try {
      await mkdir(path.join(dir, 'leadsync-changes-abc'));
      await mkdir(path.join(dir, 'leadsync-changes-def'));
      await mkdir(path.join(dir, 'other'));
      expect(await removeStaleSpills(dir)).toBe(2);
      expect(await readdir(dir)).toEqual(['other']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
