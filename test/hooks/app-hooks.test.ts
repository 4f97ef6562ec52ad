// Hooks around mail and cron with the real parts: an SMTP server receiving what the mailer
// hook let through, and two nodes on one PostgreSQL database sharing a cron tick.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import PocketBase from 'pocketbase';
import { pino } from 'pino';
import { TEST_DIALECTS } from '../../src/db/testing.js';
import { loadConfig } from '../../src/config/index.js';
import { createPlinth, type Plinth } from '../../src/app/plinth.js';
import { testDatabaseUrl } from '../support/app.js';
import { tempDir } from '../support/server.js';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp.js';
import { startHookedApp, type HookedApp } from './support.js';

for (const dialect of TEST_DIALECTS) {
  describe(`mailer hook [${dialect}]`, () => {
    let h: HookedApp;
    let smtp: SmtpCapture;

    before(async () => {
      smtp = await startSmtpCapture();
      h = await startHookedApp(dialect, (plinth) => {
        plinth.onMailerSend().bindFunc(async (e) => {
          if (e.message.subject.includes('[drop]')) return;
          e.message = { ...e.message, subject: `[Shop] ${e.message.subject}` };
          await e.next();
        });
      });
      const admin = new PocketBase(h.url);
      admin.authStore.save(h.superuser);
      await admin.settings.update({ meta: { senderName: 'Shop', senderAddress: 'shop@example.com' }, smtp: smtp.smtpSettings() });
    });
    after(async () => {
      await h?.close();
      await smtp?.close();
    });

    test('a hook changes outgoing mail or drops it; what it lets through reaches the SMTP server', async () => {
      const send = (subject: string, to: string) =>
        h.plinth.app.sendMail({ from: { address: 'shop@example.com' }, to: [{ address: to }], subject, html: '<p>hi</p>' });
      await send('[drop] not this one', 'dropped@example.com');
      await send('Your order', 'kept@example.com');
      const mail = await smtp.waitForMailTo('kept@example.com');
      assert.equal(mail.subject, '[Shop] Your order');
      await h.plinth.running!.core.mail.idle();
      assert.ok(smtp.messages.every((m) => !m.envelopeTo.includes('dropped@example.com')));
    });

    test('mails of the auth flows go through the same hook', async () => {
      const pb = new PocketBase(h.url);
      await pb.collection('users').create({ email: 'reader@example.com', password: 'reader-pass-1', passwordConfirm: 'reader-pass-1' });
      await pb.collection('users').requestVerification('reader@example.com');
      const mail = await smtp.waitForMailTo('reader@example.com');
      assert.match(mail.subject, /^\[Shop\] /);
    });
  });
}

describe('cron on two nodes sharing PostgreSQL', () => {
  const nodes: Plinth[] = [];
  let cleanup: () => Promise<void> = async () => {};
  const runs: string[] = [];

  before(async () => {
    const database = await testDatabaseUrl('postgres');
    cleanup = database.cleanup;
    for (const name of ['a', 'b']) {
      const config = loadConfig({ dir: tempDir(), http: '127.0.0.1:0', db: database.url, hooksDir: '' }, { env: {} });
      const plinth = createPlinth({ config, logger: pino({ level: 'silent' }) });
      plinth.cronAdd('report', '*/10 * * * *', () => {
        runs.push(name);
      });
      nodes.push(plinth);
    }
    // One after the other: both apply the same migrations on one schema.
    for (const node of nodes) await node.start();
  });
  after(async () => {
    for (const node of nodes) await node.stop();
    await cleanup();
  });

  test('each tick runs on exactly one node', async () => {
    for (const minute of [0, 10, 20]) {
      const tick = new Date(Date.UTC(2030, 0, 1, 12, minute));
      await Promise.all(nodes.map((node) => node.running!.extensions.cron.tick(tick)));
      await Promise.all(nodes.map((node) => node.running!.extensions.cron.whenIdle()));
    }
    assert.equal(runs.length, 3);
  });
});
