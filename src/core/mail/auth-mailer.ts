// The mails an auth record receives, rendered from its collection's templates and sent
// from `meta.senderName`/`senderAddress`. Every send goes through the outbox, so callers
// return at once and a mail server problem never reaches the request.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.js';
import { formatDateTime } from '../../lib/dates.js';
import type { Collection, EmailTemplate } from '../collections/model.js';
import type { RecordModel } from '../records/record.js';
import type { SettingsStore } from '../settings.js';
import { MailOutbox } from './outbox.js';
import { SettingsTransport } from './settings-transport.js';
import { escapeHtml, PLACEHOLDERS, renderTemplate } from './templates.js';
import type { AuthMailer, LoginAlertInfo, MailMessage, MailTransport } from './types.js';

export type MailKind = 'verification' | 'passwordReset' | 'emailChange' | 'otp' | 'loginAlert';

export interface MailServiceDeps {
  settings: SettingsStore;
  logger: Logger;
  clock: Clock;
  /** Defaults to SMTP from the settings. */
  transport?: MailTransport;
  retryDelaysMs?: readonly number[];
}

const USER_AGENT_MAX = 200;

function templateOf(collection: Collection, kind: MailKind): EmailTemplate {
  const auth = collection.auth;
  if (!auth) return { subject: '', body: '' };
  switch (kind) {
    case 'verification':
      return auth.verificationTemplate;
    case 'passwordReset':
      return auth.resetPasswordTemplate;
    case 'emailChange':
      return auth.confirmEmailChangeTemplate;
    case 'otp':
      return auth.otp.emailTemplate;
    case 'loginAlert':
      return auth.authAlert.emailTemplate;
  }
}

/** `<when> - <ip> <user agent>`, the line PocketBase puts in {ALERT_INFO}. */
export function alertInfoText(info: LoginAlertInfo, now: Date): string {
  const agent = info.userAgent.length > USER_AGENT_MAX ? `${info.userAgent.slice(0, USER_AGENT_MAX)}...` : info.userAgent;
  return `${formatDateTime(now)} - ${info.ip} ${agent}`;
}

export class MailService implements AuthMailer {
  readonly outbox: MailOutbox;
  private readonly settingsTransport: SettingsTransport | null;

  constructor(private readonly deps: MailServiceDeps) {
    this.settingsTransport = deps.transport ? null : new SettingsTransport(deps.settings, deps.logger);
    const transport = deps.transport ?? this.settingsTransport!;
    this.outbox = new MailOutbox({ transport, logger: deps.logger, retryDelaysMs: deps.retryDelaysMs });
  }

  async sendVerification(record: RecordModel, token: string): Promise<void> {
    this.enqueue('verification', () => this.compose(record, 'verification', { [PLACEHOLDERS.token]: token }));
  }

  async sendPasswordReset(record: RecordModel, token: string): Promise<void> {
    this.enqueue('passwordReset', () => this.compose(record, 'passwordReset', { [PLACEHOLDERS.token]: token }));
  }

  async sendEmailChange(record: RecordModel, token: string, newEmail: string): Promise<void> {
    // Goes to the new address: receiving it proves the new mailbox is the user's.
    this.enqueue('emailChange', () => this.compose(record, 'emailChange', { [PLACEHOLDERS.token]: token }, newEmail));
  }

  async sendOtp(record: RecordModel, otpId: string, code: string): Promise<void> {
    this.enqueue('otp', () => this.compose(record, 'otp', { [PLACEHOLDERS.otpId]: otpId, [PLACEHOLDERS.otp]: code }));
  }

  async sendLoginAlert(record: RecordModel, info: LoginAlertInfo): Promise<void> {
    this.enqueue('loginAlert', () => {
      const text = escapeHtml(alertInfoText(info, this.deps.clock.now()));
      return this.compose(record, 'loginAlert', { [PLACEHOLDERS.alertInfo]: text });
    });
  }

  /** Renders one mail; `to` defaults to the record's email. */
  compose(record: RecordModel, kind: MailKind, values: Record<string, string>, to?: string): { kind: MailKind; message: MailMessage } {
    const meta = this.deps.settings.get().meta;
    const rendered = renderTemplate(templateOf(record.collection, kind), { appName: meta.appName, appUrl: meta.appURL, record, values });
    const address = to ?? String(record.values.email ?? '');
    return {
      kind,
      message: {
        from: { name: meta.senderName, address: meta.senderAddress },
        to: [{ address }],
        subject: rendered.subject,
        html: rendered.html,
      },
    };
  }

  /**
   * A stand-in record for test mails: every visible field shows `__plinth_test_<name>__`
   * so a superuser can see where each {RECORD:…} placeholder lands.
   */
  sampleRecord(collection: Collection, email: string): RecordModel {
    const values: Record<string, unknown> = {};
    for (const field of collection.fields) {
      if (!field.hidden) values[field.name] = `__plinth_test_${field.name}__`;
    }
    values.tokenKey = randomBytes(24).toString('hex');
    values.email = email;
    return { collection, values };
  }

  /** Resolves when every queued mail is delivered or given up. */
  idle(): Promise<void> {
    return this.outbox.idle();
  }

  close(): void {
    this.outbox.close();
    this.settingsTransport?.close();
  }

  // The AuthMailer methods promise never to throw: a mail that cannot even be rendered is
  // logged and dropped, like one the server refuses for good.
  private enqueue(kind: MailKind | 'custom', build: () => { message: MailMessage }): void {
    let message: MailMessage;
    try {
      message = build().message;
    } catch (err) {
      this.deps.logger.error({ kind, err: err instanceof Error ? err.name : 'unknown' }, 'mail not sent: rendering failed');
      return;
    }
    if (message.to.every((a) => a.address === '')) {
      this.deps.logger.warn({ kind }, 'mail not sent: the record has no email address');
      return;
    }
    if (!this.beforeSend) {
      this.outbox.enqueue(message, kind);
      return;
    }
    this.beforeSend(message, kind).then(
      (changed) => {
        if (changed) this.outbox.enqueue(changed, kind);
      },
      (err: unknown) => this.deps.logger.error({ kind, err }, 'mail not sent: a send hook failed'),
    );
  }

  /**
   * Extension code that sees each mail before it is queued: it may change it, or answer null
   * to drop it. Runs in the background, after the request that caused the mail.
   */
  beforeSend: ((message: MailMessage, kind: MailKind | 'custom') => Promise<MailMessage | null>) | null = null;

  /** Sends a mail composed by extension code (through the send hook and the outbox). */
  send(message: MailMessage): void {
    this.enqueue('custom', () => ({ message }));
  }
}
