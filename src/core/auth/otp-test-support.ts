// Test support for the OTP and MFA suites: a migrated core on a fresh database of one
// engine, a clock the test moves by hand, and an OtpService whose mailer records the
// codes it is asked to send (the SMTP path is covered end to end in test/auth/).
import { pino } from 'pino';
import { openTestDatabase, type TestDatabase } from '../../db/testing.js';
import type { DialectName } from '../../db/types.js';
import { createCore, type Core } from '../index.js';
import type { AuthMailer } from '../mail/types.js';
import type { RecordModel } from '../records/record.js';
import type { RequestInfo } from '../rules/request-info.js';
import { OtpService } from './otp.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalStore } from '../../storage/index.js';

export interface SentCode {
  to: string;
  otpId: string;
  code: string;
}

export class ManualClock {
  constructor(private ms = Date.parse('2025-01-02T03:04:05.000Z')) {}
  now(): Date {
    return new Date(this.ms);
  }
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

export interface OtpFixture {
  test: TestDatabase;
  core: Core;
  otp: OtpService;
  clock: ManualClock;
  sent: SentCode[];
  cleanup(): Promise<void>;
}

const SYSTEM: RequestInfo = { auth: null, isSuperuser: true, method: 'POST', query: {}, headers: {}, body: {}, context: 'default' };
export const PASSWORD = 'user-password-1';

export function loginRequest(query: Record<string, string> = {}): RequestInfo {
  return { auth: null, isSuperuser: false, method: 'POST', query, headers: {}, body: {}, context: 'default' };
}

export async function openOtpFixture(dialect: DialectName): Promise<OtpFixture> {
  const test = await openTestDatabase(dialect);
  const clock = new ManualClock();
  const core = await createCore({ db: test.db, clock, logger: pino({ level: 'silent' }), bodyLimit: 1 << 20, blobStores: unusedBlobStores });
  await core.migrations.up();
  await core.reload();
  const sent: SentCode[] = [];
  const mailer: Pick<AuthMailer, 'sendOtp'> = {
    async sendOtp(record: RecordModel, otpId: string, code: string) {
      sent.push({ to: String(record.values.email ?? ''), otpId, code });
    },
  };
  const otp = new OtpService({
    db: test.db,
    clock,
    logger: core.logger,
    collections: core.registry,
    records: core.records,
    auth: core.auth,
    mail: mailer as AuthMailer,
  });
  return {
    test,
    core,
    otp,
    clock,
    sent,
    async cleanup() {
      core.mail.close();
      await test.cleanup();
    },
  };
}

/** Creates an account with PASSWORD and returns its id. */
export async function createUser(core: Core, collection: string, email: string, extra: Record<string, unknown> = {}): Promise<string> {
  const created = await core.records.create(collection, SYSTEM, { email, password: PASSWORD, passwordConfirm: PASSWORD, ...extra });
  return String(created.id);
}

/** The code mailed last to `email`. */
export function lastCode(sent: SentCode[], email: string): SentCode {
  const found = [...sent].reverse().find((s) => s.to === email);
  if (!found) throw new Error(`no code was sent to ${email}`);
  return found;
}

// These tests touch no files.
const unusedBlobStores = {
  local: () => createLocalStore(join(tmpdir(), 'plinth-unused-storage')),
  s3: () => {
    throw new Error('not used');
  },
};
