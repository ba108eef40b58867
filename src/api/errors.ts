import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, LeadsyncError, isLeadsyncError, toLeadsyncError, type ErrorCode } from '../errors.js';

/** The one error body of the API: `{error: {code, message, details?}}`. */
export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

export function errorBody(code: ErrorCode, message: string, details?: Record<string, unknown>): ErrorBody {
  return { error: { code, message, ...(details && { details }) } };
}

/** Fastify's own errors (validation, body parsing, size) mapped onto our stable codes. */
function fromFastify(error: FastifyError): LeadsyncError | null {
  if (error.validation) {
    const problems = error.validation.map((v) =>
      `${error.validationContext ?? 'request'}${v.instancePath} ${v.message ?? ''}`.trim(),
    );
    return new LeadsyncError('VALIDATION_FAILED', problems.join('; '), { details: { problems } });
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new LeadsyncError('PAYLOAD_TOO_LARGE');
  const status = error.statusCode ?? 500;
  // Malformed JSON, wrong content type, empty body with a JSON type, …: the client's fault.
  if (status >= 400 && status < 500) {
    const code: ErrorCode =
      status === 404
        ? 'NOT_FOUND'
        : status === 413
          ? 'PAYLOAD_TOO_LARGE'
          : status === 429
            ? 'RATE_LIMITED'
            : 'VALIDATION_FAILED';
    return new LeadsyncError(code, error.message);
  }
  return null;
}

/**
 * Installs the error and not-found handlers. A 5xx never shows its message (it may hold SQL or
 * a path); it is logged with its cause and the client gets the generic text of its code.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((caught: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const known = toLeadsyncError(caught);
    // A database fault (DATABASE_UNAVAILABLE, …) keeps its code; other unknowns are INTERNAL.
    const error = isLeadsyncError(caught)
      ? caught
      : (fromFastify(caught) ?? (known.code === 'INTERNAL' ? caught : known));
    if (!isLeadsyncError(error)) {
      request.log.error({ err: caught }, 'unhandled error');
      return reply.status(500).send(errorBody('INTERNAL', ERROR_CODES.INTERNAL.message));
    }
    if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
    if (error.status >= 500) {
      request.log.error({ err: error, cause: error.cause }, error.message);
      return reply.status(error.status).send(errorBody(error.code, ERROR_CODES[error.code].message));
    }
    return reply.status(error.status).send(errorBody(error.code, error.message, error.details));
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send(errorBody('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`));
  });
}
