// The seam where extension hooks wrap the email flows (hooks/auth-flow-requests.ts), kept
// here so the flows know nothing of the hooks.
import type { RecordModel } from '../records/record.js';

/**
 * A flow's last step about an existing account. `request-*` steps happen only for a real
 * account, so a runner must not hold the answer back on them: it runs them in the background.
 */
export interface FlowStep {
  action: 'request-verification' | 'confirm-verification' | 'request-password-reset' | 'confirm-password-reset' | 'request-email-change' | 'confirm-email-change';
  record: RecordModel;
  newEmail?: string;
}

/** Runs `work` (the mail, the save), or wraps it; resolves once the answer may go. */
export type FlowStepRunner = (step: FlowStep, work: () => Promise<void>) => Promise<void>;

export const runDirectly: FlowStepRunner = (_step, work) => work();
