import { createRequire } from 'node:module';
import path from 'node:path';

/** The benchmark's deterministic leads generator (CommonJS, shared with bench/): 20 realistic columns. */
interface LeadsGenerator {
  HEADER: string[];
  /** Row i; `mutate` changes Status, Score and Notes of rows with i % 100 === 0. */
  genRow(i: number, mutate?: boolean): string[];
  csvLine(row: string[]): string;
}

const GENERATOR = path.resolve(import.meta.dirname, '../../../shared/bench/gen-leads-csv.js');
export const generator = createRequire(import.meta.url)(GENERATOR) as LeadsGenerator;

/** Rows 0, 1000, … 9000: ten rows the generator's mutation changes. */
export const TEN_EDITED: ReadonlySet<number> = new Set(Array.from({ length: 10 }, (_, k) => k * 1000));

/** A generated sheet of `rows` leads, the rows in `edited` mutated. */
export function generatedSheet(rows: number, edited: ReadonlySet<number> = new Set()): string {
  let csv = generator.csvLine(generator.HEADER);
  for (let i = 0; i < rows; i++) csv += generator.csvLine(generator.genRow(i, edited.has(i)));
  return csv;
}

/** The external key of generated row i (its Lead ID column). */
export const generatedKey = (i: number) => `id:LD-${String(i + 1).padStart(8, '0')}`;
