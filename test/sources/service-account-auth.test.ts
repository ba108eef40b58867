import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createServiceAccountAuth,
  TOKEN_SCOPES,
  type ServiceAccountKey,
  type TokenCache,
} from '../../src/sources/service-account-auth.js';
import { startFakeGoogle, type FakeGoogle } from '../fake-google/server.js';
import { makeServiceAccountKey } from '../fake-google/service-account.js';
import { rejection } from './support.js';

let fake: FakeGoogle;
let key: ServiceAccountKey;
/** Another registered account, and one with a private key the fake never saw (same name as `key`). */
let other: ServiceAccountKey;
let forged: ServiceAccountKey;
let clock: number;
let cache: TokenCache;
beforeAll(async () => {
  // The fake and the client share one clock, so token expiry can be tested without waiting.
  fake = await startFakeGoogle({ now: () => clock });
  const email = 'leadsync@test-project.iam.gserviceaccount.com';
  // RSA key generation is the slow part of this file: do it once, in parallel.
  [key, other, { key: forged }] = await Promise.all([
    fake.generateServiceAccountKey({ clientEmail: email }),
    fake.generateServiceAccountKey(),
    makeServiceAccountKey(fake.tokenUri, email),
  ]);
});
afterAll(() => fake.close());
beforeEach(() => {
  clock = Date.now();
  cache = new Map();
  fake.clearFaults();
  fake.requests.length = 0;
});

function authFor(k: ServiceAccountKey | string = key) {
  return createServiceAccountAuth(k, { now: () => clock, cache, timeoutMs: 2000 });
}

describe('service-account auth', () => {
  it('signs an RS256 JWT for the read-only Sheets and Drive-metadata scopes and exchanges it at token_uri', async () => {
    const token = await authFor().getAccessToken();
    expect(token).toMatch(/^ya29\.fake-/);
    const exchange = fake.requests[0];
    expect(exchange).toMatchObject({ method: 'POST', path: '/token' });
    expect(exchange?.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('puts the right claims in the assertion', async () => {
    await authFor().getAccessToken();
    const form = new URLSearchParams(fake.requests[0]?.body);
    expect(form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    const assertion = form.get('assertion') ?? '';
    expect(decodeProtectedHeader(assertion)).toMatchObject({
      alg: 'RS256',
      typ: 'JWT',
      kid: key.private_key_id,
    });
    const claims = decodeJwt(assertion);
    expect(claims).toMatchObject({ iss: key.client_email, aud: key.token_uri, scope: TOKEN_SCOPES });
    expect(claims.iat).toBe(Math.floor(clock / 1000));
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(3600);
  });

  it('caches the token per key until shortly before it expires', async () => {
    const first = await authFor().getAccessToken();
    expect(await authFor().getAccessToken()).toBe(first);
    clock += 50 * 60_000; // 10 minutes left: still good
    expect(await authFor().getAccessToken()).toBe(first);
    clock += 6 * 60_000; // 4 minutes left: renewed
    const second = await authFor().getAccessToken();
    expect(second).not.toBe(first);
    expect(fake.requests.filter((r) => r.path === '/token')).toHaveLength(2);
  });

  it('shares one exchange between concurrent callers', async () => {
    const auth = authFor();
    const tokens = await Promise.all([
      auth.getAccessToken(),
      authFor().getAccessToken(),
      auth.getAccessToken(),
    ]);
    expect(new Set(tokens).size).toBe(1);
    expect(fake.requests.filter((r) => r.path === '/token')).toHaveLength(1);
  });

  it('keeps tokens of different keys apart', async () => {
    const [a, b] = await Promise.all([authFor().getAccessToken(), authFor(other).getAccessToken()]);
    expect(a).not.toBe(b);
  });

  it('reads the key from a file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'leadsync-key-'));
    try {
      const path = join(dir, 'key.json');
      await writeFile(path, JSON.stringify(key));
      expect(await authFor(path).getAccessToken()).toMatch(/^ya29\./);
      await rejection(authFor(join(dir, 'missing.json')).getAccessToken(), 'SHEET_AUTH_FAILED');
      await writeFile(path, JSON.stringify({ ...key, type: 'authorized_user' }));
      await rejection(authFor(path).getAccessToken(), 'SHEET_AUTH_FAILED');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails with SHEET_AUTH_FAILED when the token endpoint rejects the signature', async () => {
    const error = await rejection(authFor(forged).getAccessToken(), 'SHEET_AUTH_FAILED');
    expect(error.message).toContain('Invalid JWT Signature');
    expect(error.retryable).toBe(false);
  });

  it('fails with SHEET_AUTH_FAILED for a private key that is not a key', async () => {
    await rejection(authFor({ ...key, private_key: 'not a pem' }).getAccessToken(), 'SHEET_AUTH_FAILED');
  });

  it('passes on a token endpoint that is rate limited or down as retryable', async () => {
    fake.fault('token', { status: 429, retryAfter: '3' }, { times: 1 });
    const limited = await rejection(authFor().getAccessToken(), 'SHEET_RATE_LIMITED');
    expect(limited.retryAfterSeconds).toBe(3);
    fake.fault('token', { status: 503 }, { times: 1 });
    await rejection(authFor().getAccessToken(), 'SHEET_UNAVAILABLE');
    // A failed exchange is not cached.
    expect(await authFor().getAccessToken()).toMatch(/^ya29\./);
  });
});
