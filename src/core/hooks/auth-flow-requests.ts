// The email flows' request hooks (verification, password reset, email change). The flows
// (auth/email-flows.ts) hand their last step about an existing account to a runner; this one
// wraps it in the step's hook. `request-*` steps happen only for a real account, so their
// hooks run in the background: the answer (204) and the time it takes stay the same whether
// or not the email has an account, and a handler's failure only stops the mail (logged).
import type { FlowStep, FlowStepRunner } from '../auth/email-flow-steps.js';
import type { RecordModel } from '../records/record.js';
import type { RequestInfo } from '../rules/request-info.js';
import type { Hooks } from './catalog.js';
import type { Reply } from './events.js';
import {
  RecordConfirmEmailChangeRequestEvent,
  RecordConfirmPasswordResetRequestEvent,
  RecordConfirmVerificationRequestEvent,
  RecordRequestEmailChangeRequestEvent,
  RecordRequestPasswordResetRequestEvent,
  RecordRequestVerificationRequestEvent,
  type RecordEmailFlowRequestEvent,
} from './events-auth.js';
import type { HookApp } from './hook-app.js';
import type { Hook } from './hook.js';
import { HookRecord } from './hook-record.js';

export interface AuthFlowHooksDeps {
  hooks: Hooks;
  appFor(): HookApp;
}

/** One request's runner, and the reply a handler gave instead of the usual 204 (if any). */
export interface AuthFlowHooks {
  run: FlowStepRunner;
  reply(): Reply | null;
}

type FlowChain = (app: HookApp, info: RequestInfo, work: () => Promise<void>) => Promise<Reply | null>;

function chain<E extends RecordEmailFlowRequestEvent>(hook: Hook<E>, make: (app: HookApp, info: RequestInfo) => E): FlowChain | null {
  if (hook.length === 0) return null;
  return async (app, info, work) => {
    const event = make(app, info);
    await hook.trigger(event, async (e) => {
      await work();
      e.noContent();
    });
    return event.reply;
  };
}

function flowChain(hooks: Hooks, step: FlowStep): FlowChain | null {
  const record = new HookRecord(step.record);
  const newEmail = step.newEmail ?? '';
  switch (step.action) {
    case 'request-verification':
      return chain(hooks.recordRequestVerificationRequest, (app, info) => new RecordRequestVerificationRequestEvent(app, info, record));
    case 'confirm-verification':
      return chain(hooks.recordConfirmVerificationRequest, (app, info) => new RecordConfirmVerificationRequestEvent(app, info, record));
    case 'request-password-reset':
      return chain(hooks.recordRequestPasswordResetRequest, (app, info) => new RecordRequestPasswordResetRequestEvent(app, info, record));
    case 'confirm-password-reset':
      return chain(hooks.recordConfirmPasswordResetRequest, (app, info) => new RecordConfirmPasswordResetRequestEvent(app, info, record));
    case 'request-email-change':
      return chain(hooks.recordRequestEmailChangeRequest, (app, info) => new RecordRequestEmailChangeRequestEvent(app, info, { record, newEmail }));
    case 'confirm-email-change':
      return chain(hooks.recordConfirmEmailChangeRequest, (app, info) => new RecordConfirmEmailChangeRequestEvent(app, info, { record, newEmail }));
  }
}

function inBackground(step: FlowStep): boolean {
  return step.action === 'request-verification' || step.action === 'request-password-reset';
}

function where(record: RecordModel) {
  return { collection: record.collection.name, recordId: String(record.values.id ?? '') };
}

/** The runner for one email-flow request asked by `request`. */
export function authFlowHooks(deps: AuthFlowHooksDeps, request: RequestInfo): AuthFlowHooks {
  let reply: Reply | null = null;
  const run: FlowStepRunner = async (step, work) => {
    const fire = flowChain(deps.hooks, step);
    if (!fire) return work();
    const app = deps.appFor();
    if (inBackground(step)) {
      fire(app, request, work).catch((err: unknown) => {
        app.logger.warn({ err, action: step.action, ...where(step.record) }, 'an email-flow request hook failed: the mail was not sent');
      });
      return;
    }
    reply = await fire(app, request, work);
  };
  return { run, reply: () => reply };
}
