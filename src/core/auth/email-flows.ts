// The email flows of auth collections, as PocketBase has them: request and confirm a
// verification, a password reset and an email change.
//
// Request endpoints answer the same (204) whether or not an account has the email and do
// the same work either way — look the email up, sign a token, render the mail — so
// neither the status nor the time taken tells an account exists; only the real one is
// queued for sending, in the background. Confirming a reset or an email change writes a
// new `tokenKey`, which ends every session and makes the used token worthless; the key is
// compared-and-locked inside the write transaction so two concurrent confirmations of the
// same token cannot both succeed.
import { randomBytes } from 'node:crypto';
import type { Database, Executor } from '../../db/types.js';
import type { Clock } from '../../lib/clock.js';
import { isEmailFormat } from '../collections/fields/email-format.js';
import type { Collection } from '../collections/model.js';
import { badRequest, fieldError, forbidden, notFound, unauthorized, ValidationError, type ErrorData } from '../errors/index.js';
import type { MailService } from '../mail/index.js';
import { PLACEHOLDERS } from '../mail/index.js';
import type { RecordModel } from '../records/record.js';
import type { CollectionRegistry, RecordService } from '../records/service.js';
import type { RequestInfo } from '../rules/request-info.js';
import { verifyPassword } from '../collections/fields/index.js';
import { SUPERUSERS_COLLECTION } from './auth-state.js';
import {
  checkEmailFlowToken,
  findAuthRecordByEmail,
  newEmailFlowToken,
  unverifiedClaim,
  type EmailFlowTokenType,
} from './email-flows-tokens.js';
import { ResendGuard } from './email-flows-resend-guard.js';
import { runDirectly, type FlowStepRunner } from './email-flow-steps.js';

export interface EmailFlowDeps {
  db: Database;
  clock: Clock;
  collections: CollectionRegistry;
  records: RecordService;
  mail: MailService;
}

const VALIDATE_MESSAGE = 'An error occurred while validating the submitted data.';
const SYSTEM: RequestInfo = { auth: null, isSuperuser: true, method: 'PATCH', query: {}, headers: {}, body: {}, context: 'default' };

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function emailError(email: string) {
  if (email === '') return fieldError('validation_required', 'Cannot be blank.');
  if (email.length > 255) return fieldError('validation_length_out_of_range', 'The length must be between 1 and 255.');
  if (!isEmailFormat(email)) return fieldError('validation_is_email', 'Must be a valid email address.');
  return null;
}

function throwIfAny(errors: ErrorData, message = VALIDATE_MESSAGE): void {
  if (Object.keys(errors).length > 0) throw new ValidationError(errors, message);
}

export class EmailFlowService {
  // Per node: stops one address being sent the same mail more than once every 2 minutes.
  private readonly resend: ResendGuard;

  constructor(private readonly deps: EmailFlowDeps) {
    this.resend = new ResendGuard(deps.clock, 120_000);
  }

  authCollection(ref: string): Collection {
    const collection = this.deps.collections.byNameOrId(ref);
    if (!collection || collection.type !== 'auth' || !collection.auth) throw notFound('Missing or invalid auth collection context.');
    return collection;
  }

  // --- verification ------------------------------------------------------------------

  async requestVerification(ref: string, body: Record<string, unknown>, run = runDirectly): Promise<void> {
    const collection = this.authCollection(ref);
    if (collection.name === SUPERUSERS_COLLECTION) throw badRequest('All superusers are verified by default.');
    const email = text(body.email);
    const error = emailError(email);
    if (error) throw new ValidationError({ email: error }, VALIDATE_MESSAGE);
    const record = await findAuthRecordByEmail(this.deps.db, collection, email);
    const send = record !== null && record.values.verified !== true && this.resend.claim(`verification:${collection.id}:${String(record.values.id)}`);
    await this.prepareMail({ collection, record: send ? record : null, type: 'verification', email, run });
  }

  async confirmVerification(ref: string, body: Record<string, unknown>, run = runDirectly): Promise<void> {
    const collection = this.authCollection(ref);
    if (collection.name === SUPERUSERS_COLLECTION) throw badRequest('All superusers are verified by default.');
    const token = text(body.token);
    if (token === '') throw new ValidationError({ token: fieldError('validation_required', 'Cannot be blank.') }, VALIDATE_MESSAGE);
    const claimedEmail = unverifiedClaim(token, 'email');
    if (claimedEmail === '') {
      throw new ValidationError({ token: fieldError('validation_invalid_token_claims', 'Missing email token claim.') }, VALIDATE_MESSAGE);
    }
    const checked = await checkEmailFlowToken(this.lookup(), token, { type: 'verification', collection });
    if (!checked.ok) throw new ValidationError({ token: checked.error }, VALIDATE_MESSAGE);
    const record = checked.record;
    if (String(record.values.email ?? '') !== claimedEmail) {
      throw new ValidationError(
        { token: fieldError('validation_token_email_mismatch', "The record email doesn't match with the requested token claims.") },
        VALIDATE_MESSAGE,
      );
    }
    await run({ action: 'confirm-verification', record }, () => this.markVerified(record));
    this.resend.release(`verification:${collection.id}:${String(record.values.id)}`);
  }

