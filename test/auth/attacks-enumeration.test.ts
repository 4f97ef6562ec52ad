// Account enumeration, both engines: each endpoint that takes an email or identity answers an
// existing account and a missing one with the same status and the same bytes. (Timing is
// covered by doing the same work either way; tests do not measure it.) A real SMTP server
// shows the mails really go out for existing accounts, so the requests are not no-ops.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp.js';
import {
  DIALECTS,
  PASSWORD,
  assertErrorBody,
  createUser,
  fieldCode,
  send,
  startAttackApp,
  unchanged,
  type AttackEnv,
  type RawResponse,
  type TestUser,
} from './attacks-support.js';

const MISSING = 'nobody-here@example.com';

/** The same status and the same body bytes. */
function assertSameAnswer(existing: RawResponse, missing: RawResponse, what: string): void {
  assert.equal(existing.status, missing.status, `${what}: ${existing.text} vs ${missing.text}`);
  assert.equal(existing.text, missing.text, what);
}

for (const dialect of DIALECTS) {
  describe(`attacks: account enumeration [${dialect}]`, () => {
    let env: AttackEnv;
    let smtp: SmtpCapture;
    let alice: TestUser;
    let victor: TestUser;

    const post = (collection: string, action: string, json: unknown, token?: string) =>
      send(env, `/api/collections/${collection}/${action}`, { json, token });

    before(async () => {
      smtp = await startSmtpCapture();
      env = await startAttackApp(dialect);
      await env.admin.settings.update({
        meta: { appName: 'Acme', appURL: 'https://acme.test', senderName: 'Acme', senderAddress: 'noreply@acme.test' },
        smtp: smtp.smtpSettings(),
      });
      await env.admin.collections.update('users', { otp: { enabled: true } });
      alice = await createUser(env, 'users', 'alice@example.com');
      victor = await createUser(env, 'users', 'victor@example.com', { verified: true });
    });

    after(async () => {
      await env?.close();
      await smtp?.close();
    });

    test('request-verification: unverified, verified and missing accounts all get 204', async () => {
      const unverified = await post('users', 'request-verification', { email: alice.email });
      const verified = await post('users', 'request-verification', { email: victor.email });
      const missing = await post('users', 'request-verification', { email: MISSING });
      assert.equal(unverified.status, 204);
      assertSameAnswer(unverified, missing, 'request-verification');
      assertSameAnswer(verified, missing, 'request-verification (verified)');
      await smtp.waitForMailTo(alice.email);
    });

    test('request-password-reset: 204 for an existing and a missing account, in any letter case', async () => {
      const existing = await post('users', 'request-password-reset', { email: victor.email });
      const upper = await post('users', 'request-password-reset', { email: victor.email.toUpperCase() });
      const missing = await post('users', 'request-password-reset', { email: MISSING });
      assert.equal(existing.status, 204);
      assertSameAnswer(existing, missing, 'request-password-reset');
      assertSameAnswer(upper, missing, 'request-password-reset (upper case)');
      await smtp.waitForMailTo(victor.email);
      // Nothing is written for the missing address.
      await unchanged(env.app, () => post('users', 'request-password-reset', { email: 'other-missing@example.com' }));
    });

    test('request-otp: an otpId of the same shape either way, and the same refusal of a wrong code', async () => {
      const existing = await post('users', 'request-otp', { email: alice.email });
      const missing = await unchanged(env.app, () => post('users', 'request-otp', { email: MISSING }));
      assert.equal(existing.status, 200, existing.text);
      assert.equal(missing.status, 200, missing.text);
      assert.deepEqual(Object.keys(existing.body!), ['otpId']);
      assert.deepEqual(Object.keys(missing.body!), ['otpId']);
      const [realId, fakeId] = [String(existing.body!.otpId), String(missing.body!.otpId)];
      assert.equal(realId.length, fakeId.length);
      assert.match(fakeId, /^[a-z0-9]+$/);
      await smtp.waitForMailTo(alice.email);
      // Trying a code against each id does not tell them apart either.
      const wrongReal = await post('users', 'auth-with-otp', { otpId: realId, password: '000000' });
      const wrongFake = await post('users', 'auth-with-otp', { otpId: fakeId, password: '000000' });
      assertErrorBody(wrongReal, 400);
      assertSameAnswer(wrongReal, wrongFake, 'auth-with-otp');
    });

    test('auth-with-password: a wrong password and a missing account get the same 400', async () => {
      const answers = await unchanged(env.app, async () => [
        await post('users', 'auth-with-password', { identity: alice.email, password: 'wrong-password-1' }),
        await post('users', 'auth-with-password', { identity: alice.email.toUpperCase(), password: 'wrong-password-1' }),
        await post('users', 'auth-with-password', { identity: MISSING, password: 'wrong-password-1' }),
        await post('users', 'auth-with-password', { identity: alice.id, password: 'wrong-password-1' }),
        await post('_superusers', 'auth-with-password', { identity: 'attack-admin@example.com', password: 'wrong-password-1' }),
        await post('_superusers', 'auth-with-password', { identity: MISSING, password: 'wrong-password-1' }),
      ]);
      const [first] = answers;
      assertErrorBody(first!, 400, 'Failed to authenticate.');
      for (const answer of answers) assertSameAnswer(answer, first!, 'auth-with-password');
      // The right password still works, so the refusals above were about the password.
      assert.equal((await post('users', 'auth-with-password', { identity: alice.email, password: PASSWORD })).status, 200);
    });

    test('request-email-change: a guest learns nothing; a signed-in user is told a taken address, as in PocketBase', async () => {
      const guestTaken = await unchanged(env.app, () => post('users', 'request-email-change', { newEmail: victor.email }));
      const guestFree = await unchanged(env.app, () => post('users', 'request-email-change', { newEmail: MISSING }));
      assertErrorBody(guestTaken, 401, 'The request requires valid record authorization token.');
      assertSameAnswer(guestTaken, guestFree, 'request-email-change (guest)');
      // PocketBase v0.39 refuses a taken address to its signed-in owner-to-be with
      // validation_invalid_new_email (its own API tests expect it); Plinth keeps that answer.
      const taken = await unchanged(env.app, () => post('users', 'request-email-change', { newEmail: victor.email }, alice.token));
      assert.equal(fieldCode(assertErrorBody(taken, 400), 'newEmail'), 'validation_invalid_new_email');
      const free = await post('users', 'request-email-change', { newEmail: MISSING }, alice.token);
      assert.equal(free.status, 204, free.text);
    });
  });
}
