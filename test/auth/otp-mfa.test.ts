// One-time codes and MFA end to end on both engines: the `pocketbase` SDK as client, a
// real SMTP server receiving the codes. Each flow reads the code out of the delivered
// mail; the attacks check that nothing logs in that should not.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import PocketBase, { ClientResponseError } from 'pocketbase';
import { startTestApp, type TestApp } from '../support/app.js';
import { startSmtpCapture, type CapturedMail, type SmtpCapture } from '../support/smtp.js';

const ADMIN = { email: 'admin@example.com', password: 'admin-password-123' };
const PASSWORD = 'user-password-123';
const OTP = { enabled: true, duration: 120, length: 6 };

async function expectError(promise: Promise<unknown>, status: number): Promise<ClientResponseError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ClientResponseError, String(err));
    assert.equal(err.status, status, JSON.stringify(err.response));
    return err;
  }
  assert.fail(`expected HTTP ${status}`);
}

function codeFrom(mail: CapturedMail): string {
  const match = /<strong>(\d+)<\/strong>/.exec(mail.html);
  if (!match) throw new Error(`no code in the mail "${mail.subject}"`);
  return match[1]!;
}

function client(url: string): PocketBase {
  const pb = new PocketBase(url);
  pb.autoCancellation(false);
  return pb;
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`one-time codes and MFA over real SMTP [${dialect}]`, () => {
    let env: TestApp;
    let smtp: SmtpCapture;
    let admin: PocketBase;
    let seq = 0;

    async function newUser(collection: string, prefix: string): Promise<{ email: string; id: string }> {
      const email = `${prefix}${++seq}@example.com`;
      const created = await admin.collection(collection).create({ email, password: PASSWORD, passwordConfirm: PASSWORD });
      return { email, id: created.id };
    }

    /** Asks for a code as a client would and returns its id and the code from the mail. */
    async function mailedCode(collection: string, email: string): Promise<{ otpId: string; code: string }> {
      smtp.clear();
      const { otpId } = await client(env.url).collection(collection).requestOTP(email);
      return { otpId, code: codeFrom(await smtp.waitForMailTo(email)) };
    }

    before(async () => {
      smtp = await startSmtpCapture();
      env = await startTestApp(dialect);
      await env.app.core.superusers.create(ADMIN.email, ADMIN.password);
      admin = client(env.url);
      await admin.collection('_superusers').authWithPassword(ADMIN.email, ADMIN.password);
      await admin.settings.update({
        meta: { appName: 'Acme', appURL: 'https://acme.test', senderName: 'Acme', senderAddress: 'noreply@acme.test' },
        smtp: smtp.smtpSettings(),
      });
      await admin.collections.update('users', { otp: OTP });
      await admin.collections.create({ name: 'members', type: 'auth', otp: OTP });
      await admin.collections.create({ name: 'secure', type: 'auth', otp: OTP, mfa: { enabled: true, duration: 600 } });
    });

    after(async () => {
      env?.app.core.mail.close();
      await env?.close();
      await smtp?.close();
    });

    test('request a code, read it from the mail, log in with authWithOTP', async () => {
      const user = await newUser('users', 'otp');
      const pb = client(env.url);
      const { otpId } = await pb.collection('users').requestOTP(user.email);
      const mail = await smtp.waitForMailTo(user.email);
      assert.equal(mail.from, 'noreply@acme.test');
      assert.equal(mail.subject, 'Your Acme one-time password');
      const code = codeFrom(mail);
      assert.match(code, /^\d{6}$/);
      const auth = await pb.collection('users').authWithOTP(otpId, code);
      assert.equal(auth.record.id, user.id);
      assert.equal(auth.record.verified, true, 'the code proved the address');
      assert.ok(pb.authStore.isValid);
      assert.equal((await pb.collection('users').authRefresh()).record.id, user.id);
    });

    test('reusing a used code fails', async () => {
      const user = await newUser('users', 'reuse');
      const { otpId, code } = await mailedCode('users', user.email);
      await client(env.url).collection('users').authWithOTP(otpId, code);
      const err = await expectError(client(env.url).collection('users').authWithOTP(otpId, code), 400);
      assert.equal(err.response.message, 'Invalid or expired OTP.');
    });

    test('wrong codes until the limit, then even the right code fails', async () => {
      const user = await newUser('users', 'brute');
      const { otpId, code } = await mailedCode('users', user.email);
      const pb = client(env.url);
      const wrong = (code[0] === '0' ? '1' : '0') + code.slice(1);
      for (let i = 0; i < 5; i++) await expectError(pb.collection('users').authWithOTP(otpId, wrong), 400);
      const err = await expectError(pb.collection('users').authWithOTP(otpId, code), 429);
      assert.equal(err.response.message, 'Too many attempts, please try again later with a new OTP.');
      assert.ok(!pb.authStore.isValid);
    });

    test('an expired code fails', async () => {
      const user = await newUser('users', 'late');
      const { otpId, code } = await mailedCode('users', user.email);
      await env.app.db.run(`UPDATE "_otps" SET "created" = ? WHERE "id" = ?`, ['2020-01-01 00:00:00.000Z', otpId]);
      await expectError(client(env.url).collection('users').authWithOTP(otpId, code), 400);
    });

    test("another collection's otpId fails", async () => {
      const member = await newUser('members', 'member');
      const { otpId, code } = await mailedCode('members', member.email);
      await expectError(client(env.url).collection('users').authWithOTP(otpId, code), 400);
      // In its own collection it works.
      await client(env.url).collection('members').authWithOTP(otpId, code);
    });

    test('an unknown email gets a fake id (same status) and no mail', async () => {
      const known = await newUser('users', 'known');
      const res = await fetch(`${env.url}/api/collections/users/request-otp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'nobody-here@example.com' }),
      });
      assert.equal(res.status, 200);
      const body = (await res.json()) as { otpId: string };
      assert.match(body.otpId, /^[a-z0-9]{15}$/);
      // A real request after it: once its mail is in, the queue has nothing for the unknown address.
      await mailedCode('users', known.email);
      await env.app.core.mail.idle();
      assert.ok(!smtp.messages.some((m) => m.to.includes('nobody-here@example.com')));
      await expectError(client(env.url).collection('users').authWithOTP(body.otpId, '123456'), 400);
    });

    test('MFA: password first answers 401 with mfaId, an OTP with that mfaId completes the login', async () => {
      const user = await newUser('secure', 'mfa');
      const pb = client(env.url);
      const err = await expectError(pb.collection('secure').authWithPassword(user.email, PASSWORD), 401);
      const mfaId = err.response.mfaId as string;
      assert.match(mfaId, /^[a-z0-9]{15}$/);
      assert.ok(!pb.authStore.isValid);
      const { otpId, code } = await mailedCode('secure', user.email);
      const auth = await pb.collection('secure').authWithOTP(otpId, code, { mfaId });
      assert.equal(auth.record.id, user.id);
      assert.ok(pb.authStore.isValid);
      // The session is spent: the same mfaId does not complete another login.
      const again = await mailedCode('secure', user.email);
      await expectError(client(env.url).collection('secure').authWithOTP(again.otpId, again.code, { mfaId }), 400);
    });

    test('MFA: the 401 body is the error body with mfaId (raw HTTP)', async () => {
      const user = await newUser('secure', 'raw');
      const res = await fetch(`${env.url}/api/collections/secure/auth-with-password`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ identity: user.email, password: PASSWORD }),
      });
      assert.equal(res.status, 401);
      const body = (await res.json()) as Record<string, unknown>;
      assert.equal(body.status, 401);
      assert.deepEqual(body.data, {});
      assert.equal(typeof body.mfaId, 'string');
      assert.ok(!('token' in body));
    });

    test('MFA: the same method twice is refused', async () => {
      const user = await newUser('secure', 'twice');
      const pb = client(env.url);
      const err = await expectError(pb.collection('secure').authWithPassword(user.email, PASSWORD), 401);
      const mfaId = err.response.mfaId as string;
      const second = await expectError(pb.collection('secure').authWithPassword(user.email, PASSWORD, { mfaId }), 400);
      assert.equal(second.response.message, 'A different authentication method is required.');
    });

    test('_otps and _mfas rows: owners may read theirs, only superusers may write', async () => {
      const owner = await newUser('secure', 'rows');
      const other = await newUser('secure', 'rowsother');
      const err = await expectError(client(env.url).collection('secure').authWithPassword(owner.email, PASSWORD), 401);
      const mfaId = err.response.mfaId as string;
      const { otpId, code } = await mailedCode('secure', owner.email);
      // An OTP login completes the MFA: the owner now holds a token, the mfa row is gone.
      const pb = client(env.url);
      await pb.collection('secure').authWithOTP(otpId, code, { mfaId });
      const pending = await mailedCode('secure', owner.email);
      const mine = await pb.collection('_otps').getFullList();
      assert.deepEqual(mine.map((r) => r.id), [pending.otpId]);
      assert.ok(!('password' in mine[0]!), 'the code hash stays hidden');
      await expectError(pb.collection('_otps').delete(pending.otpId), 403);
      await expectError(pb.collection('_otps').create({ collectionRef: 'x', recordRef: owner.id, password: '123456' }), 403);
      await expectError(pb.collection('_otps').update(pending.otpId, { sentTo: 'x@example.com' }), 403);
      const stranger = client(env.url);
      await expectError(stranger.collection('secure').authWithPassword(other.email, PASSWORD), 401);
      assert.equal((await client(env.url).collection('_otps').getList()).totalItems, 0, 'guests see none');
      const otherMfa = await admin.collection('_mfas').getFullList({ filter: `recordRef = "${other.id}"` });
      assert.equal(otherMfa.length, 1);
      await expectError(pb.collection('_mfas').getOne(otherMfa[0]!.id), 404);
      await admin.collection('_otps').delete(pending.otpId);
      await expectError(client(env.url).collection('secure').authWithOTP(pending.otpId, pending.code), 400);
    });

    test("MFA: another user's mfaId is refused", async () => {
      const victim = await newUser('secure', 'victim');
      const attacker = await newUser('secure', 'attacker');
      const err = await expectError(client(env.url).collection('secure').authWithPassword(victim.email, PASSWORD), 401);
      const mfaId = err.response.mfaId as string;
      const { otpId, code } = await mailedCode('secure', attacker.email);
      const refused = await expectError(client(env.url).collection('secure').authWithOTP(otpId, code, { mfaId }), 400);
      assert.equal(refused.response.message, 'Invalid MFA session.');
    });
  });
}
