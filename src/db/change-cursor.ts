import { LeadsyncError } from '../errors.js';

/**
 * A place in the change feed: after change `seq` of the batch at `position`. Batches are ordered
 * by position (commit order), changes within one by seq, so (position, seq) only grows. The
 * cursor clients see is its text, `<position>-<seq>` in base 36: opaque to them, and valid
 * forever (positions are never reused).
 */
export interface FeedPosition {
  position: number;
  seq: number;
}

/** Before every change. */
export const FEED_START: FeedPosition = Object.freeze({ position: 0, seq: 0 });

/** Larger than any seq: "after the whole batch". */
export const AFTER_BATCH = 2_147_483_647;

export function encodeFeedCursor(at: FeedPosition): string {
  return `${at.position.toString(36)}-${at.seq.toString(36)}`;
}

const SHAPE = /^([0-9a-z]{1,11})-([0-9a-z]{1,7})$/;

/** The position a cursor names (FEED_START when omitted); VALIDATION_FAILED when we did not issue it. */
export function decodeFeedCursor(cursor: string | undefined): FeedPosition {
  if (cursor === undefined || cursor === '') return FEED_START;
  const match = SHAPE.exec(cursor);
  const position = match ? parseInt(match[1]!, 36) : NaN;
  const seq = match ? parseInt(match[2]!, 36) : NaN;
  if (!Number.isSafeInteger(position) || !Number.isSafeInteger(seq) || seq > AFTER_BATCH) {
    throw new LeadsyncError(
      'VALIDATION_FAILED',
      'Not a change cursor this API issued (use a nextCursor as given)',
      {
        details: { cursor: cursor.slice(0, 100) },
      },
    );
  }
  return { position, seq };
}

export function isAfter(a: FeedPosition, b: FeedPosition): boolean {
  return a.position > b.position || (a.position === b.position && a.seq > b.seq);
}
