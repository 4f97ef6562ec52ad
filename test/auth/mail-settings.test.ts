// The settings API on both engines: who may use it, partial updates with PocketBase's
// validation errors, persistence in `_params`, secrets never echoed, and test mails
// delivered to a real SMTP server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import PocketBase, { ClientResponseError } from 'pocketbase';
import { startTestApp, type TestApp } from '../support/app.js';
import { freePort } from '../support/server.js';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp.js';

const ADMIN = { email: 'admin@example.com', password: 'admin-password-123' };
const SMTP_SECRET = 'smtp-secret-pass';

async function status(promise: Promise<unknown>): Promise<{ status: number; data: Record<string, unknown>; message: string }> {
  try {
    await promise;
    return { status: 200, data: {}, message: '' };
  } catch (err) {
    assert.ok(err instanceof ClientResponseError, String(err));
    return { status: err.status, data: err.response.data as Record<string, unknown>, message: err.response.message as string };
  }
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`settings API [${dialect}]`, () => {
    let env: TestApp;
    let smtp: SmtpCapture;
    let admin: PocketBase;
    let user: PocketBase;

    before(async () => {
      smtp = await startSmtpCapture({ credentials: { username: 'mailer', password: SMTP_SECRET } });
      env = await startTestApp(dialect);
      await env.app.core.superusers.create(ADMIN.email, ADMIN.password);
      admin = new PocketBase(env.url);
      await admin.collection('_superusers').authWithPassword(ADMIN.email, ADMIN.password);
      await new PocketBase(env.url).collection('users').create({ email: 'user@example.com', password: 'user-password-1', passwordConfirm: 'user-password-1' });
      user = new PocketBase(env.url);
      await user.collection('users').authWithPassword('user@example.com', 'user-password-1');
    });

    after(async () => {
      env?.app.core.mail.close();
      await env?.close();
      await smtp?.close();
    });

    test('guests get 401 and other accounts 403 on every settings endpoint', async () => {
      const guest = new PocketBase(env.url);
      for (const client of [guest, user]) {
        const expected = client === guest ? 401 : 403;
        assert.equal((await status(client.settings.getAll())).status, expected);
        assert.equal((await status(client.settings.update({ meta: { appName: 'x' } }))).status, expected);
        assert.equal((await status(client.settings.testEmail('users', 'a@example.com', 'verification'))).status, expected);
      }
      assert.equal(env.app.core.settings.get().meta.appName !== 'x', true);
    });

    test('PATCH updates only what it names, persists it and never echoes secrets', async () => {
      const saved = await admin.settings.update({
        meta: { appName: 'Settings test', senderAddress: 'mailer@acme.test' },
        smtp: smtp.smtpSettings(),
        s3: { secret: 's3-secret-value' },
        backups: { s3: { secret: 'backup-secret-value' } },
      });
      assert.equal(saved.meta.appName, 'Settings test');
      assert.equal(saved.meta.senderName, 'Support'); // untouched
      assert.equal(saved.smtp.host, '127.0.0.1');
      for (const body of [saved, await admin.settings.getAll()]) {
        const text = JSON.stringify(body);
        assert.ok(!text.includes(SMTP_SECRET) && !text.includes('s3-secret-value') && !text.includes('backup-secret-value'));
        assert.equal('password' in body.smtp, false);
        assert.equal('secret' in body.s3, false);
        assert.equal('secret' in body.backups.s3, false);
        for (const section of ['meta', 'logs', 'smtp', 's3', 'backups', 'batch', 'rateLimits', 'trustedProxy']) assert.ok(section in body, section);
      }
      // Stored as PocketBase stores it: one JSON document in _params, secrets included.
      const row = await env.app.db.get<{ value: string }>(`SELECT "value" FROM "_params" WHERE "id" = ?`, ['settings']);
      const stored = JSON.parse(row!.value) as { meta: { appName: string }; smtp: { password: string } };
      assert.equal(stored.meta.appName, 'Settings test');
      assert.equal(stored.smtp.password, SMTP_SECRET);
      // A PATCH that leaves the password out keeps it.
      await admin.settings.update({ smtp: { ...smtp.smtpSettings(), password: undefined } });
      await env.app.core.settings.load(env.app.db);
      assert.equal(env.app.core.settings.get().smtp.password, SMTP_SECRET);
      assert.equal(env.app.core.settings.get().meta.appName, 'Settings test');
    });

    test('invalid settings are refused field by field and nothing is saved', async () => {
      const before = JSON.stringify(await admin.settings.getAll());
      let res = await status(admin.settings.update({ meta: { appName: '', appURL: 'not a url' }, smtp: { enabled: true, host: '' } }));
      assert.equal(res.status, 400);
      assert.equal(res.message, 'An error occurred while saving the new settings.');
      const data = res.data as Record<string, Record<string, { code: string }>>;
      assert.equal(data.meta!.appName!.code, 'validation_required');
      assert.equal(data.meta!.appURL!.code, 'validation_is_url');
      assert.equal(data.smtp!.host!.code, 'validation_required');

      res = await status(admin.settings.update({ rateLimits: { enabled: true, rules: [{ label: 'bad label!', maxRequests: 0, duration: 1 }] } }));
      assert.equal(res.status, 400);
      const rule = (res.data.rateLimits as { rules: Record<string, Record<string, { code: string }>> }).rules['0']!;
      assert.equal(rule.label!.code, 'validation_match_invalid');
      assert.equal(rule.maxRequests!.code, 'validation_required');

      res = await status(admin.settings.update({ rateLimits: { rules: [{ label: '*:auth', maxRequests: 1, duration: 1 }, { label: '*:auth', maxRequests: 2, duration: 1 }] } }));
      assert.equal(((res.data.rateLimits as { rules: Record<string, Record<string, { code: string }>> }).rules['1']!.label!).code, 'validation_conflicting_rate_limit_rule');

      // A value of the wrong type refuses the whole body, as PocketBase's decoder does.
      res = await status(admin.settings.update({ meta: { appName: 42 } }));
      assert.equal(res.status, 400);
      assert.deepEqual(res.data, {});
      assert.equal(JSON.stringify(await admin.settings.getAll()), before);
    });

    test('test mails of every template reach the SMTP server, rendered for the chosen collection', async () => {
      await admin.settings.update({ smtp: { ...smtp.smtpSettings(), password: SMTP_SECRET } });
      const subjects: Record<string, RegExp> = {
        verification: /^Verify your Settings test email$/,
        'password-reset': /^Reset your Settings test password$/,
        'email-change': /new Settings test email address$/,
        otp: /one-time password$/,
        'login-alert': /Settings test/,
      };
      for (const [template, subject] of Object.entries(subjects)) {
        const to = `${template}@example.com`;
        await admin.settings.testEmail('users', to, template);
        const mail = await smtp.waitForMailTo(to);
        assert.match(mail.subject, subject, template);
        assert.equal(mail.from, 'mailer@acme.test');
        assert.equal(mail.authUser, 'mailer');
      }
      const otp = await smtp.waitForMailTo('otp@example.com');
      assert.match(otp.html, /123456/);
      const alert = await smtp.waitForMailTo('login-alert@example.com');
      assert.match(alert.html, /TEST_IP TEST_USER_AGENT/);

      const invalid = await status(admin.settings.testEmail('posts-that-do-not-exist', 'not-an-email', 'nope'));
      assert.equal(invalid.status, 400);
      assert.deepEqual(Object.keys(invalid.data).sort(), ['collection', 'email', 'template']);
    });

    test('a test mail that cannot be sent is a 400 that names the kind of failure, not the server or the password', async () => {
      const closedPort = await freePort();
      await admin.settings.update({ smtp: { ...smtp.smtpSettings(), port: closedPort, password: SMTP_SECRET } });
      const res = await status(admin.settings.testEmail('users', 'x@example.com', 'verification'));
      assert.equal(res.status, 400);
      assert.match(res.message, /^Failed to send the test email: could not connect to the SMTP server\.$/);
      assert.ok(!res.message.includes(SMTP_SECRET));
      await admin.settings.update({ smtp: { ...smtp.smtpSettings(), password: SMTP_SECRET } });
    });
  });
}
