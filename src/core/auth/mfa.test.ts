// Multi-factor login in the core, on both engines: a first method answers with an MFA
// session, a different second method completes it, and every misuse is refused.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TEST_DIALECTS } from '../../db/testing.js';
import { AppError } from '../errors/index.js';
import { findRecordById } from '../records/repository.js';
import { MfaRequiredError } from './mfa.js';
import { createUser, lastCode, loginRequest, openOtpFixture, PASSWORD, type OtpFixture } from './otp-test-support.js';

async function caught(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof AppError, String(err));
    return err;
  }
  assert.fail('expected the login to be refused');
}

for (const dialect of TEST_DIALECTS) {
  describe(`multi-factor login [${dialect}]`, () => {
    let fx: OtpFixture;
    let seq = 0;
    const newEmail = (prefix: string) => `${prefix}${++seq}@example.com`;

    const password = (collection: string, email: string, mfaId = '', query: Record<string, string> = {}) =>
      fx.core.auth.authWithPassword(collection, { identity: email, password: PASSWORD, mfaId }, loginRequest(query), null);
    async function otpLogin(collection: string, email: string, mfaId = '') {
      const { otpId } = await fx.otp.request(collection, { email });
      return fx.otp.authenticate(collection, { otpId, password: lastCode(fx.sent, email).code, mfaId }, loginRequest(), null);
    }
    async function firstFactor(promise: Promise<unknown>): Promise<string> {
      const err = await caught(promise);
      assert.ok(err instanceof MfaRequiredError, err.message);
      assert.equal(err.code, 'unauthorized');
      assert.deepEqual(err.extra, { mfaId: err.mfaId });
      return err.mfaId;
    }
    const mfaRows = async (id: string) => fx.test.db.all(`SELECT "method", "recordRef" FROM "_mfas" WHERE "id" = ?`, [id]);

    before(async () => {
      fx = await openOtpFixture(dialect);
      await fx.core.collections.update('users', { otp: { enabled: true, duration: 300, length: 6 }, mfa: { enabled: true, duration: 600 } });
    });
    after(() => fx?.cleanup());

    test('password first, then an OTP with the mfaId, completes the login', async () => {
      const email = newEmail('pw');
      const id = await createUser(fx.core, 'users', email);
      const mfaId = await firstFactor(password('users', email));
      assert.deepEqual(await mfaRows(mfaId), [{ method: 'password', recordRef: id }]);
      const done = await otpLogin('users', email, mfaId);
      assert.equal(done.record.id, id);
      assert.ok(done.token);
      assert.deepEqual(await mfaRows(mfaId), [], 'the MFA session is used up');
      // An OTP login under MFA verifies the address but keeps the password.
      assert.equal(done.record.verified, true);
      await assert.rejects(password('users', email), MfaRequiredError);
    });

    test('OTP first, then the password (mfaId in the query) works too', async () => {
      const email = newEmail('otp');
      await createUser(fx.core, 'users', email);
      const mfaId = await firstFactor(otpLogin('users', email));
      assert.equal((await mfaRows(mfaId))[0]?.method, 'otp');
      const done = await password('users', email, '', { mfaId });
      assert.equal(done.record.email, email);
    });

    test('OAuth2 counts as a method of its own (through finishLogin, as the OAuth2 service calls it)', async () => {
      const email = newEmail('oauth');
      const id = await createUser(fx.core, 'users', email);
      const record = (await findRecordById(fx.test.db, fx.core.registry.byNameOrId('users')!, id))!;
      const oauth2 = (mfaId: string) =>
        fx.core.auth.finishLogin(record, { method: 'oauth2', request: loginRequest(), expand: null, mfaId, meta: { isNew: false } });
      const mfaId = await firstFactor(oauth2(''));
      assert.equal((await mfaRows(mfaId))[0]?.method, 'oauth2');
      const same = await caught(oauth2(mfaId));
      assert.equal(same.message, 'A different authentication method is required.');
      const done = await password('users', email, mfaId);
      assert.equal(done.record.id, id);
    });

    test('the same method twice is refused', async () => {
      const email = newEmail('twice');
      await createUser(fx.core, 'users', email);
      const mfaId = await firstFactor(password('users', email));
      const err = await caught(password('users', email, mfaId));
      assert.equal(err.code, 'bad_request');
      assert.equal(err.message, 'A different authentication method is required.');
    });

    test("another account's mfaId is refused", async () => {
      const victim = newEmail('victim');
      const attacker = newEmail('attacker');
      await createUser(fx.core, 'users', victim);
      await createUser(fx.core, 'users', attacker);
      const victimMfa = await firstFactor(password('users', victim));
      const err = await caught(otpLogin('users', attacker, victimMfa));
      assert.equal(err.message, 'Invalid MFA session.');
      assert.equal((await mfaRows(victimMfa)).length, 1, "the victim's session is untouched");
    });

    test('an expired or unknown mfaId is refused (and the expired row deleted)', async () => {
      const email = newEmail('late');
      await createUser(fx.core, 'users', email);
      const mfaId = await firstFactor(password('users', email));
      fx.clock.advance(601);
      const err = await caught(otpLogin('users', email, mfaId));
      assert.equal(err.message, 'Invalid or expired MFA session.');
      assert.deepEqual(await mfaRows(mfaId), []);
      const unknown = await caught(otpLogin('users', email, 'nosuchmfa000001'));
      assert.equal(unknown.message, 'Invalid or expired MFA session.');
    });

    test('a used mfaId does not complete a second login', async () => {
      const email = newEmail('reuse');
      await createUser(fx.core, 'users', email);
      const mfaId = await firstFactor(password('users', email));
      await otpLogin('users', email, mfaId);
      const err = await caught(otpLogin('users', email, mfaId));
      assert.equal(err.message, 'Invalid or expired MFA session.');
    });

    test('mfa.rule decides which accounts need a second factor', async () => {
      await fx.core.collections.create({
        name: 'staff',
        type: 'auth',
        fields: [{ name: 'role', type: 'text' }],
        otp: { enabled: true, duration: 300, length: 6 },
        mfa: { enabled: true, duration: 600, rule: "role = 'admin'" },
      });
      const plain = newEmail('plain');
      const admin = newEmail('admin');
      await createUser(fx.core, 'staff', plain, { role: 'member' });
      await createUser(fx.core, 'staff', admin, { role: 'admin' });
      const direct = await password('staff', plain);
      assert.ok(direct.token, 'no second factor for accounts the rule does not match');
      await firstFactor(password('staff', admin));
    });

    test('an account the auth rule refuses gets 403 and no MFA session', async () => {
      await fx.core.collections.create({
        name: 'locked',
        type: 'auth',
        authRule: 'verified = true',
        otp: { enabled: true, duration: 300, length: 6 },
        mfa: { enabled: true, duration: 600 },
      });
      const email = newEmail('locked');
      const id = await createUser(fx.core, 'locked', email);
      const err = await caught(password('locked', email));
      assert.equal(err.code, 'forbidden');
      const rows = await fx.test.db.all(`SELECT "id" FROM "_mfas" WHERE "recordRef" = ?`, [id]);
      assert.deepEqual(rows, []);
    });

    test('superusers follow the same rules', async () => {
      await fx.core.collections.update('_superusers', { otp: { enabled: true, duration: 300, length: 6 }, mfa: { enabled: true, duration: 600 } });
      const email = newEmail('root');
      await createUser(fx.core, '_superusers', email);
      const mfaId = await firstFactor(password('_superusers', email));
      const same = await caught(password('_superusers', email, mfaId));
      assert.equal(same.message, 'A different authentication method is required.');
      const done = await otpLogin('_superusers', email, mfaId);
      assert.equal(done.record.email, email);
    });
  });
}