  private async markVerified(record: RecordModel): Promise<void> {
    const { collection } = record;
    if (record.values.verified !== true) {
      const update: Record<string, unknown> = { verified: true };
      // An account that cannot log in with a password still gets one nobody knows, as PocketBase does.
      if (!collection.auth!.passwordAuth.enabled) {
        const random = randomBytes(24).toString('base64url');
        Object.assign(update, { password: random, passwordConfirm: random });
      }
      await this.systemUpdate(record, update, 'An error occurred while saving the verified state.');
    }
  }

  // --- password reset ----------------------------------------------------------------

  async requestPasswordReset(ref: string, body: Record<string, unknown>, run = runDirectly): Promise<void> {
    const collection = this.authCollection(ref);
    if (!collection.auth!.passwordAuth.enabled) throw badRequest('The collection is not configured to allow password authentication.');
    const email = text(body.email);
    const error = emailError(email);
    if (error) throw new ValidationError({ email: error }, VALIDATE_MESSAGE);
    const record = await findAuthRecordByEmail(this.deps.db, collection, email);
    const send = record !== null && this.resend.claim(`passwordReset:${collection.id}:${String(record.values.id)}`);
    await this.prepareMail({ collection, record: send ? record : null, type: 'passwordReset', email, run });
  }

  async confirmPasswordReset(ref: string, body: Record<string, unknown>, run = runDirectly): Promise<void> {
    const collection = this.authCollection(ref);
    const token = text(body.token);
    const password = text(body.password);
    const confirm = text(body.passwordConfirm);
    const passwordField = collection.fields.find((f) => f.name === 'password');
    const min = passwordField?.type === 'password' && passwordField.min > 0 ? passwordField.min : 1;
    const errors: ErrorData = {};
    let record: RecordModel | null = null;
    if (token === '') {
      errors.token = fieldError('validation_required', 'Cannot be blank.');
    } else {
      const checked = await checkEmailFlowToken(this.lookup(), token, { type: 'passwordReset', collection });
      if (checked.ok) record = checked.record;
      else errors.token = checked.error;
    }
    const length = Array.from(password).length;
    if (password === '') errors.password = fieldError('validation_required', 'Cannot be blank.');
    else if (length < min || length > 255) {
      errors.password = fieldError('validation_length_out_of_range', `The length must be between ${min} and 255.`, { min, max: 255 });
    }
    if (confirm === '') errors.passwordConfirm = fieldError('validation_required', 'Cannot be blank.');
    else if (confirm !== password) errors.passwordConfirm = fieldError('validation_values_mismatch', "Values don't match.");
    throwIfAny(errors);
    const target = record!;
    const update: Record<string, unknown> = { password, passwordConfirm: password };
    // The mail reached the address on the account, which proves it.
    if (target.values.verified !== true && unverifiedClaim(token, 'email') === String(target.values.email ?? '')) update.verified = true;
    await run({ action: 'confirm-password-reset', record: target }, () => this.systemUpdate(target, update, 'Failed to set new password.'));
    this.resend.release(`passwordReset:${collection.id}:${String(target.values.id)}`);
  }

  // --- email change ------------------------------------------------------------------

  /** Only an account of this very collection may ask to change its email (checked before the body is read). */
  requireOwnCollection(ref: string, auth: RecordModel | null): RecordModel {
    if (!auth) throw unauthorized('The request requires valid record authorization token.');
    const requested = this.deps.collections.byNameOrId(ref);
    if (!requested || auth.collection.id !== requested.id) {
      throw forbidden(`The request requires auth record from ${auth.collection.name} collection.`);
    }
    return auth;
  }

  async requestEmailChange(ref: string, body: Record<string, unknown>, caller: { auth: RecordModel | null; run?: FlowStepRunner }): Promise<void> {
    const auth = this.requireOwnCollection(ref, caller.auth);
    const collection = this.authCollection(ref);
    if (collection.name === SUPERUSERS_COLLECTION) throw badRequest('All superusers can change their emails directly.');
    const newEmail = text(body.newEmail);
    let error = emailError(newEmail);
    if (!error && newEmail === String(auth.values.email ?? '')) error = fieldError('validation_not_in_invalid', 'Must not be in list.');
    if (!error) {
      const taken = await findAuthRecordByEmail(this.deps.db, collection, newEmail);
      if (taken && String(taken.values.id) !== String(auth.values.id)) {
        error = fieldError('validation_invalid_new_email', 'Invalid new email address.');
      }
    }
    if (error) throw new ValidationError({ newEmail: error }, VALIDATE_MESSAGE);
    const token = await newEmailFlowToken(auth, 'emailChange', { clock: this.deps.clock, newEmail });
    const run = caller.run ?? runDirectly;
    await run({ action: 'request-email-change', record: auth, newEmail }, () => this.deps.mail.sendEmailChange(auth, token, newEmail));
  }

