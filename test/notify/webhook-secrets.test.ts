import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createWebhook } from '../../src/db/webhooks.repository.js';
import { NotifyDispatcher } from '../../src/notify/dispatcher.js';
import { createSecretBox } from '../../src/db/secret-box.js';
import { verifySignature } from '../../src/notify/signature.js';
import { startHarness, type Harness } from '../api/harness.js';
import { describeEachDialect } from '../helpers/databases.js';
import {
  fakeSheetCustomer,
  ManualClock,
  startReceiver,
  type ReceivedRequest,
  type Receiver,
} from './support.js';

const KEY_HEX = randomBytes(32).toString('hex');

const storedSecret = async (h: Harness, id: string) =>
  (await h.t.db.selectFrom('webhooks').select('secret').where('id', '=', id).executeTakeFirstOrThrow())
    .secret;

const signedWith = (secret: string, request: ReceivedRequest) =>
  verifySignature(
    secret,
    {
      timestamp: String(request.headers['x-leadsync-timestamp']),
      signature: String(request.headers['x-leadsync-signature']),
    },
    request.body,
    Date.now() / 1000,
  );

describeEachDialect('webhook secrets at rest', (dialect) => {
  for (const keyed of [true, false]) {
    describe(keyed ? 'with LEADSYNC_SECRET_KEY' : 'without a key', () => {
      let h: Harness;
      let receiver: Receiver;
      beforeAll(async () => {
        h = await startHarness(dialect, keyed ? { LEADSYNC_SECRET_KEY: KEY_HEX } : {});
        receiver = await startReceiver([200]);
      });
      afterAll(async () => {
        await receiver?.close();
        await h?.close();
      });
      /** A sync of a new customer, and one dispatcher pass on the service's config: the deliveries it sends. */
      const deliverAnEvent = async () => {
        const before = receiver.requests.length;
        await (await fakeSheetCustomer(h.t, h.config, new ManualClock(new Date()), `C${before}`)).sync();
        await new NotifyDispatcher({ db: h.t.db, config: h.config, mail: null }).runOnce();
        return receiver.requests.slice(before);
      };

      it(
        keyed
          ? 'stores the secret encrypted and still signs deliveries with the secret shown'
          : 'stores the secret as it is, as before',
        async () => {
          const created = await h.call('POST', '/api/webhooks', {
            url: receiver.url,
            events: ['sync.completed'],
          });
          expect(created.statusCode).toBe(201);
          const { id, secret } = created.json<{ id: string; secret: string }>();
          expect(secret).toMatch(/^whsec_/);
          const stored = await storedSecret(h, id);
          if (keyed) {
            expect(stored).toMatch(/^enc:v1:/);
            expect(stored).not.toContain(secret.slice(6));
          } else expect(stored).toBe(secret);

          const [delivery] = await deliverAnEvent();
          expect(signedWith(secret, delivery!)).toBe(true);
          const test = await h.call('POST', `/api/webhooks/${id}/test`);
          expect(test.json()).toMatchObject({ delivered: true });
          expect(signedWith(secret, receiver.requests.at(-1)!)).toBe(true);

          const rotated = (await h.call('POST', `/api/webhooks/${id}/rotate-secret`)).json<{
            secret: string;
          }>();
          expect(rotated.secret).not.toBe(secret);
          if (keyed) expect(await storedSecret(h, id)).toMatch(/^enc:v1:/);
          else expect(await storedSecret(h, id)).toBe(rotated.secret);
          const [next] = await deliverAnEvent();
          expect(signedWith(rotated.secret, next!)).toBe(true);
          expect(signedWith(secret, next!)).toBe(false);
          await h.call('DELETE', `/api/webhooks/${id}`);
        },
      );

      if (keyed) {
        it('still reads a secret stored in plain text before the key was set', async () => {
          const old = await createWebhook(
            h.t.db,
            {
              url: receiver.url,
              events: ['sync.completed'],
              customerId: null,
              enabled: true,
              secret: 'whsec_old',
            },
            new Date(),
            createSecretBox(null),
          );
          expect(await storedSecret(h, old.id)).toBe('whsec_old');
          const [delivery] = await deliverAnEvent();
          expect(signedWith('whsec_old', delivery!)).toBe(true);
        });
      }
    });
  }
});

describe('secret box', () => {
  const box = createSecretBox(KEY_HEX);

  it('opens what it sealed, only for the same row and key', () => {
    const sealed = box.seal('whsec_abc', 'row-1');
    expect(sealed).not.toBe(box.seal('whsec_abc', 'row-1')); // a fresh IV each time
    expect(box.open(sealed, 'row-1')).toBe('whsec_abc');
    expect(() => box.open(sealed, 'row-2')).toThrow(/does not open/);
    expect(() => createSecretBox(randomBytes(32).toString('hex')).open(sealed, 'row-1')).toThrow(
      /does not open/,
    );
    expect(() => createSecretBox(null).open(sealed, 'row-1')).toThrow(/LEADSYNC_SECRET_KEY is not set/);
  });

  it('takes the key as 64 hex digits or base64, and refuses anything else at start-up', () => {
    const bytes = randomBytes(32);
    for (const written of [bytes.toString('hex'), bytes.toString('base64'), bytes.toString('base64url')]) {
      expect(loadConfig({ LEADSYNC_SECRET_KEY: written }).notify?.secretKeyHex).toBe(bytes.toString('hex'));
    }
    expect(loadConfig({}).notify?.secretKeyHex).toBeNull();
    for (const bad of ['short', randomBytes(16).toString('hex'), randomBytes(31).toString('base64')]) {
      expect(() => loadConfig({ LEADSYNC_SECRET_KEY: bad })).toThrow(/LEADSYNC_SECRET_KEY/);
    }
  });
});
