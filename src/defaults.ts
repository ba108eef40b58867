/**
 * Defaults the configuration shares with the layers that apply them: config.ts (which sits below
 * every layer) offers them as the defaults of its variables, and the sources and the sheet reader
 * use them when they are called without a config (tests, the library).
 */

/** LEADSYNC_MAX_ROW_CHARS: the longest record of a sheet, in characters. Five full Google cells. */
export const DEFAULT_MAX_ROW_CHARS = 250_000;
/** LEADSYNC_FETCH_DEADLINE_MS: how long one download may take in all. 10 minutes. */
export const DEFAULT_DEADLINE_MS = 600_000;
/** LEADSYNC_FETCH_MIN_BYTES_PER_SECOND: a download slower than this is given up. 1 KiB/s. */
export const DEFAULT_MIN_BYTES_PER_SECOND = 1024;
