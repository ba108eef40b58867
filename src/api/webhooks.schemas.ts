import { Type, type TSchema } from 'typebox';
import { EVENT_TYPES } from '../events/event-types.js';
import { Id, NonBlankText } from './schemas.js';

/** The JSON shapes of /api/webhooks (issue 6). The secret appears only in create and rotate answers. */
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Timestamp = Type.String({ format: 'date-time' });

export const EventName = Type.Union([...EVENT_TYPES.map((t) => Type.Literal(t)), Type.Literal('*')]);

const webhookFields = {
  url: NonBlankText({ maxLength: 2000 }),
  events: Type.Array(EventName, { minItems: 1, maxItems: 20 }),
  customerId: Type.Optional(Nullable(Id)),
  enabled: Type.Optional(Type.Boolean()),
};
export const WebhookBody = Type.Object(webhookFields, { additionalProperties: false });
export const WebhookPatchBody = Type.Partial(Type.Object(webhookFields), { additionalProperties: false });

export const WebhookSchema = Type.Object({
  id: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  customerId: Nullable(Type.String()),
  enabled: Type.Boolean(),
  disabledReason: Nullable(Type.String()),
  failingSince: Nullable(Timestamp),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export const WebhookWithSecretSchema = Type.Intersect([
  WebhookSchema,
  Type.Object({ secret: Type.String() }),
]);

export const DeliverySchema = Type.Object({
  id: Type.String(),
  eventId: Type.String(),
  eventType: Type.String(),
  state: Type.String(),
  attempt: Type.Integer(),
  statusCode: Nullable(Type.Integer()),
  latencyMs: Nullable(Type.Integer()),
  error: Nullable(Type.String()),
  nextAttemptAt: Nullable(Timestamp),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const TestResultSchema = Type.Object({
  eventId: Type.String(),
  delivered: Type.Boolean(),
  statusCode: Nullable(Type.Integer()),
  latencyMs: Type.Integer(),
  error: Nullable(Type.String()),
});
