import type { LeadHistoryEntry } from '../client/index.js';
import { dayTime } from './format.js';

/** Field names as people read them in the timeline. */
const FIELD_WORDS: Record<string, string> = {
  fullName: 'Name',
  firstName: 'First name',
  lastName: 'Last name',
  email: 'Email',
  phone: 'Phone',
  company: 'Company',
  jobTitle: 'Job title',
  source: 'Source',
  owner: 'Owner',
  occurredAt: 'Date',
  notes: 'Notes',
  status: 'Status',
  score: 'Score',
  convertedAt: 'Converted',
  data: 'Sheet columns',
};

/** "3 Dec, 10:02" in an en-GB browser (its locale and time zone). */
export const historyTime = (iso: string) => dayTime(iso);

type Value = LeadHistoryEntry['fields'][string]['from'];

function value(v: Value): string {
  if (v === null || v === '') return 'empty';
  if (typeof v === 'object') return 'the sheet columns';
  const text = String(v);
  return `“${text.length > 80 ? `${text.slice(0, 79)}…` : text}”`;
}

/** Who made the change: "by the sync of 3 Dec 10:02", "by an edit on 3 Dec 10:02". */
function by(entry: LeadHistoryEntry): string {
  return entry.runId ? `by the sync of ${historyTime(entry.at)}` : `by an edit on ${historyTime(entry.at)}`;
}

/** The timeline's sentences for one entry: one per changed field, or one for the whole write. */
export function historyLines(entry: LeadHistoryEntry): string[] {
  const fields = Object.entries(entry.fields);
  if (entry.op === 'insert') return [`Added ${by(entry)}`];
  if (entry.op === 'delete') return [`Removed from the sheet ${by(entry)}`];
  const lines = fields.flatMap(([name, { from, to }]) =>
    name === 'data'
      ? columnLines(from, to, entry)
      : [`${FIELD_WORDS[name] ?? name} changed from ${value(from)} to ${value(to)} ${by(entry)}`],
  );
  if (entry.op === 'restore') return [`Back in the sheet ${by(entry)}`, ...lines];
  return lines.length > 0 ? lines : [`Changed ${by(entry)}`];
}

/** Only an unmapped column changed: one sentence per sheet column whose cell differs. */
function columnLines(from: Value, to: Value, entry: LeadHistoryEntry): string[] {
  const before = typeof from === 'object' && from !== null ? from : {};
  const after = typeof to === 'object' && to !== null ? to : {};
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const changed = names.filter((n) => before[n] !== after[n]);
  if (changed.length === 0) return [`Sheet columns changed ${by(entry)}`];
  return changed.map(
    (n) => `${n} changed from ${value(before[n] ?? null)} to ${value(after[n] ?? null)} ${by(entry)}`,
  );
}
