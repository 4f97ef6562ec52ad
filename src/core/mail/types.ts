// The mail port: what the domain needs from outgoing mail. The SMTP adapter and the
// per-collection templates implement it; tests use a real SMTP server behind it.
import type { RecordModel } from '../records/record.js';

export interface MailAddress {
  address: string;
  name?: string;
}

export interface MailMessage {
  from: MailAddress;
  to: MailAddress[];
  subject: string;
  html: string;
  text?: string;
  headers?: Record<string, string>;
}

/** Delivers one message; rejects when the message could not be handed to the mail server. */
export interface MailTransport {
  send(message: MailMessage): Promise<void>;
}

/** What a login alert tells the account owner about the new device. */
export interface LoginAlertInfo {
  ip: string;
  userAgent: string;
}

/**
 * The mails an auth record receives, each rendered from its collection's template. They
 * never throw: a mail that cannot be sent is logged and retried in the background.
 */
export interface AuthMailer {
  sendVerification(record: RecordModel, token: string): Promise<void>;
  sendPasswordReset(record: RecordModel, token: string): Promise<void>;
  sendEmailChange(record: RecordModel, token: string, newEmail: string): Promise<void>;
  sendOtp(record: RecordModel, otpId: string, code: string): Promise<void>;
  sendLoginAlert(record: RecordModel, info: LoginAlertInfo): Promise<void>;
}
