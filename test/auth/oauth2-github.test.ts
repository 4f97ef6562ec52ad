// OAuth2 with a non-OIDC provider: GitHub's endpoints served by a small local node:http
// server, configured through the provider's authURL/tokenURL/userInfoURL overrides.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import PocketBase, { ClientResponseError } from 'pocketbase';
import { startTestApp, type TestApp } from '../support/app.js';

const CLIENT_ID = 'gh-client';
const CLIENT_SECRET = 'gh-secret';
const REDIRECT = 'http://127.0.0.1:9/callback';

interface FakeGitHub {
  url: string;
  /** What GET /user/emails answers next. */
  emails: { status: number; body: unknown };
  close(): Promise<void>;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function startFakeGitHub(): Promise<FakeGitHub> {
  const challenges = new Map<string, string>();
  let next = 0;
  const fake = { url: '', emails: { status: 200, body: [] as unknown } };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/login/oauth/authorize') {
        const code = `code-${++next}`;
        challenges.set(code, url.searchParams.get('code_challenge') ?? '');
        const back = new URL(url.searchParams.get('redirect_uri')!);
        back.searchParams.set('code', code);
        back.searchParams.set('state', url.searchParams.get('state') ?? '');
        res.writeHead(302, { location: back.toString() }).end();
      } else if (url.pathname === '/login/oauth/access_token' && req.method === 'POST') {
        const form = await readForm(req);
        const basic = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64');
        const code = form.get('code') ?? '';
        const challenge = challenges.get(code);
        challenges.delete(code);
        const verifierHash = createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
        // GitHub reports a bad code with status 200 and an `error` member.
        if (req.headers.authorization !== `Basic ${basic}` || challenge === undefined || challenge !== verifierHash) {
          json(res, 200, { error: 'bad_verification_code' });
        } else {
          json(res, 200, { access_token: `token-${code}`, token_type: 'bearer', scope: 'read:user,user:email' });
        }
      } else if (!req.headers.authorization?.startsWith('Bearer token-')) {
        json(res, 401, { message: 'Requires authentication' });
      } else if (url.pathname === '/user') {
        json(res, 200, { id: 4242, login: 'octocat', name: 'Mona Octocat', avatar_url: 'https://avatars.example.com/u/4242', email: 'public@example.com' });
      } else if (url.pathname === '/user/emails') {
        json(res, fake.emails.status, fake.emails.body);
      } else {
        json(res, 404, { message: 'Not Found' });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(fake, { close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`OAuth2 with GitHub's endpoints on a local server [${dialect}]`, () => {
    let t: TestApp;
    let github: FakeGitHub;

    before(async () => {
      github = await startFakeGitHub();
      t = await startTestApp(dialect);
      await t.app.core.superusers.create('root@example.com', 'root-password-1');
      const admin = new PocketBase(t.url);
      await admin.collection('_superusers').authWithPassword('root@example.com', 'root-password-1');
      await admin.collections.update('users', {
        oauth2: {
          enabled: true,
          mappedFields: { name: 'name', avatarURL: 'avatar' },
          providers: [
            {
              name: 'github',
              clientId: CLIENT_ID,
              clientSecret: CLIENT_SECRET,
              authURL: `${github.url}/login/oauth/authorize`,
              tokenURL: `${github.url}/login/oauth/access_token`,
              userInfoURL: `${github.url}/user`,
            },
          ],
        },
      });
    });

    after(async () => {
      await t?.close();
      await github?.close();
    });

    async function login(verifier?: string) {
      const pb = new PocketBase(t.url);
      const methods = await pb.collection('users').listAuthMethods();
      const info = methods.oauth2.providers.find((p) => p.name === 'github')!;
      assert.equal(info.displayName, 'GitHub');
      const answer = await fetch(info.authURL + encodeURIComponent(REDIRECT), { redirect: 'manual' });
      const back = new URL(answer.headers.get('location')!);
      assert.equal(back.searchParams.get('state'), info.state);
      return pb.collection('users').authWithOAuth2Code('github', back.searchParams.get('code')!, verifier ?? info.codeVerifier, REDIRECT);
    }

    test('without a verified primary email the sign-up has no email to use', async () => {
      for (const emails of [
        { status: 200, body: [{ email: 'mona@example.com', primary: true, verified: false }] },
        { status: 403, body: { message: 'Resource not accessible by integration' } },
      ]) {
        github.emails = emails;
        const err = await login().then(
          () => null,
          (e: unknown) => e,
        );
        assert.ok(err instanceof ClientResponseError);
        assert.equal(err.status, 400);
        assert.equal(err.response.data?.email?.code, 'validation_required');
      }
    });

    test("the verified primary address from /user/emails becomes the account's email", async () => {
      github.emails = {
        status: 200,
        body: [
          { email: 'old@example.com', primary: false, verified: true },
          { email: 'mona@example.com', primary: true, verified: true },
        ],
      };
      const result = await login();
      assert.equal(result.meta?.isNew, true);
      assert.equal(result.meta?.id, '4242');
      assert.equal(result.meta?.username, 'octocat');
      assert.equal(result.meta?.email, 'mona@example.com');
      assert.equal(result.record.email, 'mona@example.com');
      assert.equal(result.record.verified, true);
      assert.equal(result.record.name, 'Mona Octocat');
      // `avatar` is a file field: the picture is not downloaded (files come later).
      assert.equal(result.record.avatar, '');
      const again = await login();
      assert.equal(again.meta?.isNew, false);
      assert.equal(again.record.id, result.record.id);
    });

    test('a wrong PKCE verifier fails the token exchange', async () => {
      const err = await login('B'.repeat(43)).then(
        () => null,
        (e: unknown) => e,
      );
      assert.ok(err instanceof ClientResponseError);
      assert.equal(err.status, 400);
      assert.equal(err.response.message, 'Failed to fetch OAuth2 token.');
    });
  });
}
