import { createHash, randomBytes } from 'node:crypto';

/**
 * Bearer tokens: 32 random bytes, base64url, with a `lsk_` prefix so leaked tokens are easy to
 * grep for. They are stored as plain SHA-256: a slow password hash (scrypt, argon2) protects
 * guessable secrets, but 256 random bits cannot be guessed, so a fast hash loses nothing and
 * keeps the per-request lookup a single indexed equality.
 */
export function generateToken(): string {
  return `lsk_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
