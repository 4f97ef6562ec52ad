// The SMTP adapter of the mail port, on nodemailer. One pooled-less transport per settings
// version: `SettingsTransport` below swaps it when the `smtp` settings change.
import nodemailer, { type Transporter } from 'nodemailer';
import type { SmtpSettings } from '../settings.js';
import type { MailMessage, MailTransport } from './types.js';

/** Why a message could not be handed over, safe to log (no credentials, no message text). */
export class MailSendError extends Error {
  /** The server refused for good (a 5xx reply): retrying the same message will not help. */
  readonly permanent: boolean;
  readonly code: string;
  readonly responseCode: number | null;

  constructor(message: string, details: { permanent: boolean; code: string; responseCode: number | null }) {
    super(message);
    this.name = 'MailSendError';
    this.permanent = details.permanent;
    this.code = details.code;
    this.responseCode = details.responseCode;
  }
}

// Short, fixed descriptions for nodemailer's error codes: these are what a superuser sees
// when a test mail fails, so they say what kind of failure it was without server text.
const REASONS: Record<string, string> = {
  ECONNECTION: 'could not connect to the SMTP server',
  ETIMEDOUT: 'the SMTP server did not answer in time',
  ESOCKET: 'the connection to the SMTP server failed',
  EDNS: 'the SMTP host name could not be resolved',
  ETLS: 'the TLS handshake with the SMTP server failed',
  EAUTH: 'the SMTP server refused the credentials',
  EENVELOPE: 'the SMTP server refused the sender or a recipient',
  EMESSAGE: 'the SMTP server refused the message',
  EPROTOCOL: 'the SMTP server answered unexpectedly',
};

export function describeSendFailure(err: unknown): MailSendError {
  if (err instanceof MailSendError) return err;
  const raw = (err ?? {}) as { code?: unknown; responseCode?: unknown; syscall?: unknown };
  let code = typeof raw.code === 'string' ? raw.code : 'EUNKNOWN';
  // nodemailer reports a refused or unreachable connection as a generic socket error.
  if (code === 'ESOCKET' && raw.syscall === 'connect') code = 'ECONNECTION';
  const responseCode = typeof raw.responseCode === 'number' ? raw.responseCode : null;
  const reason = REASONS[code] ?? 'the message could not be sent';
  const permanent = responseCode !== null && responseCode >= 500 && responseCode < 600;
  return new MailSendError(responseCode ? `${reason} (${responseCode})` : reason, { permanent, code, responseCode });
}

export class SmtpTransport implements MailTransport {
  private readonly transporter: Transporter;

  constructor(settings: SmtpSettings) {
    const auth = settings.username || settings.password ? { user: settings.username, pass: settings.password } : undefined;
    this.transporter = nodemailer.createTransport({
      host: settings.host,
      port: settings.port,
      secure: settings.tls,
      auth,
      authMethod: settings.authMethod || 'PLAIN',
      name: settings.localName || 'localhost',
      // Fail in seconds, not minutes: sends run in the background and are retried.
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
      disableFileAccess: true,
      disableUrlAccess: true,
    });
  }

  async send(message: MailMessage): Promise<void> {
    try {
      await this.transporter.sendMail({
        from: message.from,
        to: message.to,
        subject: message.subject,
        html: message.html,
        text: message.text,
        headers: message.headers,
      });
    } catch (err) {
      throw describeSendFailure(err);
    }
  }

  close(): void {
    this.transporter.close();
  }
}
