import { toLeadsyncError } from '../errors.js';
import type { MappingOptions } from '../sheet/types.js';
import type { SheetSource, Validators } from '../sources/types.js';
import { inputFingerprint } from './input-fingerprint.js';

/**
 * What the last successful run learnt about its source's version, stored as the state's
 * `lastSourceVersion`: the Drive revision (Sheets API sources) or the ETag / Last-Modified of the
 * answer (HTTP CSV sources). `key` says what it holds for: the source, its link and the mapping
 * options, as the body fingerprint does (input-fingerprint.ts). A version seen under another
 * key (a changed key column, date order, override, link or reader version) is no evidence of
 * anything, so the run downloads.
 */
export interface SourceVersion {
  key: string;
  revision: string | null;
  etag: string | null;
  lastModified: string | null;
}

/** Why a run ended `unchanged` without downloading the sheet. */
export type SkipReason = 'revision' | 'not_modified';

export function sourceVersionKey(
  source: Pick<SheetSource, 'kind'>,
  sheetUrl: string,
  options: MappingOptions,
): string {
  return inputFingerprint(`${source.kind}\n${sheetUrl}`, options);
}

/** The stored JSON, or null when there is none or it is not ours (never throws). */
export function parseSourceVersion(text: string | null): SourceVersion | null {
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as Partial<SourceVersion> | null;
    if (!value || typeof value.key !== 'string') return null;
    const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
    return {
      key: value.key,
      revision: str(value.revision),
      etag: str(value.etag),
      lastModified: str(value.lastModified),
    };
  } catch {
    return null;
  }
}

/** True when `revision` is the one the last successful run saw, under the same key. */
export function isSameRevision(
  previous: SourceVersion | null,
  key: string,
  revision: string | null,
): boolean {
  return revision !== null && previous !== null && previous.key === key && previous.revision === revision;
}

/** The validators to send conditionally, when the last successful run got some under this key. */
export function validatorsFor(previous: SourceVersion | null, key: string): Validators | undefined {
  if (!previous || previous.key !== key || (!previous.etag && !previous.lastModified)) return undefined;
  return { etag: previous.etag, lastModified: previous.lastModified };
}

/**
 * Asks the source for its revision; null when it has none or the check failed in any way (the
 * run then downloads as it always did: a revision check may save work, never cost a sync).
 * A cancellation is not a failure of the check, so it is thrown.
 */
export async function readRevision(source: SheetSource, signal?: AbortSignal): Promise<string | null> {
  if (!source.revision) return null;
  try {
    return await source.revision(signal ? { signal } : {});
  } catch (error) {
    if (signal?.aborted) throw toLeadsyncError(error);
    return null;
  }
}

/** Google requests a skip did not make: the download's, less the revision check's one. */
export function requestsSaved(sourceKind: SheetSource['kind'], reason: SkipReason): number {
  // A Sheets API download is two requests (tab metadata, values); a 304 still made its one.
  if (reason === 'not_modified') return 0;
  return sourceKind === 'google_api' ? 1 : 0;
}
