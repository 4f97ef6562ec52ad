// Auth events for webhooks, taken from the auth request hooks once a flow succeeded: a
// sign-in (`auth.login`, not a token refresh), a confirmed verification, password reset or
// email change. The record is read again after the flow, so the payload shows its new state.
import type { Logger } from 'pino';
import type { Database } from '../../db/types.js';
import type { Hooks } from '../hooks/index.js';
import type { HookRecord } from '../hooks/hook-record.js';
import { findRecordById } from '../records/repository.js';
import type { WebhookOutbox } from './outbox.js';
import type { WebhookRegistry } from './registry.js';

export const AUTH_EVENT_TYPES = ['auth.login', 'auth.verified', 'auth.password_reset', 'auth.email_changed'] as const;

interface AuthEventDeps {
  db: Database;
  logger: Logger;
  registry: WebhookRegistry;
  outbox: WebhookOutbox;
}

export function bindAuthWebhookEvents(hooks: Hooks, deps: AuthEventDeps): void {
  // The flow has already happened when its event is queued: a failure to queue is logged,
  // never turned into a failed sign-in (these events are at most once, unlike record events).
  const send = async (type: (typeof AUTH_EVENT_TYPES)[number], record: HookRecord, extra: Record<string, unknown> = {}) => {
    const { collection } = record.model;
    if (deps.registry.matching(type, collection.id).length === 0) return;
    try {
      const fresh = await findRecordById(deps.db, collection, String(record.model.values.id));
      if (fresh) await deps.outbox.recordEvent(deps.db, type, fresh, extra);
    } catch (err) {
      deps.logger.error({ err, type, collection: collection.name }, 'webhooks: could not queue an auth event');
    }
  };
  const id = (name: string) => `__plinthWebhooks_${name}__`;
  hooks.recordAuthRequest.bind({
    id: id('login'),
    func: async (e) => {
      await e.next();
      if (e.authMethod !== 'refresh') await send('auth.login', e.record, { method: e.authMethod });
    },
  });
  hooks.recordConfirmVerificationRequest.bind({
    id: id('verified'),
    func: async (e) => {
      await e.next();
      await send('auth.verified', e.record);
    },
  });
  hooks.recordConfirmPasswordResetRequest.bind({
    id: id('passwordReset'),
    func: async (e) => {
      await e.next();
      await send('auth.password_reset', e.record);
    },
  });
  hooks.recordConfirmEmailChangeRequest.bind({
    id: id('emailChanged'),
    func: async (e) => {
      await e.next();
      await send('auth.email_changed', e.record);
    },
  });
}
