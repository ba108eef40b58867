import { isLeadsyncError, toLeadsyncError } from '../errors.js';
import type { SyncProgress } from '../events/event-types.js';

/** Where the CLI writes; swappable so tests can capture output without a terminal. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  isTty: boolean;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  isTty: Boolean(process.stderr.isTTY),
};

/** A progress bar on a terminal; one plain line per phase or 10 % step otherwise (logs, CI). */
export function progressPrinter(io: Io): { update(p: SyncProgress): void; done(): void } {
  let lastLine = '';
  let lastPercent = -10;
  let lastPhase = '';
  return {
    update(p) {
      if (io.isTty) {
        const width = 30;
        const filled = Math.round((p.percent / 100) * width);
        const line = `[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${String(p.percent).padStart(3)}% ${p.phase}: ${p.message}`;
        if (line !== lastLine) io.err(`\r${line.slice(0, 120).padEnd(lastLine.length)}`);
        lastLine = line;
        return;
      }
      if (p.phase !== lastPhase || p.percent >= lastPercent + 10) {
        io.err(`${String(p.percent).padStart(3)}% ${p.phase}: ${p.message}\n`);
        lastPercent = p.percent;
        lastPhase = p.phase;
      }
    },
    done() {
      if (io.isTty && lastLine) io.err('\n');
    },
  };
}

/** A plain text table, columns sized to their longest cell (capped). */
export function formatTable<R extends object>(
  rows: readonly R[],
  columns: readonly (keyof R & string)[],
  maxWidth = 40,
): string {
  const cell = (v: unknown) => {
    const text =
      typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
        ? String(v)
        : JSON.stringify(v);
    const s = v === null || v === undefined ? '' : text.replace(/\s+/g, ' ');
    return s.length > maxWidth ? `${s.slice(0, maxWidth - 1)}…` : s;
  };
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return (
    [
      line(columns),
      line(widths.map((w) => '-'.repeat(w))),
      ...rows.map((r) => line(columns.map((c) => cell(r[c])))),
    ].join('\n') + '\n'
  );
}

/** Prints an error as `error CODE: message` (or JSON) and returns the exit code to use. */
export function reportError(io: Io, error: unknown, json: boolean): number {
  const e = toLeadsyncError(error);
  if (json)
    io.out(
      JSON.stringify({
        error: { code: e.code, message: e.message, ...(e.details && { details: e.details }) },
      }) + '\n',
    );
  else io.err(`error ${e.code}: ${e.message}\n`);
  if (!isLeadsyncError(error) && !json) io.err(`${(error as Error)?.stack ?? ''}\n`);
  // 4: busy, not wrong (see EXIT_BUSY); scripts may try again later.
  if (e.code === 'CUSTOMER_BUSY') return 4;
  return e.status >= 500 ? 1 : 2;
}
