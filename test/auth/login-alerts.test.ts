// Login alerts over real SMTP: the first login of an account records its device silently,
// the same device again changes nothing, a new device mails an alert, a password change
// forgets the known devices, and a collection with alerts off records nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import PocketBase from 'pocketbase';
import { startTestApp, type TestApp } from '../support/app.js';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp.js';

const ADMIN = { email: 'alerts-admin@example.com', password: 'admin-password-123' };
const USER = { email: 'dana@example.com', password: 'dana-password-1' };

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`login alerts [${dialect}]`, () => {
    let t: TestApp;
    let smtp: SmtpCapture;
    let admin: PocketBase;
    let userId: string;

    const origins = async (): Promise<number> => {
      const row = await t.app.db.get<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "_authOrigins" WHERE "recordRef" = ?`, [userId]);
      return Number(row?.n ?? 0);
    };
    const login = (userAgent: string, password = USER.password) =>
      new PocketBase(t.url).collection('users').authWithPassword(USER.email, password, { headers: { 'User-Agent': userAgent } });

    before(async () => {
      smtp = await startSmtpCapture();
      t = await startTestApp(dialect);
      await t.app.core.superusers.upsert(ADMIN.email, ADMIN.password);
      admin = new PocketBase(t.url);
      await admin.collection('_superusers').authWithPassword(ADMIN.email, ADMIN.password);
      await admin.settings.update({ smtp: smtp.smtpSettings() });
      const user = await admin.collection('users').create({ ...USER, passwordConfirm: USER.password });
      userId = user.id;
    });

    after(async () => {
      await t?.close();
      await smtp?.close();
    });

    test('first device is recorded silently, a new device is alerted', async () => {
      await login('Device-A/1.0');
      assert.equal(await origins(), 1);
      await login('Device-A/1.0');
      assert.equal(await origins(), 1, 'the same device is not recorded twice');

      await login('Device-B/2.0');
      assert.equal(await origins(), 2);
      const alert = await smtp.waitForMailTo(USER.email);
      assert.match(alert.html + alert.text, /Device-B\/2\.0/);
      assert.equal(smtp.messages.length, 1, 'only the new device caused a mail');
    });

    test('at most five devices are kept', async () => {
      for (let i = 0; i < 6; i++) await login(`Device-N${i}`);
      assert.equal(await origins(), 5);
    });

    test('a password change forgets the known devices', async () => {
      const pb = new PocketBase(t.url);
      await pb.collection('users').authWithPassword(USER.email, USER.password);
      await pb.collection('users').update(userId, { oldPassword: USER.password, password: 'dana-password-2', passwordConfirm: 'dana-password-2' });
      assert.equal(await origins(), 0);
      await login('Device-C/3.0', 'dana-password-2');
      assert.equal(await origins(), 1);
    });

    test('with alerts off, logins leave no trace', async () => {
      await admin.collections.update('users', { authAlert: { enabled: false } });
      await t.app.db.run(`DELETE FROM "_authOrigins"`);
      await login('Device-D/4.0', 'dana-password-2');
      assert.equal(await origins(), 0);
    });
  });
}
