// What an account's old credentials vouched for goes with them: a new password drops pending
// MFA logins and known devices; the token key that changes with it voids pending one-time codes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import PocketBase, { type ClientResponseError } from 'pocketbase';
import { startTestApp, type TestApp } from '../support/app.js';

const ADMIN = { email: 'cred-admin@example.com', password: 'admin-password-123' };
const USER = { email: 'erin@example.com', password: 'erin-password-1' };

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`credential changes [${dialect}]`, () => {
    let t: TestApp;
    let userId: string;
    const rows = async (table: string): Promise<number> => {
      const row = await t.app.db.get<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "${table}" WHERE "recordRef" = ?`, [userId]);
      return Number(row?.n ?? 0);
    };

    before(async () => {
      t = await startTestApp(dialect);
      await t.app.core.superusers.upsert(ADMIN.email, ADMIN.password);
      const admin = new PocketBase(t.url);
      await admin.collection('_superusers').authWithPassword(ADMIN.email, ADMIN.password);
      await admin.collections.update('users', { otp: { enabled: true }, mfa: { enabled: true } });
      userId = (await admin.collection('users').create({ ...USER, passwordConfirm: USER.password })).id;
    });

    after(() => t?.close());

    test('a password change drops pending codes and MFA logins', async () => {
      const pb = new PocketBase(t.url);
      await pb.collection('users').requestOTP(USER.email);
      // The first factor succeeds but MFA holds the login back.
      const mfaId = await pb
        .collection('users')
        .authWithPassword(USER.email, USER.password)
        .then(
          () => '',
          (err: ClientResponseError) => String(err.response.mfaId ?? ''),
        );
      assert.notEqual(mfaId, '');
      assert.equal(await rows('_otps'), 1);
      assert.equal(await rows('_mfas'), 1);

      await t.app.core.records.update(
        { ref: 'users', id: userId },
        { auth: null, isSuperuser: true, method: 'PATCH', query: {}, headers: {}, body: {}, context: 'default' },
        { password: 'erin-password-2', passwordConfirm: 'erin-password-2' },
      );
      assert.equal(await rows('_otps'), 0);
      assert.equal(await rows('_mfas'), 0);
    });
  });
}
