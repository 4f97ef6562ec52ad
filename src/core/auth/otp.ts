// One-time codes (PocketBase's `request-otp` / `auth-with-otp`).
//
// A code is `otp.length` digits from a CSPRNG, stored only as a bcrypt hash in `_otps`
// and mailed to the account's address; it works once, for `otp.duration` seconds, within
// the attempt limits of otp-attempts.ts. Asking for a code never tells whether the email
// has an account: an unknown email gets a well-formed id of a code that does not exist,
// after the same hashing work, and no mail. An account has at most MAX_LIVE_CODES codes
// alive at once; past that the newest id is handed out again and nothing is sent.
import type { Logger } from 'pino';
import { randomBytes } from 'node:crypto';
import type { Database } from '../../db/types.js';
import type { Clock } from '../../lib/clock.js';
import { newRecordId, randomString } from '../../lib/ids.js';
import { hashPassword, passwordCost, verifyAgainstNothing, verifyPassword } from '../collections/fields/index.js';
import { isEmailFormat } from '../collections/fields/email-format.js';
import type { Collection, PasswordField } from '../collections/model.js';
import { OTPS_COLLECTION } from '../collections/names.js';
import { AppError, badRequest, fieldError, forbidden, ValidationError, type ErrorData } from '../errors/index.js';
import type { AuthMailer } from '../mail/types.js';
import type { RecordModel } from '../records/record.js';
import { findRecordById, isStorableId } from '../records/repository.js';
import type { CollectionRegistry, RecordService } from '../records/service.js';
import type { RequestInfo } from '../rules/request-info.js';
import type { AuthResponse, AuthService } from './auth-service.js';
import { findAuthRecordByEmail } from './email-flows-tokens.js';
import { deleteExpiredMfas } from './mfa.js';
import { OTP_RECORD_WINDOW_MS, OtpAttemptGuard } from './otp-attempts.js';
import { deleteOtp, deleteOtpsBefore, findOtp, insertOtp, isExpired, liveOtpsOf, validSince } from './otp-store.js';

export interface OtpServiceDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  collections: CollectionRegistry;
  records: RecordService;
  auth: AuthService;
  mail: AuthMailer;
}

export interface OtpRequester {
  collection: Collection;
  email: string;
  record: RecordModel | null;
}

/** A code proven right and used up. */
export interface UsedOtp {
  record: RecordModel;
  sentTo: string;
  otpId: string;
  mfaId: string;
}

/** Codes alive at once per account (as PocketBase: past 9, the last one is reused). */
export const MAX_LIVE_CODES = 10;
const DIGITS = '0123456789';
const DEFAULT_LENGTH = 8;
const DEFAULT_OTP_COST = 8;
const SWEEP_EVERY_MS = 10 * 60_000;
const VALIDATE_MESSAGE = 'An error occurred while validating the submitted data.';
const INVALID_OTP = 'Invalid or expired OTP';
const SYSTEM: RequestInfo = { auth: null, isSuperuser: true, method: 'PATCH', query: {}, headers: {}, body: {}, context: 'otp' };

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function lengthError(value: string, max: number) {
  if (value === '') return fieldError('validation_required', 'Cannot be blank.');
  if (value.length > max) return fieldError('validation_length_out_of_range', `The length must be between 1 and ${max}.`);
  return null;
}

function tooManyAttempts(): AppError {
  return new AppError('too_many_requests', 'Too many attempts, please try again later with a new OTP.');
}

function throwIfAny(errors: ErrorData): void {
  if (Object.keys(errors).length > 0) throw new ValidationError(errors, VALIDATE_MESSAGE);
}

export class OtpService {
  private readonly attempts: OtpAttemptGuard;
  private nextSweepMs = 0;

  constructor(private readonly deps: OtpServiceDeps) {
    this.attempts = new OtpAttemptGuard(deps.db);
  }

  /** The auth collection, when it allows one-time codes (404 / 403 otherwise). */
  collection(ref: string): Collection {
    const collection = this.deps.auth.authCollection(ref);
    if (!collection.auth!.otp.enabled) throw forbidden('The collection is not configured to allow OTP authentication.');
    return collection;
  }

