/** A failed API call, carrying the API's stable error `code` (or NETWORK_ERROR when nothing came back). */
export class LeadsApiError extends Error {
  override readonly name = 'LeadsApiError';

  constructor(
    /** The API's `error.code`, e.g. SHEET_NOT_PUBLIC, RATE_LIMITED; NETWORK_ERROR or HTTP_<status> otherwise. */
    readonly code: string,
    /** HTTP status; 0 when the request never got an answer. */
    readonly status: number,
    message: string,
    readonly details?: Record<string, unknown>,
    /** Seconds from `Retry-After` on 429/503. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

interface ErrorBodyShape {
  error?: { code?: unknown; message?: unknown; details?: unknown };
}

/** Builds the error for a non-2xx response from its `{error: {code, message}}` body (any body tolerated). */
export async function errorFromResponse(response: Response): Promise<LeadsApiError> {
  let body: ErrorBodyShape = {};
  try {
    body = (await response.json()) as ErrorBodyShape;
  } catch {
    // Not JSON (a proxy's page, an empty body): fall back to the status below.
  }
  const e = body.error ?? {};
  const retryAfter = Number(response.headers.get('retry-after'));
  return new LeadsApiError(
    typeof e.code === 'string' ? e.code : `HTTP_${response.status}`,
    response.status,
    typeof e.message === 'string' ? e.message : response.statusText || `HTTP ${response.status}`,
    typeof e.details === 'object' && e.details !== null ? (e.details as Record<string, unknown>) : undefined,
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  );
}
