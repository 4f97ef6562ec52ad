// Outgoing mail: the port (types), SMTP on nodemailer, background delivery with retries,
// and the auth mails rendered from each collection's templates.
export * from './types.js';
export { MailService, alertInfoText, type MailKind, type MailServiceDeps } from './auth-mailer.js';
export { MailOutbox, DEFAULT_RETRY_DELAYS_MS } from './outbox.js';
export { MailSendError, SmtpTransport, describeSendFailure } from './smtp-transport.js';
export { SettingsTransport } from './settings-transport.js';
export { escapeHtml, renderTemplate, resolvePlaceholders, PLACEHOLDERS } from './templates.js';
