// The auth API's logins (password, one-time code, OAuth2), refresh and impersonation run
// through their request hooks. Each finds what the request is about (the account, the
// code's owner, the provider's user), hands it to its hook, and at the end of the chain does
// the work and reaches onRecordAuthRequest, the hook every successful auth answer passes.
// With no handler bound, the plain service call runs and no event is made.
import type { AuthResponse, AuthService, LoginAttempt } from '../auth/auth-service.js';
import type { OtpService } from '../auth/otp.js';
import { loginMeta, type OAuth2Service } from '../auth/oauth2/oauth2-service.js';
import type { RecordModel } from '../records/record.js';
import type { RequestInfo } from '../rules/request-info.js';
import type { Hooks } from './catalog.js';
import type { Reply } from './events.js';
import {
  RecordAuthRefreshRequestEvent,
  RecordAuthRequestEvent,
  RecordAuthWithOAuth2RequestEvent,
  RecordAuthWithOTPRequestEvent,
  RecordAuthWithPasswordRequestEvent,
  RecordRequestOTPRequestEvent,
  type AuthMethod,
} from './events-auth.js';
import type { HookApp } from './hook-app.js';
import { HookRecord } from './hook-record.js';

export interface AuthRequestsDeps {
  auth: AuthService;
  otp: OtpService;
  oauth2: OAuth2Service;
  hooks: Hooks;
  appFor(): HookApp;
}

/** Who asks (as the rules see it) and which relations the answer expands. */
export interface AuthCall {
  request: RequestInfo;
  expand: string | null;
}

interface AuthStart {
  record: RecordModel;
  request: RequestInfo;
  token: string;
  meta: unknown;
  authMethod: AuthMethod;
}

const NOTHING: Reply = { kind: 'noContent', status: 204 };

function json(body: unknown): Reply {
  return { kind: 'json', status: 200, body };
}

function hookRecord(record: RecordModel | null): HookRecord | null {
  return record ? new HookRecord(record) : null;
}

export class AuthRequests {
  constructor(private readonly deps: AuthRequestsDeps) {}

  async authWithPassword(ref: string, body: Record<string, unknown>, call: AuthCall): Promise<Reply> {
    const { auth, hooks } = this.deps;
    if (hooks.recordAuthWithPasswordRequest.length === 0 && hooks.recordAuthRequest.length === 0) {
      return json(await auth.authWithPassword(ref, body, call.request, call.expand));
    }
    const attempt = await auth.passwordAttempt(ref, body);
    const event = new RecordAuthWithPasswordRequestEvent(this.deps.appFor(), call.request, { ...attempt, record: hookRecord(attempt.record) });
    await hooks.recordAuthWithPasswordRequest.trigger(event, async (e) => {
      // A handler may have named another account or password: the check is on what it left.
      const record = await auth.checkPassword(e.record?.model ?? null, e.password);
      e.reply = await this.login(record, { method: 'password', request: call.request, expand: call.expand, mfaId: attempt.mfaId });
    });
    return event.reply ?? NOTHING;
  }

  async requestOtp(ref: string, body: Record<string, unknown>, request: RequestInfo): Promise<Reply> {
    const { otp, hooks } = this.deps;
    if (hooks.recordRequestOTPRequest.length === 0) return json(await otp.request(ref, body));
    const requester = await otp.requester(ref, body);
    // Fired for unknown emails too (record null), so having handlers changes nothing a guest can see.
    const event = new RecordRequestOTPRequestEvent(this.deps.appFor(), request, { ...requester, record: hookRecord(requester.record) });
    await hooks.recordRequestOTPRequest.trigger(event, async (e) => e.json(200, await otp.issue(requester)));
    return event.reply ?? NOTHING;
  }

  async authWithOtp(ref: string, body: Record<string, unknown>, call: AuthCall): Promise<Reply> {
    const { otp, hooks } = this.deps;
    if (hooks.recordAuthWithOTPRequest.length === 0 && hooks.recordAuthRequest.length === 0) {
      return json(await otp.authenticate(ref, body, call.request, call.expand));
    }
    // The code is checked (and used up) first: handlers never help anyone probe codes.
    const used = await otp.useCode(ref, body);
    const request: RequestInfo = { ...call.request, context: 'otp' };
    const event = new RecordAuthWithOTPRequestEvent(this.deps.appFor(), request, { record: new HookRecord(used.record), otpId: used.otpId });
    await hooks.recordAuthWithOTPRequest.trigger(event, async (e) => {
      const record = await otp.proveAddress(used);
      e.reply = await this.login(record, { method: 'otp', request, expand: call.expand, mfaId: used.mfaId });
    });
    return event.reply ?? NOTHING;
  }

