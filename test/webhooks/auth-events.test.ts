// Auth flows as webhook events, on both engines: a confirmed verification and a confirmed
// password reset reach the endpoints taking them, tokens read from real mail (SMTP capture).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import PocketBase from 'pocketbase';
import { TEST_DIALECTS } from '../../src/db/testing.js';
import { startHookedApp, type HookedApp } from '../hooks/support.js';
import { eventually } from '../support/eventually.js';
import { startSmtpCapture, tokenFromMail, type SmtpCapture } from '../support/smtp.js';
import { Receiver } from './receiver.js';

for (const dialect of TEST_DIALECTS) {
  describe(`auth flows as webhook events [${dialect}]`, () => {
    let h: HookedApp;
    let smtp: SmtpCapture;
    let receiver: Receiver;
    let secret = '';

    before(async () => {
      smtp = await startSmtpCapture();
      receiver = await Receiver.start();
      h = await startHookedApp(dialect, () => {}, { outboundAllow: '127.0.0.1/32', jobPoll: '30ms' });
      const admin = new PocketBase(h.url);
      admin.authStore.save(h.superuser);
      await admin.settings.update({ meta: { appURL: 'https://app.test', senderName: 'App', senderAddress: 'app@example.com' }, smtp: smtp.smtpSettings() });
      const made = await h.call('POST', '/api/webhooks', { token: h.superuser, body: { name: 'auth', url: receiver.url, events: ['auth.*'], collections: ['users'] } });
      assert.equal(made.status, 200, made.text);
      secret = made.json.secret;
    });
    after(async () => {
      await h?.close();
      await smtp?.close();
      await receiver?.close();
    });

    test('confirming a verification and a password reset are auth.verified and auth.password_reset', async () => {
      const email = 'flow@example.com';
      const users = new PocketBase(h.url).collection('users');
      await users.create({ email, password: 'first-password-1', passwordConfirm: 'first-password-1' });
      await users.requestVerification(email);
      await users.confirmVerification(tokenFromMail(await smtp.waitFor((m) => m.to.includes(email) && /confirm-verification/.test(m.html)), 'confirm-verification'));
      await users.requestPasswordReset(email);
      const reset = tokenFromMail(await smtp.waitFor((m) => m.to.includes(email) && /confirm-password-reset/.test(m.html)), 'confirm-password-reset');
      await users.confirmPasswordReset(reset, 'second-password-2', 'second-password-2');
      await eventually('both events', () => receiver.requests.length >= 2);
      const byType = new Map(receiver.verifiedWith(secret).map((m) => [m.json.type, m.json.data]));
      assert.equal(byType.get('auth.verified')?.record?.verified, true, 'the record as it is after the flow');
      assert.equal(byType.get('auth.password_reset')?.record?.email, email);
      assert.equal('password' in (byType.get('auth.password_reset')?.record ?? {}), false);
      // A refused confirmation queues nothing (events are queued before the answer).
      await assert.rejects(users.confirmPasswordReset(reset, 'third-password-3', 'third-password-3'));
      // Jobs staged by the flows (SQLite) are all in the queue once this resolves.
      await h.plinth.running!.core.jobs.moveStaged();
      const jobs = await h.call('GET', '/api/jobs?name=__plinthWebhookDelivery__&perPage=100', { token: h.superuser });
      const types = (jobs.json.items as { payload: { type: string } }[]).map((j) => j.payload.type).sort();
      assert.deepEqual(types, ['auth.password_reset', 'auth.verified']);
      const before = receiver.requests.length;
      await users.authWithPassword(email, 'second-password-2');
      await eventually('the login that follows', () => receiver.requests.length === before + 1);
      assert.deepEqual(receiver.requests.slice(before).map((m) => m.json.type), ['auth.login']);
    });

    test('confirming an email change is auth.email_changed with the new address; a refused one sends nothing', async () => {
      const email = 'mover@example.com';
      const newEmail = 'moved@example.com';
      const client = new PocketBase(h.url);
      const users = client.collection('users');
      await users.create({ email, password: 'mover-password-1', passwordConfirm: 'mover-password-1' });
      await users.authWithPassword(email, 'mover-password-1');
      await users.requestEmailChange(newEmail);
      const token = tokenFromMail(await smtp.waitFor((m) => m.to.includes(newEmail) && /confirm-email-change/.test(m.html)), 'confirm-email-change');
      // The wrong password refuses the change: nothing is queued for it.
      await assert.rejects(users.confirmEmailChange(token, 'not-the-password'));
      await h.plinth.running!.core.jobs.moveStaged();
      const queued = await h.call('GET', '/api/jobs?name=__plinthWebhookDelivery__&perPage=100', { token: h.superuser });
      assert.equal((queued.json.items as { payload: { type: string } }[]).filter((j) => j.payload.type === 'auth.email_changed').length, 0);
      await users.confirmEmailChange(token, 'mover-password-1');
      const changes = () => receiver.verifiedWith(secret).filter((m) => m.json.type === 'auth.email_changed');
      await eventually('the email change event', () => changes().length > 0);
      const [event] = changes();
      assert.equal(changes().length, 1);
      assert.equal(event!.json.data.record?.email, newEmail);
      assert.equal('password' in (event!.json.data.record ?? {}), false);
    });
  });
}
