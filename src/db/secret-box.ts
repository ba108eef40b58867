import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { LeadsyncError } from '../errors.js';

/**
 * Encrypts secrets stored in the database (webhook signing secrets) when LEADSYNC_SECRET_KEY is
 * set: a copy of the database (a backup, a replica, a leaked dump) then does not let anyone sign
 * webhook deliveries. `context` (the row's id) is bound in as associated data, so a sealed value
 * copied onto another row does not open.
 */
export interface SecretBox {
  /** Whether values are encrypted (a key is configured). */
  readonly encrypts: boolean;
  seal(plain: string, context: string): string;
  /** A sealed value's plaintext; a value stored before encryption was on comes back as it is. */
  open(stored: string, context: string): string;
}

/** Sealed values start with this; the version names the scheme (AES-256-GCM, 12-byte IV). */
const PREFIX = 'enc:v1:';

/** A box with the 32-byte key given as 64 hex digits (config's secretKeyHex), or none: stored as is. */
export function createSecretBox(keyHex: string | null): SecretBox {
  const key = keyHex === null ? null : Buffer.from(keyHex, 'hex');
  return {
    encrypts: key !== null,
    seal(plain, context) {
      if (!key) return plain;
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `${PREFIX}${[iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url')).join('.')}`;
    },
    open(stored, context) {
      if (!stored.startsWith(PREFIX)) return stored;
      if (!key) {
        throw new LeadsyncError(
          'CONFIG_INVALID',
          'A stored secret is encrypted but LEADSYNC_SECRET_KEY is not set',
        );
      }
      const [iv, tag, data] = stored
        .slice(PREFIX.length)
        .split('.')
        .map((part) => Buffer.from(part, 'base64url'));
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, iv!);
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(tag!);
        return Buffer.concat([decipher.update(data!), decipher.final()]).toString('utf8');
      } catch (cause) {
        throw new LeadsyncError(
          'CONFIG_INVALID',
          'A stored secret does not open with LEADSYNC_SECRET_KEY (was the key changed?)',
          {
            cause,
          },
        );
      }
    },
  };
}
