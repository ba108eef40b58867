import AjvCompiler from '@fastify/ajv-compiler';
import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifyServerOptions,
} from 'fastify';
import { errorCodes } from 'fastify';
import { errorBody } from './errors.js';
import { buildSerializer } from './schema-compilers.js';

/**
 * How requests are read before a handler sees them: which values are coerced, how long a path
 * parameter may be, and which bodies count as empty. `buildApp` spreads `requestValidationOptions()`
 * into the Fastify options and calls `registerBodyParsers` before any route.
 */

/** The longest path parameter (ids are at most 100 characters, as the route schemas say). */
export const MAX_PARAM_LENGTH = 100;

// Unknown body fields are an error (400), not silently dropped: `PATCH /api/leads/:id` with a
// sheet-owned field must say so instead of pretending it worked.
const SHARED = { removeAdditional: false, useDefaults: true } as const;

type ValidateFunction = ReturnType<ReturnType<AjvCompiler.BuildCompilerFromPool>> & {
  errors?: unknown[] | null;
};

/**
 * Fastify's own validator pool, kept for the process: apps built with the same schemas (every
 * test builds its own) share the Ajv instances and so the validators Ajv compiled for them.
 */
const factory = AjvCompiler();

/**
 * One Ajv for JSON bodies, which carry their own types and are never coerced (`"name": 123` is
 * an error, not `"123"`), and one for the querystring, params and headers, which are text and
 * must be (`?limit=20`).
 */
function buildValidator(externalSchemas: Parameters<AjvCompiler.BuildCompilerFromPool>[0]) {
  const body = factory(externalSchemas, { customOptions: { ...SHARED, coerceTypes: false } });
  const text = factory(externalSchemas, { customOptions: { ...SHARED, coerceTypes: 'array' } });
  return (route: AjvCompiler.RouteDefinition) =>
    route.httpPart === 'body' ? body(route) : finiteOnly(text(route) as ValidateFunction);
}

/**
 * Ajv coerces `"Infinity"` and `"1e400"` to Infinity and then skips `minimum`/`maximum`, which it
 * checks on finite numbers only: `?limit=Infinity` passed `Integer 1..1000`. No query, path or
 * header value means Infinity, so a non-finite number after coercion is refused here, for every
 * numeric parameter at once.
 */
function finiteOnly(validate: ValidateFunction): ValidateFunction {
  const wrapped = ((data: unknown, context?: unknown) => {
    const ok = (validate as (data: unknown, context?: unknown) => boolean)(data, context);
    wrapped.errors = validate.errors ?? null;
    if (!ok || data === null || typeof data !== 'object') return ok;
    for (const [key, value] of Object.entries(data)) {
      if (typeof value === 'number' && !Number.isFinite(value)) {
        wrapped.errors = [
          {
            instancePath: `/${key}`,
            schemaPath: '#/type',
            keyword: 'type',
            params: {},
            message: 'must be a finite number',
          },
        ];
        return false;
      }
    }
    return true;
  }) as ValidateFunction;
  // Fastify passes the parent object only to functions it recognises as Ajv's (root coercion).
  Object.assign(wrapped, { schemaEnv: (validate as { schemaEnv?: unknown }).schemaEnv });
  return wrapped;
}

/**
 * Errors Fastify answers before any route runs (a path parameter longer than MAX_PARAM_LENGTH, a
 * malformed `%` escape) would otherwise get Fastify's own body; they get ours, as a 400.
 */
function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const message =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? `A path parameter is longer than ${MAX_PARAM_LENGTH} characters`
      : 'The request path is not valid';
  void reply.status(400).send(errorBody('VALIDATION_FAILED', message));
}

export function requestValidationOptions(): Pick<
  FastifyServerOptions,
  'schemaController' | 'frameworkErrors' | 'routerOptions'
> {
  return {
    schemaController: { compilersFactory: { buildValidator, buildSerializer } },
    frameworkErrors,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
  };
}

/**
 * CONTRACT: bodiless POST routes (trigger, pause, approve, rotate-secret, test, …) accept an
 * empty body whatever the Content-Type. Fastify refuses an empty `application/json` body
 * (FST_ERR_CTP_EMPTY_JSON_BODY) and any type it has no parser for (415); here an empty body is
 * `undefined` (a route with a body schema still answers 400 "body must be object"), and a
 * non-empty body of an unknown type is still 415.
 */
export function registerBodyParsers(app: FastifyInstance): void {
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') done(null, undefined);
    // The default parser answers through `done`; it returns nothing to wait for.
    else void json(request, String(body), done);
  });
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    if (body.length === 0) done(null, undefined);
    else done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(), undefined);
  });
}
