// Templates (placeholders, escaping, one-pass replacement), the auth mails' addressing,
// and the outbox's retry policy with a transport that fails on demand.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { defaultAuthOptions } from '../collections/auth-defaults.js';
import { makeField } from '../collections/fields/test-fields.js';
import type { Collection } from '../collections/model.js';
import { SettingsStore } from '../settings.js';
import { MailService } from './auth-mailer.js';
import { MailOutbox } from './outbox.js';
import { MailSendError } from './smtp-transport.js';
import { renderTemplate } from './templates.js';
import type { MailMessage, MailTransport } from './types.js';

function usersCollection(): Collection {
  const auth = defaultAuthOptions(() => 'secret');
  auth.verificationTemplate = { subject: 'Hi {RECORD:name} from {APP_NAME}', body: '<p>{RECORD:name} {RECORD:age} {RECORD:secretNote} {TOKEN} {APP_URL}</p>' };
  return {
    id: 'c1',
    name: 'users',
    type: 'auth',
    system: false,
    fields: [
      makeField('text', { name: 'name' }),
      makeField('number', { name: 'age' }),
      makeField('text', { name: 'secretNote', hidden: true }),
      makeField('email', { name: 'email' }),
    ],
    indexes: [],
    listRule: null,
    viewRule: null,
    createRule: null,
    updateRule: null,
    deleteRule: null,
    created: '',
    updated: '',
    auth,
  };
}

class RecordingTransport implements MailTransport {
  sent: MailMessage[] = [];
  failures: MailSendError[] = [];
  calls = 0;
  async send(message: MailMessage): Promise<void> {
    this.calls++;
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.sent.push(message);
  }
}

function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _e, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

const transient = () => new MailSendError('could not connect', { permanent: false, code: 'ECONNECTION', responseCode: null });
const permanent = () => new MailSendError('refused (550)', { permanent: true, code: 'EENVELOPE', responseCode: 550 });

describe('mail templates', () => {
  test('placeholders are filled, record values escaped, hidden fields left out', () => {
    const collection = usersCollection();
    const record = { collection, values: { name: '<b>Ann</b> & {TOKEN}', age: 42, secretNote: 'classified', email: 'ann@example.com' } };
    const out = renderTemplate(collection.auth!.verificationTemplate, { appName: 'Acme', appUrl: 'https://acme.test', record, values: { '{TOKEN}': 'tok.en.value' } });
    assert.equal(out.subject, 'Hi &lt;b&gt;Ann&lt;/b&gt; &amp; {TOKEN} from Acme');
    assert.match(out.html, /<p>&lt;b&gt;Ann&lt;\/b&gt; &amp; \{TOKEN\} 42 \{RECORD:secretNote\} tok\.en\.value https:\/\/acme\.test<\/p>/);
    assert.ok(!out.html.includes('classified'));
  });
});

describe('auth mails', () => {
  test('are sent from the meta sender; an email change goes to the new address', async () => {
    const transport = new RecordingTransport();
    const mail = new MailService({ settings: new SettingsStore(), logger: pino({ level: 'silent' }), clock: { now: () => new Date() }, transport });
    const record = { collection: usersCollection(), values: { id: 'r1', name: 'Ann', email: 'ann@example.com' } };
    await mail.sendVerification(record, 'token-1');
    await mail.sendEmailChange(record, 'token-2', 'new@example.com');
    await mail.idle();
    assert.deepEqual(transport.sent.map((m) => m.to[0]!.address), ['ann@example.com', 'new@example.com']);
    assert.deepEqual(transport.sent[0]!.from, { name: 'Support', address: 'support@example.com' });
  });

  test('a record without an email is skipped with a warning, never an exception', async () => {
    const transport = new RecordingTransport();
    const { logger, lines } = capturingLogger();
    const mail = new MailService({ settings: new SettingsStore(), logger, clock: { now: () => new Date() }, transport });
    await mail.sendOtp({ collection: usersCollection(), values: { id: 'r1', email: '' } }, 'otp1', '123456');
    await mail.idle();
    assert.equal(transport.calls, 0);
    assert.ok(lines.some((l) => l.msg === 'mail not sent: the record has no email address'));
  });
});

describe('mail outbox', () => {
  const message: MailMessage = { from: { address: 'a@example.com' }, to: [{ address: 'b@example.com' }], subject: 's', html: 'secret-code-987' };

  test('retries transient failures with the configured delays, then delivers', async () => {
    const transport = new RecordingTransport();
    transport.failures.push(transient(), transient());
    const { logger, lines } = capturingLogger();
    const outbox = new MailOutbox({ transport, logger, retryDelaysMs: [1, 1, 1] });
    outbox.enqueue(message, 'otp');
    await outbox.idle();
    assert.equal(transport.calls, 3);
    assert.equal(transport.sent.length, 1);
    assert.equal(lines.filter((l) => l.msg === 'mail not sent: will retry').length, 2);
    assert.ok(!JSON.stringify(lines).includes('secret-code-987'));
  });

  test('gives up after the last retry, and at once on a permanent refusal', async () => {
    const transport = new RecordingTransport();
    transport.failures.push(transient(), transient(), transient());
    const { logger, lines } = capturingLogger();
    const outbox = new MailOutbox({ transport, logger, retryDelaysMs: [1, 1] });
    outbox.enqueue(message, 'otp');
    await outbox.idle();
    assert.equal(transport.calls, 3);
    assert.equal(transport.sent.length, 0);
    transport.failures.push(permanent());
    outbox.enqueue(message, 'otp');
    await outbox.idle();
    assert.equal(transport.calls, 4);
    assert.equal(lines.filter((l) => l.msg === 'mail not sent: giving up').length, 2);
  });

  test('close() ends waiting retries instead of keeping them', async () => {
    const transport = new RecordingTransport();
    transport.failures.push(transient());
    const outbox = new MailOutbox({ transport, logger: pino({ level: 'silent' }), retryDelaysMs: [60_000] });
    outbox.enqueue(message, 'otp');
    // Let the first attempt fail and the retry start waiting.
    while (transport.calls === 0) await new Promise((r) => setImmediate(r));
    outbox.close();
    await outbox.idle();
    assert.equal(transport.calls, 1);
  });
});
