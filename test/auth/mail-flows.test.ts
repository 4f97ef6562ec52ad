// Email flows end to end on both engines: the `pocketbase` SDK as client, a real SMTP
// server receiving every mail. Settings point SMTP at it; each flow is requested, the
// token is read out of the delivered mail and confirmed with the SDK.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import PocketBase, { ClientResponseError } from 'pocketbase';
import { SignJWT, decodeJwt } from 'jose';
import { loadConfig } from '../../src/config/index.js';
import { openApp, type PlinthApp } from '../../src/app/index.js';
import { openTestDatabase } from '../../src/db/testing.js';
import { findAuthRecordByEmail, newEmailFlowToken } from '../../src/core/auth/email-flows-tokens.js';
import { tempDir } from '../support/server.js';
import { startSmtpCapture, tokenFromMail, type SmtpCapture } from '../support/smtp.js';

const ADMIN = { email: 'admin@example.com', password: 'admin-password-123' };
const PASSWORD = 'first-password-1';

/** An in-process app whose log lines are kept, so tests can check what was (and was not) logged. */
async function startLoggedApp(dialect: 'sqlite' | 'postgres') {
  let cleanupDb = async () => {};
  let dbUrl: string | undefined;
  if (dialect === 'postgres') {
    const handle = await openTestDatabase('postgres');
    dbUrl = handle.url;
    cleanupDb = () => handle.cleanup();
  }
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const config = loadConfig({ dir: tempDir(), http: '127.0.0.1:0', db: dbUrl }, { env: {} });
  const app: PlinthApp = await openApp(config, { logger: pino({ level: 'info' }, sink) });
  const url = await app.listen();
  return {
    app,
    url,
    logs,
    async close() {
      app.core.mail.close();
      await app.close();
      await cleanupDb();
    },
  };
}

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

