import type { SheetBody } from './types.js';

/**
 * How far a CSV download is, 0-1, or null when there is nothing to compare with. Wire bytes
 * against a wire Content-Length when the source reports its transfer (right for gzip, where the
 * decoded bytes outgrow the compressed Content-Length), else the decoded bytes read so far
 * against `contentLength` or, without one, the previous successful run's decoded byte count.
 */
export function downloadFraction(
  body: SheetBody,
  decodedBytes: number,
  previousBytes: number | null,
): number | null {
  if (body.kind !== 'csv') return null;
  const transfer = body.transfer;
  if (transfer && transfer.totalBytes) return Math.min(1, transfer.receivedBytes / transfer.totalBytes);
  const expected = body.contentLength ?? previousBytes;
  return expected ? Math.min(1, decodedBytes / expected) : null;
}
