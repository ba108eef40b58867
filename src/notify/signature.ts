import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The webhook signature (CONTRACT.md, "Webhooks"): `sha256=` and the hex HMAC-SHA256, keyed with
 * the webhook's secret as shown (UTF-8), over `<timestamp>.<raw body>`.
 */
export function signPayload(secret: string, timestamp: number, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

/** What a receiver does (the README's recipe): same HMAC, constant-time compare, fresh timestamp. */
export function verifySignature(
  secret: string,
  headers: { timestamp: string; signature: string },
  rawBody: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signPayload(secret, timestamp, rawBody));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** A new webhook secret: 32 random bytes, URL-safe, with a prefix that says what it is. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}
