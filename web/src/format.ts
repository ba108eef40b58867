/** Plain words for the API's error codes, for people who never read the API docs. */
const ERROR_WORDS: Record<string, string> = {
  SHEET_NOT_PUBLIC:
    'The sheet is private. In Google Sheets choose Share → "Anyone with the link" (Viewer), then try again.',
  SHEET_NOT_FOUND: 'No sheet at that link. Check that the link is complete and the sheet was not deleted.',
  SHEET_TAB_NOT_FOUND:
    'The tab in the link (gid=…) does not exist any more. Open the right tab and copy its link.',
  SHEET_URL_INVALID:
    'That is not a Google Sheets link or a CSV URL. Copy the link from the browser address bar.',
  SOURCE_FORBIDDEN: 'That address is not allowed (only public https addresses can be read).',
  HEADER_NOT_FOUND: 'No header row was found. The sheet needs a row of column names such as Name and Email.',
  KEY_COLUMN_NOT_FOUND: 'The key column you named is not in the header row.',
  SHEET_RATE_LIMITED: 'Google is limiting requests right now. Wait a minute and try again.',
  SHEET_UNAVAILABLE: 'Google answered with an error. Try again in a moment.',
  SHEET_TIMEOUT: 'The sheet took too long to download. Try again; very large sheets may need a CSV link.',
  SHEET_TOO_LARGE: 'The sheet is larger than the configured limit.',
  SHEET_NOT_CSV: 'The link did not return a spreadsheet (perhaps a sign-in page).',
  MASS_DELETE_HELD: 'The sync would delete many leads at once, so it was held for review.',
  SYNC_PAUSED: 'Syncing is paused for this customer. Resume it first.',
  RATE_LIMITED: 'Too many requests. Wait a moment and try again.',
  UNAUTHORIZED: 'That token was not accepted. Sign in again with a valid token.',
  CUSTOMER_EXISTS: 'A customer with that name already exists.',
  CUSTOMER_NOT_FOUND: 'This customer does not exist (or was deleted).',
  NETWORK_ERROR: 'Could not reach the leadsync service. Is it running?',
};

/** The sentence to show for an error code, falling back to the API's own message. */
export function errorWords(code: string, message: string): string {
  return ERROR_WORDS[code] ?? message;
}

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

/**
 * The browser's locale (its first preferred language), for dates, times and numbers alike: an
 * en-GB browser gets "1 Dec, 21:19" and "200,000", a de-DE one "1. Dez., 21:19" and "200.000".
 * Read on each call, so a test (or a user) switching languages sees it at once.
 */
export function locale(): string | undefined {
  return typeof navigator === 'undefined' ? undefined : (navigator.languages?.[0] ?? navigator.language);
}

/** "3 minutes ago", "in 5 minutes"; an em dash for no time. */
export function relativeTime(iso: string | null, now = Date.now()): string {
  if (!iso) return '—';
  const diff = Date.parse(iso) - now;
  for (const [unit, ms] of units) {
    if (Math.abs(diff) >= ms || unit === 'second')
      return new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' }).format(Math.round(diff / ms), unit);
  }
  return '—';
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  const number = (value: number, digits: number) =>
    value.toLocaleString(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return ms < 1000 ? `${number(ms, 0)} ms` : `${number(ms / 1000, 1)} s`;
}

/** "1 Dec, 21:19" (en-GB) or "Dec 1, 9:19 PM" (en-US): day and time, as the browser writes them. */
export function dayTime(iso: string): string {
  return new Date(iso).toLocaleString(locale(), {
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
  });
}

/** The full date and time, for tooltips and the run detail page. */
export function dateTime(iso: string): string {
  return new Date(iso).toLocaleString(locale(), { dateStyle: 'medium', timeStyle: 'medium' });
}

/** A percentage the API gives as 0-100 (its rates are percent, as the seed's were). */
export const percent = (value: number) => `${Math.round(value).toLocaleString(locale())} %`;
export const count = (n: number) => n.toLocaleString(locale());