async function rawPost(url: string, body: unknown, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: token } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`email flows over real SMTP [${dialect}]`, () => {
    let env: Awaited<ReturnType<typeof startLoggedApp>>;
    let smtp: SmtpCapture;
    let admin: PocketBase;
    let userSeq = 0;

    async function newUser(prefix: string): Promise<{ email: string; id: string }> {
      const email = `${prefix}${++userSeq}@example.com`;
      const created = await new PocketBase(env.url).collection('users').create({ email, password: PASSWORD, passwordConfirm: PASSWORD });
      return { email, id: created.id };
    }

    before(async () => {
      smtp = await startSmtpCapture({ credentials: { username: 'mailer', password: 'smtp-secret-pass' } });
      env = await startLoggedApp(dialect);
      env.app.core.mail.outbox.retryDelaysMs = [5, 5, 5];
      await env.app.core.superusers.create(ADMIN.email, ADMIN.password);
      admin = new PocketBase(env.url);
      await admin.collection('_superusers').authWithPassword(ADMIN.email, ADMIN.password);
      await admin.settings.update({
        meta: { appName: 'Acme <Test>', appURL: 'https://acme.test', senderName: 'Acme', senderAddress: 'noreply@acme.test' },
        smtp: smtp.smtpSettings(),
      });
    });

    after(async () => {
      await env?.close();
      await smtp?.close();
    });

    test('verification: request, read the token from the mail, confirm', async () => {
      const user = await newUser('verify');
      const client = new PocketBase(env.url);
      assert.equal(await client.collection('users').requestVerification(user.email), true);
      const mail = await smtp.waitForMailTo(user.email);
      assert.equal(mail.from, 'noreply@acme.test');
      assert.equal(mail.authUser, 'mailer');
      assert.equal(mail.subject, 'Verify your Acme <Test> email');
      assert.match(mail.html, /https:\/\/acme\.test\/_\/#\/auth\/confirm-verification\//);
      // The app name is HTML in the body; it arrives as text, escaped only where the template is.
      const token = tokenFromMail(mail, 'confirm-verification');
      assert.equal(decodeJwt(token).type, 'verification');
      assert.equal(await client.collection('users').confirmVerification(token), true);
      const record = await admin.collection('users').getOne(user.id);
      assert.equal(record.verified, true);
      // An already verified account gets no new mail, and the answer is still 204.
      smtp.clear();
      assert.equal(await client.collection('users').requestVerification(user.email), true);
      await env.app.core.mail.idle();
      assert.equal(smtp.messages.length, 0);
    });

    test('password reset: new password works, old password and old sessions do not, the token is single-use', async () => {
      const user = await newUser('reset');
      const session = new PocketBase(env.url);
      await session.collection('users').authWithPassword(user.email, PASSWORD);
      const oldToken = session.authStore.token;

      const client = new PocketBase(env.url);
      await client.collection('users').requestPasswordReset(user.email);
      const token = tokenFromMail(await smtp.waitForMailTo(user.email), 'confirm-password-reset');
      await client.collection('users').confirmPasswordReset(token, 'second-password-2', 'second-password-2');

      await client.collection('users').authWithPassword(user.email, 'second-password-2');
      await expectError(new PocketBase(env.url).collection('users').authWithPassword(user.email, PASSWORD), 400);
      // The old session's token died with the tokenKey rotation.
      await expectError(session.collection('users').authRefresh(), 401);
      assert.equal(oldToken !== '', true);
      // Reusing the reset token fails: the tokenKey it was signed with is gone.
      const reused = await expectError(client.collection('users').confirmPasswordReset(token, 'third-password-3', 'third-password-3'), 400);
      assert.equal((reused.response.data as Record<string, { code: string }>).token?.code, 'validation_invalid_token');
      // The reset also proves the mailbox: the account is verified now.
      assert.equal((await admin.collection('users').getOne(user.id)).verified, true);
    });

    test('email change: the mail goes to the new address, confirming changes the email and ends sessions', async () => {
      const user = await newUser('change');
      const client = new PocketBase(env.url);
      await client.collection('users').authWithPassword(user.email, PASSWORD);
      const newEmail = `changed${userSeq}@example.com`;
      await client.collection('users').requestEmailChange(newEmail);
      const mail = await smtp.waitForMailTo(newEmail);
      assert.deepEqual(mail.envelopeTo, [newEmail]);
      const token = tokenFromMail(mail, 'confirm-email-change');
      const wrongPassword = await expectError(client.collection('users').confirmEmailChange(token, 'not-the-password'), 400);
      assert.equal((wrongPassword.response.data as Record<string, { code: string }>).password?.code, 'validation_invalid_password');
      const sessionToken = client.authStore.token;
      await new PocketBase(env.url).collection('users').confirmEmailChange(token, PASSWORD);
      const record = await admin.collection('users').getOne(user.id);
      assert.equal(record.email, newEmail);
      assert.equal(record.verified, true);
      await new PocketBase(env.url).collection('users').authWithPassword(newEmail, PASSWORD);
      const stale = new PocketBase(env.url);
      stale.authStore.save(sessionToken, null);
      await expectError(stale.collection('users').authRefresh(), 401);
    });

    test('unknown emails answer 204 and send nothing', async () => {
      smtp.clear();
      const client = new PocketBase(env.url);
      assert.equal(await client.collection('users').requestVerification('nobody@example.com'), true);
      assert.equal(await client.collection('users').requestPasswordReset('nobody@example.com'), true);
      await env.app.core.mail.idle();
      assert.equal(smtp.messages.length, 0);
    });

    test('tokens are refused when tampered, expired, of another type, for another collection or unsigned', async () => {
      const user = await newUser('attack');
      const client = new PocketBase(env.url);
      await client.collection('users').requestPasswordReset(user.email);
      const reset = tokenFromMail(await smtp.waitForMailTo(user.email), 'confirm-password-reset');
      const base = `${env.url}/api/collections`;
      const body = (token: string) => ({ token, password: 'other-password-9', passwordConfirm: 'other-password-9' });
      const code = (res: { body: Record<string, unknown> }) => ((res.body.data as Record<string, { code: string }>)?.token)?.code;

      // Tampered payload (the signature no longer matches).
      const [h, p, s] = reset.split('.') as [string, string, string];
      const claims = decodeJwt(reset);
      const forged = Buffer.from(JSON.stringify({ ...claims, exp: claims.exp! + 3600 })).toString('base64url');
      let res = await rawPost(`${base}/users/confirm-password-reset`, body(`${h}.${forged}.${s}`));
      assert.equal(res.status, 400);
      assert.equal(code(res), 'validation_invalid_token');

      // alg: none.
      const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
      res = await rawPost(`${base}/users/confirm-password-reset`, body(none));
      assert.equal(code(res), 'validation_invalid_token');

      // Signed with the right shape but a guessed key (expired, too).
      const guessed = await new SignJWT({ ...claims, exp: 1 }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('guess'));
      res = await rawPost(`${base}/users/confirm-password-reset`, body(guessed));
      assert.equal(code(res), 'validation_invalid_token');

      // A verification token is not a reset token, and a reset token is not a verification token.
      await client.collection('users').requestVerification(user.email);
      const verificationMail = await smtp.waitFor((m) => m.to.includes(user.email) && /confirm-verification/.test(m.html));
      const verification = tokenFromMail(verificationMail, 'confirm-verification');
      res = await rawPost(`${base}/users/confirm-password-reset`, body(verification));
      assert.equal(code(res), 'validation_invalid_token');
      res = await rawPost(`${base}/users/confirm-verification`, { token: reset });
      assert.equal(code(res), 'validation_invalid_token');

      // A valid token sent to another auth collection.
      res = await rawPost(`${base}/_superusers/confirm-password-reset`, body(reset));
      assert.equal(code(res), 'validation_token_collection_mismatch');

      // A genuine token (right key, type and collection) whose time is up.
      const stored = await findAuthRecordByEmail(env.app.db, env.app.core.registry.byNameOrId('users')!, user.email);
      const pastClock = { now: () => new Date(Date.now() - 2 * 3600_000) };
      const expired = await newEmailFlowToken(stored!, 'passwordReset', { clock: pastClock });
      res = await rawPost(`${base}/users/confirm-password-reset`, body(expired));
      assert.equal(code(res), 'validation_invalid_token');

      // After all that the genuine token still works, once.
      res = await rawPost(`${base}/users/confirm-password-reset`, body(reset));
      assert.equal(res.status, 204);
      res = await rawPost(`${base}/users/confirm-password-reset`, body(reset));
      assert.equal(code(res), 'validation_invalid_token');
    });

    test('an SMTP server that refuses mail: the request still answers 204, the failure is logged and retried', async () => {
      const user = await newUser('refused');
      const attemptsBefore = smtp.attempts;
      smtp.refuse({ count: 2, responseCode: 451 });
      const client = new PocketBase(env.url);
      assert.equal(await client.collection('users').requestPasswordReset(user.email), true);
      // Two refusals, then the third attempt is accepted.
      const mail = await smtp.waitForMailTo(user.email);
      assert.equal(smtp.attempts - attemptsBefore, 3);
      const token = tokenFromMail(mail, 'confirm-password-reset');
      const retries = env.logs.filter((l) => l.msg === 'mail not sent: will retry' && l.kind === 'passwordReset');
      assert.ok(retries.length >= 2);
      assert.equal(retries[0]!.responseCode, 451);
      // Nothing logged carries the token or the SMTP password.
      const logText = JSON.stringify(env.logs);
      assert.ok(!logText.includes(token));
      assert.ok(!logText.includes('smtp-secret-pass'));

      // A permanent refusal is given up at once, still without failing the request.
      const other = await newUser('refused');
      smtp.refuse({ count: 1, responseCode: 550 });
      const before = smtp.attempts;
      assert.equal(await client.collection('users').requestPasswordReset(other.email), true);
      await env.app.core.mail.idle();
      assert.equal(smtp.attempts - before, 1);
      assert.ok(env.logs.some((l) => l.msg === 'mail not sent: giving up' && l.responseCode === 550));
      smtp.refuse(null);
    });
  });
}
