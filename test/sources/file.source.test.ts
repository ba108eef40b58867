import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileSource } from '../../src/sources/file.source.js';
import { csvText, leadsCsv, rejection } from './support.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'leadsync-file-source-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const source = (path: string, maxBytes = 1024 * 1024) => new FileSource(path, { maxBytes });

describe('FileSource', () => {
  it('streams the file and reports its size', async () => {
    const csv = leadsCsv(5000);
    const path = join(dir, 'leads.csv');
    await writeFile(path, csv);
    const body = await source(path).open();
    expect(body).toMatchObject({ kind: 'csv', contentLength: Buffer.byteLength(csv) });
    expect(await csvText(body)).toBe(csv);
  });

  it('fails with SHEET_READ_FAILED for a missing file or a directory', async () => {
    const missing = await rejection(source(join(dir, 'nope.csv')).open(), 'SHEET_READ_FAILED');
    expect(missing.message).toContain('does not exist');
    await rejection(source(dir).open(), 'SHEET_READ_FAILED');
  });

  it('fails with SHEET_NOT_CSV for a saved web page', async () => {
    const path = join(dir, 'page.csv');
    await writeFile(path, '<!DOCTYPE html>\n<html><body>Sign in</body></html>');
    await rejection(source(path).open(), 'SHEET_NOT_CSV');
  });

  it('fails with SHEET_TOO_LARGE beyond the limit', async () => {
    const path = join(dir, 'big.csv');
    await writeFile(path, leadsCsv(100));
    await rejection(source(path, 100).open(), 'SHEET_TOO_LARGE');
  });

  it('stops when the signal aborts', async () => {
    const path = join(dir, 'leads.csv');
    await rejection(source(path).open({ signal: AbortSignal.abort() }), 'SYNC_CANCELLED');
  });
});