  async confirmEmailChange(ref: string, body: Record<string, unknown>, run = runDirectly): Promise<void> {
    const collection = this.authCollection(ref);
    if (collection.name === SUPERUSERS_COLLECTION) throw badRequest('All superusers can change their emails directly.');
    const token = text(body.token);
    const password = text(body.password);
    const errors: ErrorData = {};
    let record: RecordModel | null = null;
    const newEmail = unverifiedClaim(token, 'newEmail');
    if (token === '') {
      errors.token = fieldError('validation_required', 'Cannot be blank.');
    } else if (newEmail === '') {
      errors.token = fieldError('validation_invalid_token_payload', 'Invalid token payload - newEmail must be set.');
    } else {
      const checked = await checkEmailFlowToken(this.lookup(), token, { type: 'emailChange', collection });
      if (!checked.ok) errors.token = checked.error;
      else if (await findAuthRecordByEmail(this.deps.db, collection, newEmail)) {
        errors.token = fieldError('validation_invalid_token_email', 'The new email address is invalid.');
      } else record = checked.record;
    }
    if (password === '') errors.password = fieldError('validation_required', 'Cannot be blank.');
    else if (Array.from(password).length > 100) errors.password = fieldError('validation_length_out_of_range', 'The length must be between 1 and 100.');
    else if (!record || !(await verifyPassword(String(record.values.password ?? ''), password))) {
      errors.password = fieldError('validation_invalid_password', 'Missing or invalid auth record password.');
    }
    throwIfAny(errors);
    const target = record!;
    await run({ action: 'confirm-email-change', record: target, newEmail }, () =>
      this.systemUpdate(target, { email: newEmail, verified: true }, 'Failed to confirm email change.'),
    );
  }

  // --- shared ------------------------------------------------------------------------

  private lookup() {
    return { exec: this.deps.db, clock: this.deps.clock, collectionById: (id: string) => this.deps.collections.byId(id) };
  }

  /**
   * Signs the token and renders the mail whether or not there is a record to send it to
   * (a decoy stands in), so the request costs the same either way; only a real record's
   * mail is queued.
   */
  private async prepareMail(input: {
    collection: Collection;
    record: RecordModel | null;
    type: 'verification' | 'passwordReset';
    email: string;
    run: FlowStepRunner;
  }): Promise<void> {
    const { collection, record, type } = input;
    const target = record ?? decoyRecord(collection, input.email);
    const token = await newEmailFlowToken(target, type, { clock: this.deps.clock });
    if (!record) {
      this.deps.mail.compose(target, type, { [PLACEHOLDERS.token]: token });
      return;
    }
    if (type === 'verification') await input.run({ action: 'request-verification', record }, () => this.deps.mail.sendVerification(record, token));
    else await input.run({ action: 'request-password-reset', record }, () => this.deps.mail.sendPasswordReset(record, token));
  }

  /**
   * Writes a change with system rights, through the records service (so field validation,
   * hashing and the `tokenKey` rotation on password/email changes all apply), after
   * locking the row on the `tokenKey` the token was checked against.
   */
  private async systemUpdate(record: RecordModel, body: Record<string, unknown>, failMessage: string): Promise<void> {
    const { collection } = record;
    const id = String(record.values.id);
    try {
      await this.deps.records.transaction(async (tx: Executor) => {
        const q = tx.dialect.quoteIdent;
        const locked = await tx.run(`UPDATE ${q(collection.name)} SET "tokenKey" = "tokenKey" WHERE "id" = ? AND "tokenKey" = ?`, [
          id,
          String(record.values.tokenKey ?? ''),
        ]);
        if (locked.changes === 0) {
          throw new ValidationError({ token: fieldError('validation_invalid_token', 'Invalid or expired token.') }, VALIDATE_MESSAGE);
        }
        await this.deps.records.update({ ref: collection.id, id }, SYSTEM, body, { exec: tx });
      });
    } catch (err) {
      if (err instanceof ValidationError && err.message !== VALIDATE_MESSAGE) throw new ValidationError(err.data, failMessage);
      throw err;
    }
  }
}

/** A record that exists only to make the no-account path do the same work as the real one. */
function decoyRecord(collection: Collection, email: string): RecordModel {
  return {
    collection,
    values: { id: 'decoy' + randomBytes(5).toString('hex'), email, tokenKey: randomBytes(25).toString('hex'), verified: false },
  };
}

export type { EmailFlowTokenType };