  async request(ref: string, body: Record<string, unknown>): Promise<{ otpId: string }> {
    return this.issue(await this.requester(ref, body));
  }

  /** A valid request-otp form and the account with its email (null: none). */
  async requester(ref: string, body: Record<string, unknown>): Promise<OtpRequester> {
    const collection = this.collection(ref);
    const email = text(body.email);
    const error = lengthError(email, 255) ?? (isEmailFormat(email) ? null : fieldError('validation_is_email', 'Must be a valid email address.'));
    if (error) throw new ValidationError({ email: error }, VALIDATE_MESSAGE);
    return { collection, email, record: await findAuthRecordByEmail(this.deps.db, collection, email) };
  }

  /** Issues and mails a code to the account; without one, the same work and a decoy id. */
  async issue(requester: OtpRequester): Promise<{ otpId: string }> {
    const { collection, record } = requester;
    const { db, clock } = this.deps;
    this.sweepNowAndThen();
    const options = collection.auth!.otp;
    const code = randomString(options.length > 0 ? options.length : DEFAULT_LENGTH, DIGITS);
    const now = clock.now();
    const since = validSince(options.duration, now);
    const owner = { collectionRef: collection.id, recordRef: record ? String(record.values.id) : '' };
    // The same statements run for an unknown email (they find nothing), to keep the timing alike.
    await deleteOtpsBefore(db, owner, since);
    const live = await liveOtpsOf(db, owner, since);
    const passwordHash = await hashPassword(this.otpPasswordField(), code);
    if (!record) return { otpId: newRecordId() };

    if (live.length >= MAX_LIVE_CODES) {
      this.deps.logger.warn({ collection: collection.name, recordId: owner.recordRef }, 'too many OTP requests: the last code is reused');
      return { otpId: live[0]!.id };
    }
    const sentTo = String(record.values.email ?? '');
    const otp = await insertOtp(db, { ...owner, passwordHash, sentTo, now });
    await this.deps.mail.sendOtp(record, otp.id, code);
    return { otpId: otp.id };
  }

  async authenticate(ref: string, body: Record<string, unknown>, request: RequestInfo, expand: string | null): Promise<AuthResponse> {
    const used = await this.useCode(ref, body);
    const login = await this.proveAddress(used);
    return this.deps.auth.finishLogin(login, { method: 'otp', request: { ...request, context: 'otp' }, expand, mfaId: used.mfaId });
  }

  /** Checks an auth-with-otp form and uses its code up; the account it belongs to. */
  async useCode(ref: string, body: Record<string, unknown>): Promise<UsedOtp> {
    const collection = this.collection(ref);
    const otpId = text(body.otpId);
    const password = text(body.password);
    const errors: ErrorData = {};
    const idError = lengthError(otpId, 255);
    if (idError) errors.otpId = idError;
    const passwordError = lengthError(password, 71);
    if (passwordError) errors.password = passwordError;
    throwIfAny(errors);
    this.sweepNowAndThen();
    // No issued id holds a NUL (PostgreSQL could not even compare one): it is simply wrong.
    if (!isStorableId(otpId)) throw badRequest(INVALID_OTP);

    const used = await this.checkCode(collection, otpId, password);
    return { ...used, otpId, mfaId: text(body.mfaId) };
  }

  /** The account after a used code proved its address (see markVerified). */
  proveAddress(used: UsedOtp): Promise<RecordModel> {
    return this.markVerified(used.record, used.sentTo);
  }

  /**
   * Deletes expired codes and MFA sessions of every auth collection (and the attempt rows
   * that no longer count). Meant for a periodic job; reads also delete what they find expired.
   */
  async deleteExpired(): Promise<{ otps: number; mfas: number }> {
    const { db, clock } = this.deps;
    const now = clock.now();
    let otps = 0;
    let longest = 0;
    for (const collection of this.deps.collections.all()) {
      if (collection.type !== 'auth' || !collection.auth) continue;
      longest = Math.max(longest, collection.auth.otp.duration);
      otps += await deleteOtpsBefore(db, { collectionRef: collection.id }, validSince(collection.auth.otp.duration, now));
    }
    // Tries of ids that never existed are kept as long as a real code could live.
    await this.attempts.sweep(now.getTime() - Math.max(longest * 1000, OTP_RECORD_WINDOW_MS), OTPS_COLLECTION);
    const mfas = await deleteExpiredMfas({ db, clock, collections: this.deps.collections });
    return { otps, mfas };
  }

