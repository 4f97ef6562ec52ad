// One-time codes in the core, on both engines: issuing, logging in, and every way a code
// must be refused (wrong, too many tries, expired, reused, another collection's, unknown).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TEST_DIALECTS } from '../../db/testing.js';
import { AppError } from '../errors/index.js';
import { decodeJwt } from 'jose';
import { MAX_LIVE_CODES } from './otp.js';
import { OTP_ATTEMPTS_PER_CODE, OTP_ATTEMPTS_TABLE } from './otp-attempts.js';
import { createUser, lastCode, loginRequest, openOtpFixture, PASSWORD, type OtpFixture } from './otp-test-support.js';

async function rejectsWith(promise: Promise<unknown>, status: { code: string; message?: string | RegExp }): Promise<AppError> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof AppError, `expected an AppError, got ${String(caught)}`);
  assert.equal(caught.code, status.code, caught.message);
  if (typeof status.message === 'string') assert.equal(caught.message, status.message);
  else if (status.message) assert.match(caught.message, status.message);
  return caught;
}

for (const dialect of TEST_DIALECTS) {
  describe(`one-time codes [${dialect}]`, () => {
    let fx: OtpFixture;
    let seq = 0;
    const newEmail = (prefix: string) => `${prefix}${++seq}@example.com`;
    const login = (otpId: string, password: string, expand: string | null = null) =>
      fx.otp.authenticate('users', { otpId, password }, loginRequest(), expand);
    const wrong = (code: string) => (code[0] === '0' ? '1' : '0') + code.slice(1);

    before(async () => {
      fx = await openOtpFixture(dialect);
      await fx.core.collections.update('users', { otp: { enabled: true, duration: 300, length: 6 } });
      await fx.core.collections.create({ name: 'members', type: 'auth', otp: { enabled: true, duration: 300, length: 6 } });
    });
    after(() => fx?.cleanup());

    test('a code is mailed, logs in once, and is gone afterwards', async () => {
      const email = newEmail('ok');
      const id = await createUser(fx.core, 'users', email);
      const { otpId } = await fx.otp.request('users', { email });
      const sent = lastCode(fx.sent, email);
      assert.equal(sent.otpId, otpId);
      assert.match(sent.code, /^\d{6}$/);
      const row = await fx.test.db.get<Record<string, unknown>>(`SELECT * FROM "_otps" WHERE "id" = ?`, [otpId]);
      assert.equal(row?.recordRef, id);
      assert.equal(row?.sentTo, email);
      assert.match(String(row?.password), /^\$2a\$08\$/, 'stored as a bcrypt hash at the _otps field cost');
      assert.ok(!String(row?.password).includes(sent.code));

      const result = await login(otpId, sent.code);
      assert.equal(result.record.id, id);
      assert.equal(decodeJwt(result.token).id, id);
      assert.equal(await fx.test.db.get(`SELECT "id" FROM "_otps" WHERE "id" = ?`, [otpId]), undefined, 'used code deleted');
      await rejectsWith(login(otpId, sent.code), { code: 'bad_request', message: 'Invalid or expired OTP' });
    });

    test('codes use the collection length and come from the whole digit range', async () => {
      await fx.core.collections.update('members', { otp: { length: 9 } });
      const email = newEmail('len');
      await createUser(fx.core, 'members', email);
      await fx.otp.request('members', { email });
      assert.match(lastCode(fx.sent, email).code, /^\d{9}$/);
    });

    test('an OTP login verifies the address it was sent to and replaces the password (no MFA)', async () => {
      const email = newEmail('verify');
      const id = await createUser(fx.core, 'users', email);
      const before = await fx.test.db.get<{ tokenKey: string; password: string }>(`SELECT "tokenKey", "password" FROM "users" WHERE "id" = ?`, [id]);
      const { otpId } = await fx.otp.request('users', { email });
      const result = await login(otpId, lastCode(fx.sent, email).code);
      assert.equal(result.record.verified, true);
      const afterRow = await fx.test.db.get<{ tokenKey: string; password: string; verified: unknown }>(
        `SELECT "tokenKey", "password", "verified" FROM "users" WHERE "id" = ?`,
        [id],
      );
      assert.notEqual(afterRow?.password, before?.password, 'a pre-registered password no longer works');
      assert.notEqual(afterRow?.tokenKey, before?.tokenKey);
      await assert.rejects(fx.core.auth.authWithPassword('users', { identity: email, password: PASSWORD }, loginRequest(), null));
      // The token was signed with the new key: it authenticates.
      const state = await fx.core.auth.authenticate(result.token);
      assert.equal(state.record?.values.id, id);
    });

    test('a verified account keeps its password', async () => {
      const email = newEmail('kept');
      await createUser(fx.core, 'users', email, { verified: true });
      const { otpId } = await fx.otp.request('users', { email });
      await login(otpId, lastCode(fx.sent, email).code);
      await fx.core.auth.authWithPassword('users', { identity: email, password: PASSWORD }, loginRequest(), null);
    });

    test(`wrong codes: ${OTP_ATTEMPTS_PER_CODE} tries, then even the right code is refused`, async () => {
      const email = newEmail('brute');
      await createUser(fx.core, 'users', email);
      const { otpId } = await fx.otp.request('users', { email });
      const { code } = lastCode(fx.sent, email);
      for (let i = 0; i < OTP_ATTEMPTS_PER_CODE; i++) {
        await rejectsWith(login(otpId, wrong(code)), { code: 'bad_request', message: 'Invalid or expired OTP' });
      }
      await rejectsWith(login(otpId, code), { code: 'too_many_requests', message: /Too many attempts/ });
      // Still refused once the account window has passed: the code itself is spent.
      fx.clock.advance(200);
      await rejectsWith(login(otpId, code), { code: 'too_many_requests' });
    });

    test('a burst of concurrent guesses gets no more tries than the limit', async () => {
      const email = newEmail('burst');
      await createUser(fx.core, 'users', email);
      const { otpId } = await fx.otp.request('users', { email });
      const { code } = lastCode(fx.sent, email);
      const guesses = Array.from({ length: 20 }, (_, i) => String(i).padStart(6, '9')).filter((g) => g !== code);
      const outcomes = await Promise.allSettled(guesses.map((g) => login(otpId, g)));
      const checked = outcomes.filter((o) => o.status === 'rejected' && (o.reason as AppError).code === 'bad_request').length;
      assert.ok(checked <= OTP_ATTEMPTS_PER_CODE, `${checked} guesses were checked`);
      // Tries refused under the burst give their slot back, so the right code may still have
      // one; but never more checks in total than the limit.
      const last = await login(otpId, code).then(
        () => 'ok',
        (err: AppError) => err.code,
      );
      if (last === 'ok') assert.ok(checked < OTP_ATTEMPTS_PER_CODE);
      else assert.equal(last, 'too_many_requests');
    });

    test('asking for new codes buys no extra guesses: tries count per account', async () => {
      const email = newEmail('many');
      await createUser(fx.core, 'users', email);
      const a = (await fx.otp.request('users', { email })).otpId;
      const codeA = lastCode(fx.sent, email).code;
      const b = (await fx.otp.request('users', { email })).otpId;
      const codeB = lastCode(fx.sent, email).code;
      await rejectsWith(login(a, wrong(codeA)), { code: 'bad_request' });
      await rejectsWith(login(a, wrong(codeA)), { code: 'bad_request' });
      for (let i = 0; i < 3; i++) await rejectsWith(login(b, wrong(codeB)), { code: 'bad_request' });
      await rejectsWith(login(a, codeA), { code: 'too_many_requests' });
      await rejectsWith(login(b, codeB), { code: 'too_many_requests' });
      // After the account window, the unspent code works again.
      fx.clock.advance(181);
      const ok = await login(a, codeA);
      assert.equal(ok.record.email, email);
    });

    test('an expired code is refused and its row deleted', async () => {
      const email = newEmail('late');
      await createUser(fx.core, 'users', email);
      const { otpId } = await fx.otp.request('users', { email });
      fx.clock.advance(301);
      await rejectsWith(login(otpId, lastCode(fx.sent, email).code), { code: 'bad_request', message: 'Invalid or expired OTP' });
      assert.equal(await fx.test.db.get(`SELECT "id" FROM "_otps" WHERE "id" = ?`, [otpId]), undefined);
    });

    test("another collection's code is refused", async () => {
      const email = newEmail('other');
      await createUser(fx.core, 'members', email);
      const { otpId } = await fx.otp.request('members', { email });
      await rejectsWith(login(otpId, lastCode(fx.sent, email).code), { code: 'bad_request', message: 'Invalid or expired OTP' });
      // It still works where it belongs.
      await fx.otp.authenticate('members', { otpId, password: lastCode(fx.sent, email).code }, loginRequest(), null);
    });

    test('an unknown email gets a well-formed id, no mail, and that id never logs in', async () => {
      const sentBefore = fx.sent.length;
      const { otpId } = await fx.otp.request('users', { email: newEmail('nobody') });
      assert.match(otpId, /^[a-z0-9]{15}$/);
      assert.equal(fx.sent.length, sentBefore);
      assert.equal(await fx.test.db.get(`SELECT "id" FROM "_otps" WHERE "id" = ?`, [otpId]), undefined);
      for (let i = 0; i < OTP_ATTEMPTS_PER_CODE; i++) await rejectsWith(login(otpId, '123456'), { code: 'bad_request' });
      // The attempt limit applies to it as to a real code, so the limit does not tell them apart.
      await rejectsWith(login(otpId, '123456'), { code: 'too_many_requests' });
    });

    test(`past ${MAX_LIVE_CODES} live codes the newest id is handed out again and nothing is sent`, async () => {
      const email = newEmail('flood');
      await createUser(fx.core, 'users', email);
      const ids: string[] = [];
      for (let i = 0; i < MAX_LIVE_CODES; i++) {
        ids.push((await fx.otp.request('users', { email })).otpId);
        fx.clock.advance(1);
      }
      const sentBefore = fx.sent.length;
      const again = await fx.otp.request('users', { email });
      assert.equal(again.otpId, ids.at(-1));
      assert.equal(fx.sent.length, sentBefore);
      // Once they expire, new codes are issued again (and the expired rows are cleared).
      fx.clock.advance(301);
      const fresh = await fx.otp.request('users', { email });
      assert.ok(!ids.includes(fresh.otpId));
      const left = await fx.test.db.get<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "_otps" WHERE "recordRef" = (SELECT "id" FROM "users" WHERE "email" = ?)`, [email]);
      assert.equal(Number(left?.n), 1);
    });

    test('validation and disabled OTP answer as PocketBase', async () => {
      await rejectsWith(fx.otp.request('users', {}), { code: 'bad_request' }).then((err) => {
        assert.deepEqual(err.data, { email: { code: 'validation_required', message: 'Cannot be blank.' } });
      });
      await rejectsWith(fx.otp.request('users', { email: 'invalid' }), { code: 'bad_request' }).then((err) => {
        assert.equal((err.data.email as { code: string }).code, 'validation_is_email');
      });
      await rejectsWith(fx.otp.authenticate('users', { otpId: 'a'.repeat(256), password: '1'.repeat(72) }, loginRequest(), null), {
        code: 'bad_request',
      }).then((err) => {
        assert.equal((err.data.otpId as { code: string }).code, 'validation_length_out_of_range');
        assert.equal((err.data.password as { code: string }).code, 'validation_length_out_of_range');
      });
      await rejectsWith(fx.otp.request('_superusers', { email: 'a@example.com' }), {
        code: 'forbidden',
        message: 'The collection is not configured to allow OTP authentication.',
      });
      await rejectsWith(fx.otp.request('nope', { email: 'a@example.com' }), { code: 'not_found' });
    });

    test('deleteExpired removes expired codes and MFA sessions of every collection', async () => {
      const email = newEmail('sweep');
      await createUser(fx.core, 'users', email);
      await fx.otp.request('users', { email });
      const q = fx.test.db.dialect.quoteIdent;
      await fx.test.db.run(
        `INSERT INTO ${q('_mfas')} ("id", "collectionRef", "recordRef", "method", "created", "updated") VALUES ('mfaoldold000001', ?, 'x', 'password', '2000-01-01 00:00:00.000Z', '')`,
        [fx.core.registry.byNameOrId('users')!.id],
      );
      fx.clock.advance(301);
      const removed = await fx.otp.deleteExpired();
      assert.equal(typeof removed.otps, 'number');
      // (The endpoints also sweep now and then in the background, so who deleted them may vary.)
      const mfas = await fx.test.db.get(`SELECT "id" FROM "_mfas" WHERE "id" = 'mfaoldold000001'`);
      assert.equal(mfas, undefined);
      const otps = await fx.test.db.get<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "_otps"`);
      assert.equal(Number(otps?.n), 0);
      const attempts = await fx.test.db.get<{ n: number }>(`SELECT COUNT(*) AS "n" FROM ${q(OTP_ATTEMPTS_TABLE)} WHERE "at" < ?`, [
        fx.clock.now().getTime() - 301_000,
      ]);
      assert.equal(Number(attempts?.n), 0, 'old tries of codes that are gone are swept');
    });
  });
}
