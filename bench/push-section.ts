/**
 * docs/BENCHMARKS.md is written whole by `npm run bench`; the push bench (push-bench.ts) owns one
 * section of it, between these markers, which the main bench keeps as it finds it.
 */
const START = '<!-- push-bench:start -->';
const END = '<!-- push-bench:end -->';
const HEADING = '## Push and unchanged sheets (issue 14)';

/** `doc` with the push section replaced by `body` (appended when there is none yet). */
export function replaceSection(doc: string, body: string): string {
  const block = `${START}\n${HEADING}\n\n${body}\n${END}`;
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start === -1 || end === -1) return `${doc.trimEnd()}\n\n${block}\n`;
  return doc.slice(0, start) + block + doc.slice(end + END.length);
}

/** The push section of `doc` as it stands, markers included; '' when there is none. */
export function pushSection(doc: string): string {
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  return start === -1 || end === -1 ? '' : doc.slice(start, end + END.length);
}
