// Auth request hooks through the real HTTP API and the `pocketbase` SDK, on both engines:
// handlers that refuse a login, add to its answer, hear refreshes and one-time codes, and
// see the account of an email flow — without changing what a guest can learn about which
// emails have accounts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import PocketBase, { ClientResponseError } from 'pocketbase';
import { TEST_DIALECTS } from '../../src/db/testing.js';
import { ForbiddenError, type MailMessage } from '../../src/index.js';
import { startHookedApp, type HookedApp } from './support.js';

const PASSWORD = 'user-password-123';

/** Mails the app tried to send (the send hook keeps them from leaving), and a wait for the next one to an address. */
class MailBox {
  private readonly waiting = new Map<string, (message: MailMessage) => void>();

  receive(message: MailMessage): void {
    for (const to of message.to) this.waiting.get(to.address)?.(message);
  }

  next(address: string): Promise<MailMessage> {
    return new Promise((resolve) => this.waiting.set(address, resolve));
  }
}

async function status(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 200;
  } catch (err) {
    assert.ok(err instanceof ClientResponseError, String(err));
    return err.status;
  }
}

function client(url: string): PocketBase {
  const pb = new PocketBase(url);
  pb.autoCancellation(false);
  return pb;
}

for (const dialect of TEST_DIALECTS) {
  describe(`auth request hooks [${dialect}]`, () => {
    let h: HookedApp;
    const mail = new MailBox();
    const seen: string[] = [];
    const otpRequests: Array<{ email: string; record: string | null }> = [];
    const verifications = new Map<string, (recordId: string) => void>();

    before(async () => {
      h = await startHookedApp(dialect, (plinth) => {
        plinth.onMailerSend().bindFunc((e) => mail.receive(e.message));
        plinth.onRecordAuthWithPasswordRequest('users').bindFunc(async (e) => {
          seen.push(`password:${e.identity}:${e.record ? 'found' : 'none'}`);
          if (e.record?.getString('email').startsWith('blocked')) throw new ForbiddenError('This account is suspended.');
          await e.next();
        });
        plinth.onRecordAuthRequest('users').bindFunc(async (e) => {
          seen.push(`auth:${e.authMethod}:${e.record.getString('email')}`);
          if (e.authMethod === 'password') e.meta = { plan: 'pro' };
          await e.next();
        });
        plinth.onRecordAuthRefreshRequest('users').bindFunc(async (e) => {
          seen.push(`refresh:${e.record.getString('email')}`);
          await e.next();
        });
        plinth.onRecordRequestOTPRequest('users').bindFunc(async (e) => {
          otpRequests.push({ email: e.email, record: e.record ? e.record.id : null });
          await e.next();
        });
        plinth.onRecordAuthWithOTPRequest('users').bindFunc(async (e) => {
          seen.push(`otp:${e.record.getString('email')}:${e.otpId === '' ? 'no-id' : 'id'}`);
          await e.next();
        });
        plinth.onRecordRequestVerificationRequest('users').bindFunc(async (e) => {
          verifications.get(e.record.getString('email'))?.(e.record.id);
          await e.next();
        });
      });
      const admin = client(h.url);
      admin.authStore.save(h.superuser);
      await admin.collections.update('users', { otp: { enabled: true, duration: 120, length: 6 } });
      for (const email of ['alice@example.com', 'blocked@example.com', 'carol@example.com', 'dave@example.com']) {
        await admin.collection('users').create({ email, password: PASSWORD, passwordConfirm: PASSWORD });
      }
    });
    after(() => h.close());

    test('a password-login hook refuses one account (403) and lets the others in', async () => {
      seen.length = 0;
      const refused = client(h.url);
      await assert.rejects(refused.collection('users').authWithPassword('blocked@example.com', PASSWORD), (err: ClientResponseError) => {
        assert.equal(err.status, 403);
        assert.equal(err.response.message, 'This account is suspended.');
        return true;
      });
      assert.equal(refused.authStore.isValid, false);
      assert.deepEqual(seen, ['password:blocked@example.com:found']);

      const pb = client(h.url);
      const auth = await pb.collection('users').authWithPassword('alice@example.com', PASSWORD);
      assert.equal(auth.record.email, 'alice@example.com');
      assert.equal(pb.authStore.isValid, true);
    });

    test('the hook runs for unknown identities too, and the answer stays the plain failure', async () => {
      seen.length = 0;
      const res = await h.call('POST', '/api/collections/users/auth-with-password', { body: { identity: 'nobody@example.com', password: PASSWORD } });
      assert.equal(res.status, 400);
      assert.equal(res.json.message, 'Failed to authenticate.');
      assert.deepEqual(seen, ['password:nobody@example.com:none']);
    });

    test('the auth hook adds to meta, and sees how the login was earned', async () => {
      seen.length = 0;
      const auth = await client(h.url).collection('users').authWithPassword('alice@example.com', PASSWORD);
      assert.deepEqual(auth.meta, { plan: 'pro' });
      assert.deepEqual(seen, ['password:alice@example.com:found', 'auth:password:alice@example.com']);
    });

    test('handlers bound to users never hear superuser logins', async () => {
      seen.length = 0;
      const res = await h.call('POST', '/api/collections/_superusers/auth-with-password', { body: { identity: 'root@example.com', password: 'root-password-1' } });
      assert.equal(res.status, 200);
      assert.equal(res.json.meta, undefined);
      assert.deepEqual(seen, []);
    });

    test('a refresh fires the refresh hook, then the auth hook', async () => {
      const pb = client(h.url);
      await pb.collection('users').authWithPassword('carol@example.com', PASSWORD);
      seen.length = 0;
      const refreshed = await pb.collection('users').authRefresh();
      assert.equal(refreshed.record.email, 'carol@example.com');
      assert.ok(refreshed.token);
      assert.deepEqual(seen, ['refresh:carol@example.com', 'auth:refresh:carol@example.com']);
    });

    test('the OTP request hook sees the account, or null for an unknown email, and both get an id', async () => {
      otpRequests.length = 0;
      const pb = client(h.url);
      const mailed = mail.next('dave@example.com');
      const known = await pb.collection('users').requestOTP('dave@example.com');
      const unknown = await pb.collection('users').requestOTP('nobody@example.com');
      assert.match(known.otpId, /^[a-z0-9]{15}$/);
      assert.match(unknown.otpId, /^[a-z0-9]{15}$/);
      const dave = await pb.collection('users').authWithPassword('dave@example.com', PASSWORD);
      assert.deepEqual(otpRequests, [
        { email: 'dave@example.com', record: dave.record.id },
        { email: 'nobody@example.com', record: null },
      ]);

      const code = /<strong>(\d+)<\/strong>/.exec((await mailed).html)?.[1];
      assert.ok(code, 'the mail holds the code');
      seen.length = 0;
      const viaOtp = await client(h.url).collection('users').authWithOTP(known.otpId, code);
      assert.equal(viaOtp.record.email, 'dave@example.com');
      assert.deepEqual(seen, ['otp:dave@example.com:id', 'auth:otp:dave@example.com']);
    });

    test('the request-verification hook sees the account; an unknown email gets the same 204 and no hook', async () => {
      const heard = new Promise<string>((resolve) => verifications.set('alice@example.com', resolve));
      let strangerHeard = false;
      verifications.set('stranger@example.com', () => {
        strangerHeard = true;
      });
      const pb = client(h.url);
      assert.equal(await status(pb.collection('users').requestVerification('stranger@example.com')), 200);
      // A hook would have started before the answer: none did.
      assert.equal(strangerHeard, false);
      assert.equal(await status(pb.collection('users').requestVerification('alice@example.com')), 200);
      const alice = await pb.collection('users').authWithPassword('alice@example.com', PASSWORD);
      assert.equal(await heard, alice.record.id);
    });

    test('a confirm-password-reset hook may answer instead of saving', async () => {
      h.plinth.onRecordConfirmPasswordResetRequest('users').bindFunc((e) => {
        e.json(200, { kept: e.record.getString('email') });
      });
      const mailed = mail.next('carol@example.com');
      assert.equal(await status(client(h.url).collection('users').requestPasswordReset('carol@example.com')), 200);
      const token = /(eyJ[\w-]+\.[\w-]+\.[\w-]+)/.exec((await mailed).html)?.[1];
      assert.ok(token, 'the mail holds the token');
      const res = await h.call('POST', '/api/collections/users/confirm-password-reset', {
        body: { token, password: 'new-password-456', passwordConfirm: 'new-password-456' },
      });
      assert.equal(res.status, 200);
      assert.deepEqual(res.json, { kept: 'carol@example.com' });
      // The handler did not call next(): the old password still works.
      assert.equal(await status(client(h.url).collection('users').authWithPassword('carol@example.com', PASSWORD)), 200);
    });
  });
}
