import { expect } from 'vitest';
import { LeadsyncError, type ErrorCode } from '../../src/errors.js';
import type { SheetBody } from '../../src/sources/types.js';

/** Awaits a rejection and checks its code; returns the error for further checks. */
export async function rejection(promise: Promise<unknown>, code: ErrorCode): Promise<LeadsyncError> {
  const error: unknown = await promise.then(
    () => new Error(`expected ${code}, but it succeeded`),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LeadsyncError);
  expect((error as LeadsyncError).code).toBe(code);
  return error as LeadsyncError;
}

export async function csvText(body: SheetBody): Promise<string> {
  if (body.kind !== 'csv') throw new Error(`expected a csv body, got ${body.kind}`);
  return Buffer.concat(await collect(body.chunks)).toString('utf8');
}

export async function allRows(body: SheetBody): Promise<string[][]> {
  if (body.kind !== 'rows') throw new Error(`expected a rows body, got ${body.kind}`);
  return (await collect(body.rows)).flat();
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** A CSV of `rows` lead rows, about 40 bytes each. */
export function leadsCsv(rows: number): string {
  const lines = ['Name,Email,Phone'];
  for (let i = 1; i <= rows; i++)
    lines.push(`Lead ${i},lead${i}@example.com,+1 555 ${String(i).padStart(4, '0')}`);
  return `${lines.join('\r\n')}\r\n`;
}

/** A 44-character id in Google's alphabet. */
export const SHEET_ID = '1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms';
