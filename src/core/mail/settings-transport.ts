// The transport the app uses: SMTP built from the current `smtp` settings and rebuilt when
// they change. With SMTP disabled PocketBase would fall back to the local `sendmail`
// binary; Plinth does not run external programs, so it logs that a mail was dropped (at
// warn level, recipient and subject only: never the body, which holds tokens and codes).
import type { Logger } from 'pino';
import type { Settings, SettingsStore, SmtpSettings } from '../settings.js';
import { SmtpTransport } from './smtp-transport.js';
import type { MailMessage, MailTransport } from './types.js';

export class SettingsTransport implements MailTransport {
  private smtp: SmtpTransport | null = null;
  private smtpKey = '';
  private readonly unsubscribe: () => void;

  constructor(
    private readonly settings: SettingsStore,
    private readonly logger: Logger,
  ) {
    this.unsubscribe = settings.onChange((next) => this.refresh(next));
  }

  async send(message: MailMessage): Promise<void> {
    const transport = this.current();
    if (!transport) {
      this.logger.warn(
        { to: message.to.map((a) => a.address), subject: message.subject },
        'mail dropped: SMTP is disabled in the settings (enable smtp to deliver mail)',
      );
      return;
    }
    await transport.send(message);
  }

  close(): void {
    this.unsubscribe();
    this.smtp?.close();
    this.smtp = null;
  }

  private current(): SmtpTransport | null {
    const smtp = this.settings.get().smtp;
    if (!smtp.enabled) return null;
    if (!this.smtp || this.smtpKey !== keyOf(smtp)) this.refresh(this.settings.get());
    return this.smtp;
  }

  private refresh(next: Settings): void {
    const key = next.smtp.enabled ? keyOf(next.smtp) : '';
    if (key === this.smtpKey && (this.smtp !== null) === next.smtp.enabled) return;
    this.smtp?.close();
    this.smtp = next.smtp.enabled ? new SmtpTransport(next.smtp) : null;
    this.smtpKey = key;
  }
}

function keyOf(smtp: SmtpSettings): string {
  return JSON.stringify([smtp.host, smtp.port, smtp.username, smtp.password, smtp.authMethod, smtp.tls, smtp.localName]);
}
