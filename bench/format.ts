import type { Dialect } from './databases.js';
import type { Stats } from './measure.js';

/** Formatting shared by the report's tables. */
export const DIALECT_LABEL: Record<Dialect, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL' };

export const SCENARIO_LABEL = {
  full: 'full sync',
  unchanged: 'unchanged re-sync',
  changed: '1 % changed',
} as const;

export const time = (ms: number): string =>
  !Number.isFinite(ms) ? '–' : ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
export const spread = (s: Stats): string => (s.n > 1 ? ` (${time(s.min)}–${time(s.max)})` : '');
export const num = (n: number): string => (Number.isFinite(n) ? n.toLocaleString('en-US') : '–');
export const x = (r: number): string => (Number.isFinite(r) ? `${r.toFixed(2)}×` : '–');
export const mb = (n: number): string => (Number.isFinite(n) ? `${Math.round(n)} MB` : '–');
export const mark = (ok: boolean | null): string => (ok === null ? '–' : ok ? '✓' : '✗');

/** One Markdown table row; `|` inside a cell is escaped. */
export const row = (cells: readonly string[]): string =>
  `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;

export const table = (head: readonly string[], rows: readonly (readonly string[])[]): string =>
  [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');
