import type { ChangeOp } from '../db/database.js';
import type { FieldChange } from '../db/change-batches.repository.js';
import { encodeFeedCursor } from '../db/change-cursor.js';
import type { FeedChange } from '../db/change-feed.repository.js';
import type { Lead } from '../db/lead.row.js';
import { TRACKED_FIELDS } from '../db/lead-changes.merge.js';

/** Fields in the order the lead shows them (PostgreSQL's jsonb keeps its own key order). */
const FIELD_ORDER: readonly string[] = [...TRACKED_FIELDS, 'data', 'status', 'score', 'convertedAt'];
const rank = (name: string) => {
  const i = FIELD_ORDER.indexOf(name);
  return i === -1 ? FIELD_ORDER.length : i;
};
const ordered = (names: string[]) => names.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));

/** A change as the API, the CLI and the `leads.changed` event show it. */
export interface ChangeJson {
  op: ChangeOp;
  lead: Lead;
  /** The lead fields whose values changed (updates, restores, edits). */
  changedFields?: string[];
  /** The sync run that made it (absent for CRM edits). */
  runId?: string;
  at: string;
  /** Reads on after this change (`since=`). */
  cursor: string;
}

/** One entry of a lead's history: what a write changed, from what to what. */
export interface HistoryJson {
  at: string;
  runId?: string;
  op: ChangeOp;
  fields: Record<string, { from: FieldChange[0]; to: FieldChange[1] }>;
  cursor: string;
}

export function toChangeJson(change: FeedChange): ChangeJson {
  return {
    op: change.op,
    lead: change.lead,
    ...(change.fields && { changedFields: ordered(Object.keys(change.fields)) }),
    ...(change.runId !== null && { runId: change.runId }),
    at: change.at,
    cursor: encodeFeedCursor(change.place),
  };
}

export function toFieldsJson(fields: Record<string, FieldChange> | null): HistoryJson['fields'] {
  const entries = Object.entries(fields ?? {}).map(([name, [from, to]]) => [name, { from, to }] as const);
  return Object.fromEntries(entries.sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : 1)));
}
