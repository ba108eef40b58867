import { LeadsyncError } from '../errors.js';
import { isId } from '../ids.js';

/**
 * Every keyset page here is "rows after (or before) the id of the previous page's last row", so
 * a cursor is an id we issued. Anything else is the client's mistake, VALIDATION_FAILED, rather
 * than a query that returns an arbitrary page (or a 500, when PostgreSQL refuses the text).
 */
export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined || isId(cursor)) return cursor;
  throw new LeadsyncError('VALIDATION_FAILED', 'Not a cursor this API issued (use a nextCursor as given)', {
    details: { cursor: cursor.slice(0, 100) },
  });
}