  /**
   * Until a scheduled job calls deleteExpired, the OTP endpoints run it themselves, in the
   * background and at most once per SWEEP_EVERY_MS on each node.
   */
  private sweepNowAndThen(): void {
    const nowMs = this.deps.clock.now().getTime();
    if (nowMs < this.nextSweepMs) return;
    this.nextSweepMs = nowMs + SWEEP_EVERY_MS;
    this.deleteExpired().catch((err: unknown) => this.deps.logger.warn({ err }, 'failed to delete expired OTP and MFA rows'));
  }

  /** The account the code belongs to, once the code is proven right and used up. */
  private async checkCode(collection: Collection, otpId: string, password: string): Promise<{ record: RecordModel; sentTo: string }> {
    const { db, clock } = this.deps;
    const now = clock.now();
    const otp = await findOtp(db, otpId);
    if (!otp) {
      // An id that was never issued (such as the decoy one an unknown email gets) costs and
      // counts like a real one, so neither the timing nor the attempt limit tells them apart.
      const verdict = await this.attempts.reserve({ otpId, collectionId: collection.id, recordId: `~${otpId}` }, now.getTime());
      if (verdict !== 'allowed') throw tooManyAttempts();
      await verifyAgainstNothing(password, passwordCost(this.otpPasswordField()));
      throw badRequest(INVALID_OTP);
    }
    if (otp.collectionRef !== collection.id) throw badRequest(INVALID_OTP);
    if (isExpired(otp.created, collection.auth!.otp.duration, now)) {
      await deleteOtp(db, otp.id);
      throw badRequest(INVALID_OTP);
    }
    const record = await findRecordById(db, collection, otp.recordRef);
    if (!record) throw badRequest(INVALID_OTP);
    const verdict = await this.attempts.reserve({ otpId: otp.id, collectionId: collection.id, recordId: otp.recordRef }, now.getTime());
    if (verdict !== 'allowed') throw tooManyAttempts();
    if (!(await verifyPassword(otp.password, password))) throw badRequest(INVALID_OTP);
    // Only the request that removes the row may log in: a code used twice at once works once.
    if ((await deleteOtp(db, otp.id)) === 0) throw badRequest(INVALID_OTP);
    return { record, sentTo: otp.sentTo };
  }

  /**
   * A code mailed to the account's current address proves the address, so the account
   * becomes verified (as PocketBase does, before any MFA step). Without MFA the code alone
   * logs in, so the password is replaced by a random one: whoever may have registered the
   * address before its owner (pre-hijacking) loses the password they chose. A failure here
   * is logged and does not stop the login, which the code has already earned.
   */
  private async markVerified(record: RecordModel, sentTo: string): Promise<RecordModel> {
    const { collection } = record;
    if (record.values.verified === true || sentTo === '' || String(record.values.email ?? '') !== sentTo) return record;
    const update: Record<string, unknown> = { verified: true };
    if (!collection.auth!.mfa.enabled) {
      const random = randomBytes(24).toString('base64url');
      Object.assign(update, { password: random, passwordConfirm: random });
    }
    const id = String(record.values.id);
    try {
      await this.deps.records.update({ ref: collection.id, id }, SYSTEM, update);
      return (await findRecordById(this.deps.db, collection, id)) ?? record;
    } catch (err) {
      this.deps.logger.error({ err, collection: collection.name, recordId: id }, 'failed to mark the account verified after an OTP login');
      return record;
    }
  }

  /** The `_otps.password` field: its bcrypt cost is the one PocketBase hashes codes with. */
  private otpPasswordField(): PasswordField {
    const field = this.deps.collections.byNameOrId(OTPS_COLLECTION)?.fields.find((f) => f.name === 'password');
    if (field?.type === 'password') return field;
    return { id: '', name: 'password', type: 'password', system: true, hidden: true, presentable: false, help: '', pattern: '', min: 0, max: 0, cost: DEFAULT_OTP_COST, required: true };
  }

  /** A hash no code matches, at the cost real codes have (computed once). */
}
