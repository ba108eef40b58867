import { Type } from 'typebox';
import { LeadsyncError } from '../errors.js';
import type { App } from './context.js';
import { Text } from './schemas.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's `customerId` query parameter may come as the `X-Customer-Id` header instead. */
    customerIdHeader?: boolean;
  }
}

/**
 * `?customerId=` on the routes that also take the header. Still required by the schema: the
 * header is copied into the query before validation, so either one satisfies it.
 */
export const CustomerIdQueryOrHeader = Type.Object({
  customerId: Text({
    minLength: 1,
    maxLength: 100,
    description: 'The customer; may be sent as the X-Customer-Id header instead',
  }),
});

/** The header as the OpenAPI document shows it, on the routes that take it. */
export const CustomerIdHeaders = Type.Object({
  'x-customer-id': Type.Optional(
    Text({
      minLength: 1,
      maxLength: 100,
      description:
        'The customer, as the seed system’s client sends it: an alternative to the `customerId` query parameter. Sent with it, the two must be equal (else 400).',
    }),
  ),
});

/**
 * The seed's front end names the customer in an `X-Customer-Id` header as well as (or instead
 * of) `?customerId=` (issue 12). Before validation the header is copied into the query, so the
 * route's schema, its handler and the tenant check (a customer token naming another customer gets
 * 404) see one value whichever way it came. Both given and different is refused: guessing which
 * one the client meant could act on the wrong customer.
 */
export function acceptCustomerIdHeader(app: App): void {
  app.addHook('preValidation', async (request) => {
    if (request.routeOptions.config.customerIdHeader !== true) return;
    const header = request.headers['x-customer-id'];
    if (header === undefined) return;
    const query = request.query as Record<string, unknown>;
    if (query.customerId === undefined) query.customerId = header;
    else if (query.customerId !== header) {
      throw new LeadsyncError(
        'VALIDATION_FAILED',
        'The customerId query parameter and the X-Customer-Id header name different customers',
      );
    }
  });
}