  async authWithOAuth2(ref: string, body: Record<string, unknown>, call: AuthCall): Promise<Reply> {
    const { oauth2, hooks } = this.deps;
    if (hooks.recordAuthWithOAuth2Request.length === 0 && hooks.recordAuthRequest.length === 0) {
      return json(await oauth2.authenticate(ref, body, call.request, call.expand));
    }
    const login = await oauth2.prepare(ref, body);
    const request: RequestInfo = { ...call.request, context: 'oauth2' };
    const existing = hooks.recordAuthWithOAuth2Request.length > 0 ? await oauth2.existingAccount(login, request) : null;
    const event = new RecordAuthWithOAuth2RequestEvent(this.deps.appFor(), request, {
      collection: login.collection,
      providerName: login.form.provider,
      record: hookRecord(existing),
      oauth2User: login.user,
      createData: login.form.createData,
    });
    await hooks.recordAuthWithOAuth2Request.trigger(event, async (e) => {
      const { record, isNew } = await oauth2.link(login, { request, createData: e.createData });
      e.record = new HookRecord(record);
      e.isNewRecord = isNew;
      const meta = loginMeta(login.user, isNew);
      e.reply = await this.login(record, { method: 'oauth2', request, expand: call.expand, mfaId: login.form.mfaId, meta });
    });
    return event.reply ?? NOTHING;
  }

  async refresh(ref: string, authHeader: string, call: AuthCall): Promise<Reply> {
    const { auth, hooks } = this.deps;
    if (hooks.recordAuthRefreshRequest.length === 0 && hooks.recordAuthRequest.length === 0) {
      return json(await auth.refresh(ref, call.request, authHeader, call.expand));
    }
    const record = auth.refreshTarget(ref, call.request);
    const event = new RecordAuthRefreshRequestEvent(this.deps.appFor(), call.request, new HookRecord(record));
    await hooks.recordAuthRefreshRequest.trigger(event, async (e) => {
      await auth.checkAuthRule(e.record.model, call.request);
      const token = await auth.refreshedToken(e.record.model, authHeader);
      e.reply = await this.respond(e.record.model, { ...call, token, method: 'refresh' });
    });
    return event.reply ?? NOTHING;
  }

  /** A superuser's token for `record` (its duration and refreshability chosen by the route). */
  async impersonate(record: RecordModel, token: string, call: AuthCall): Promise<Reply> {
    const { auth, hooks } = this.deps;
    if (hooks.recordAuthRequest.length === 0) return json(await auth.respond(record, call.request, call.expand, token));
    await auth.checkAuthRule(record, call.request);
    return this.respond(record, { ...call, token, method: 'impersonate' });
  }

  /** The last part of every login: MFA and the auth rule, then the token through onRecordAuthRequest. */
  private async login(record: RecordModel, login: LoginAttempt): Promise<Reply> {
    const { auth, hooks } = this.deps;
    if (hooks.recordAuthRequest.length === 0) return json(await auth.finishLogin(record, login));
    await auth.admit(record, login);
    const start = { record, request: login.request, token: await auth.newAuthToken(record), meta: login.meta ?? null, authMethod: login.method };
    return this.authReply(start, (e) => auth.completeLogin(e.record.model, { ...login, meta: e.meta ?? undefined }, e.token));
  }

  /** The answer of refresh and impersonation (their checks done) through onRecordAuthRequest. */
  private respond(record: RecordModel, input: AuthCall & { token: string; method: AuthMethod }): Promise<Reply> {
    const start = { record, request: input.request, token: input.token, meta: null, authMethod: input.method };
    return this.authReply(start, async (e) => {
      const response = await this.deps.auth.present(e.record.model, input.request, { expand: input.expand, token: e.token });
      return e.meta === null || e.meta === undefined ? response : { ...response, meta: e.meta };
    });
  }

  private async authReply(start: AuthStart, finish: (e: RecordAuthRequestEvent) => Promise<AuthResponse>): Promise<Reply> {
    const event = new RecordAuthRequestEvent(this.deps.appFor(), start.request, { ...start, record: new HookRecord(start.record) });
    await this.deps.hooks.recordAuthRequest.trigger(event, async (e) => e.json(200, await finish(e)));
    return event.reply ?? NOTHING;
  }
}

export { authFlowHooks, type AuthFlowHooks } from './auth-flow-requests.js';
