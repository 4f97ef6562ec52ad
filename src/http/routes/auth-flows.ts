// Email flows of auth collections: verification, password reset, email change. Every
// endpoint answers 204 on success; request endpoints answer 204 whether or not the
// account exists.
import type { Core } from '../../core/index.js';
import { EmailFlowService } from '../../core/auth/email-flows.js';
import { readBody } from '../body.js';
import type { HttpContext } from '../context.js';
import { sendNoContent } from '../respond.js';
import type { Route } from '../router.js';

type FlowStep = (flows: EmailFlowService, ctx: HttpContext, body: Record<string, unknown>) => Promise<void>;

const STEPS: ReadonlyArray<[string, FlowStep]> = [
  ['request-verification', (f, ctx, body) => f.requestVerification(ctx.params.collection!, body)],
  ['confirm-verification', (f, ctx, body) => f.confirmVerification(ctx.params.collection!, body)],
  ['request-password-reset', (f, ctx, body) => f.requestPasswordReset(ctx.params.collection!, body)],
  ['confirm-password-reset', (f, ctx, body) => f.confirmPasswordReset(ctx.params.collection!, body)],
  ['request-email-change', (f, ctx, body) => f.requestEmailChange(ctx.params.collection!, ctx.auth.record, body)],
  ['confirm-email-change', (f, ctx, body) => f.confirmEmailChange(ctx.params.collection!, body)],
];

export function authFlowRoutes(core: Core, options: { bodyLimit: number }): Route[] {
  const flows = new EmailFlowService({ db: core.db, clock: core.clock, collections: core.registry, records: core.records, mail: core.mail });
  return STEPS.map(([action, step]) => ({
    method: 'POST' as const,
    path: `/api/collections/:collection/${action}`,
    async handler(ctx: HttpContext) {
      // Who is asking (email change) or which collection (the rest) is checked before the body is read.
      if (action === 'request-email-change') flows.requireOwnCollection(ctx.params.collection!, ctx.auth.record);
      else flows.authCollection(ctx.params.collection!);
      const { data } = await readBody(ctx.req, options.bodyLimit);
      await step(flows, ctx, data);
      sendNoContent(ctx.res);
    },
  }));
}
