// Email flows of auth collections: verification, password reset, email change. Every
// endpoint answers 204 on success (unless a request hook answers otherwise); request
// endpoints answer 204 whether or not the account exists.
import type { Core } from '../../core/index.js';
import { EmailFlowService } from '../../core/auth/email-flows.js';
import type { FlowStepRunner } from '../../core/auth/email-flow-steps.js';
import { authFlowHooks } from '../../core/hooks/index.js';
import { readBody } from '../body.js';
import type { HttpContext } from '../context.js';
import { sendReply } from '../reply.js';
import { requestInfo } from '../request-info.js';
import { sendNoContent } from '../respond.js';
import type { Route } from '../router.js';

type FlowStep = (flows: EmailFlowService, ctx: HttpContext, input: { body: Record<string, unknown>; run: FlowStepRunner }) => Promise<void>;

const STEPS: ReadonlyArray<[string, FlowStep]> = [
  ['request-verification', (f, ctx, { body, run }) => f.requestVerification(ctx.params.collection!, body, run)],
  ['confirm-verification', (f, ctx, { body, run }) => f.confirmVerification(ctx.params.collection!, body, run)],
  ['request-password-reset', (f, ctx, { body, run }) => f.requestPasswordReset(ctx.params.collection!, body, run)],
  ['confirm-password-reset', (f, ctx, { body, run }) => f.confirmPasswordReset(ctx.params.collection!, body, run)],
  ['request-email-change', (f, ctx, { body, run }) => f.requestEmailChange(ctx.params.collection!, body, { auth: ctx.auth.record, run })],
  ['confirm-email-change', (f, ctx, { body, run }) => f.confirmEmailChange(ctx.params.collection!, body, run)],
];

export function authFlowRoutes(core: Core, options: { bodyLimit: number }): Route[] {
  const flows = new EmailFlowService({ db: core.db, clock: core.clock, collections: core.registry, records: core.records, mail: core.mail });
  const hookDeps = { hooks: core.hooks, appFor: () => core.appFor() };
  return STEPS.map(([action, step]) => ({
    method: 'POST' as const,
    path: `/api/collections/:collection/${action}`,
    async handler(ctx: HttpContext) {
      // Who is asking (email change) or which collection (the rest) is checked before the body is read.
      if (action === 'request-email-change') flows.requireOwnCollection(ctx.params.collection!, ctx.auth.record);
      else flows.authCollection(ctx.params.collection!);
      const { data } = await readBody(ctx.req, options.bodyLimit);
      const hooked = authFlowHooks(hookDeps, requestInfo(ctx, data));
      await step(flows, ctx, { body: data, run: hooked.run });
      const reply = hooked.reply();
      if (reply) await sendReply(ctx, reply);
      else sendNoContent(ctx.res);
    },
  }));
}
