// A real SMTP server for tests (smtp-server on a free local port) that parses every
// message it accepts (mailparser) and lets a test wait for the next one. It can also be
// told to refuse messages, with a temporary (4xx) or permanent (5xx) reply, to exercise
// retries and failure logging.
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { simpleParser, type AddressObject } from 'mailparser';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';

export interface CapturedMail {
  from: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
  /** SMTP envelope recipients (RCPT TO). */
  envelopeTo: string[];
  /** The user name the client authenticated with, if it did. */
  authUser: string | null;
}

export interface SmtpCaptureOptions {
  /** When set, only these credentials are accepted (and the server requires AUTH). */
  credentials?: { username: string; password: string };
}

export interface SmtpRefusal {
  /** How many more messages to refuse (Infinity for all). */
  count: number;
  /** The reply code: 4xx asks the client to retry later, 5xx refuses for good. */
  responseCode: number;
}

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  if (!value) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.flatMap((entry) => entry.value.map((a) => a.address ?? '')).filter(Boolean);
}

export class SmtpCapture {
  readonly messages: CapturedMail[] = [];
  /** Every DATA attempt, accepted or refused. */
  attempts = 0;
  private refusal: SmtpRefusal | null = null;
  private waiters: Array<{ predicate: (m: CapturedMail) => boolean; resolve: (m: CapturedMail) => void }> = [];
  private attemptWaiters: Array<{ count: number; resolve: () => void }> = [];
  private readonly server: SMTPServer;
  port = 0;

  constructor(private readonly options: SmtpCaptureOptions = {}) {
    const credentials = options.credentials;
    this.server = new SMTPServer({
      // Plain SMTP on localhost: no STARTTLS offer, so clients do not try to upgrade.
      disabledCommands: credentials ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
      authOptional: !credentials,
      allowInsecureAuth: true,
      logger: false,
      onAuth: (auth, _session, callback) => {
        if (credentials && auth.username === credentials.username && auth.password === credentials.password) {
          callback(null, { user: auth.username });
        } else {
          callback(new Error('Invalid username or password'));
        }
      },
      onData: (stream, session, callback) => this.onData(stream, session, callback),
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  /** The `smtp` settings section that points Plinth at this server. */
  smtpSettings(): Record<string, unknown> {
    return {
      enabled: true,
      host: '127.0.0.1',
      port: this.port,
      tls: false,
      username: this.options.credentials?.username ?? '',
      password: this.options.credentials?.password ?? '',
      authMethod: 'PLAIN',
    };
  }

  refuse(refusal: SmtpRefusal | null): void {
    this.refusal = refusal;
  }

  /** The next message (already received or still to come) that matches. */
  waitFor(predicate: (m: CapturedMail) => boolean = () => true): Promise<CapturedMail> {
    const found = this.messages.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ predicate, resolve }));
  }

  /** The next message sent to `address`. */
  waitForMailTo(address: string): Promise<CapturedMail> {
    const lower = address.toLowerCase();
    return this.waitFor((m) => m.to.some((a) => a.toLowerCase() === lower));
  }

  /** Resolves once `count` DATA attempts (accepted or refused) have been made in total. */
  waitForAttempts(count: number): Promise<void> {
    if (this.attempts >= count) return Promise.resolve();
    return new Promise((resolve) => this.attemptWaiters.push({ count, resolve }));
  }

  /** Forgets received messages (the next waitFor only sees new ones). */
  clear(): void {
    this.messages.length = 0;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onData(stream: Readable, session: SMTPServerSession, callback: (err?: Error | null) => void): void {
    this.attempts++;
    for (const waiter of this.attemptWaiters.filter((w) => this.attempts >= w.count)) waiter.resolve();
    this.attemptWaiters = this.attemptWaiters.filter((w) => this.attempts < w.count);
    const refusal = this.refusal;
    if (refusal && refusal.count > 0) {
      refusal.count--;
      stream.resume();
      stream.on('end', () => {
        const err = new Error('Mailbox unavailable (test refusal)') as Error & { responseCode: number };
        err.responseCode = refusal.responseCode;
        callback(err);
      });
      return;
    }
    simpleParser(stream)
      .then((parsed) => {
        const mail: CapturedMail = {
          from: addresses(parsed.from)[0] ?? '',
          to: addresses(parsed.to),
          subject: parsed.subject ?? '',
          html: typeof parsed.html === 'string' ? parsed.html : '',
          text: parsed.text ?? '',
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          authUser: typeof session.user === 'string' ? session.user : null,
        };
        this.messages.push(mail);
        for (const waiter of this.waiters.filter((w) => w.predicate(mail))) waiter.resolve(mail);
        this.waiters = this.waiters.filter((w) => !w.predicate(mail));
        callback();
      })
      .catch((err: Error) => callback(err));
  }
}

export async function startSmtpCapture(options: SmtpCaptureOptions = {}): Promise<SmtpCapture> {
  return new SmtpCapture(options).start();
}

/** The token at the end of a PocketBase-style link (`…/confirm-verification/<token>`) in a mail. */
export function tokenFromMail(mail: CapturedMail, action: string): string {
  const match = new RegExp(`/${action}/([A-Za-z0-9_\\-]+\\.[A-Za-z0-9_\\-]+\\.[A-Za-z0-9_\\-]+)`).exec(mail.html);
  if (!match) throw new Error(`no ${action} token in the mail "${mail.subject}"`);
  return match[1]!;
}
