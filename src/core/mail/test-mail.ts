// POST /api/settings/test/email: renders one of a collection's templates for a stand-in
// record and sends it now, so a superuser sees at once whether SMTP works. Unlike the
// auth mails this one is sent in the caller's time and its failure is reported — with a
// short description of the kind of failure, never the server's text or the credentials.
import { badRequest, fieldError, ValidationError, type ErrorData } from '../errors/index.js';
import { isEmailFormat } from '../collections/fields/email-format.js';
import type { Collection } from '../collections/model.js';
import type { Clock } from '../../lib/clock.js';
import { signToken, type TokenType } from '../auth/tokens.js';
import type { MailKind, MailService } from './auth-mailer.js';
import { PLACEHOLDERS } from './templates.js';
import { MailSendError } from './smtp-transport.js';

export const TEST_TEMPLATES: Readonly<Record<string, MailKind>> = {
  verification: 'verification',
  'password-reset': 'passwordReset',
  'email-change': 'emailChange',
  otp: 'otp',
  'login-alert': 'loginAlert',
};

export interface TestMailDeps {
  mail: MailService;
  clock: Clock;
  collectionByNameOrId(ref: string): Collection | undefined;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function validate(body: Record<string, unknown>, deps: TestMailDeps): { email: string; kind: MailKind; collection: Collection } {
  const email = text(body.email);
  const template = text(body.template);
  const ref = text(body.collection);
  const errors: ErrorData = {};
  let collection: Collection | undefined;
  if (ref !== '') {
    collection = ref.length > 255 ? undefined : deps.collectionByNameOrId(ref);
    if (ref.length > 255) errors.collection = fieldError('validation_length_out_of_range', 'The length must be between 1 and 255.');
    else if (!collection || collection.type !== 'auth') {
      errors.collection = fieldError('validation_invalid_auth_collection', 'Must be a valid auth collection id or name.');
    }
  } else {
    collection = deps.collectionByNameOrId('_superusers');
  }
  if (email === '') errors.email = fieldError('validation_required', 'Cannot be blank.');
  else if (email.length > 255) errors.email = fieldError('validation_length_out_of_range', 'The length must be between 1 and 255.');
  else if (!isEmailFormat(email)) errors.email = fieldError('validation_is_email', 'Must be a valid email address.');
  const kind = TEST_TEMPLATES[template];
  if (template === '') errors.template = fieldError('validation_required', 'Cannot be blank.');
  else if (!kind) errors.template = fieldError('validation_in_invalid', 'Must be a valid value.');
  if (Object.keys(errors).length > 0 || !kind || !collection) throw new ValidationError(errors, 'Failed to send the test email.');
  return { email, kind, collection };
}

const TOKEN_TYPE: Partial<Record<MailKind, TokenType>> = {
  verification: 'verification',
  passwordReset: 'passwordReset',
  emailChange: 'emailChange',
};

export async function sendTestMail(body: Record<string, unknown>, deps: TestMailDeps): Promise<void> {
  const { email, kind, collection } = validate(body, deps);
  const record = deps.mail.sampleRecord(collection, email);
  const values: Record<string, string> = {};
  const tokenType = TOKEN_TYPE[kind];
  if (tokenType) {
    // A real, well-formed token for a record that does not exist: the link looks right
    // and can never be redeemed.
    values[PLACEHOLDERS.token] = await signToken(
      { type: tokenType, id: String(record.values.id ?? 'plinth_test_id'), collectionId: collection.id, email },
      String(record.values.tokenKey),
      { durationSeconds: 1800, clock: deps.clock },
    );
  } else if (kind === 'otp') {
    values[PLACEHOLDERS.otpId] = '_PLINTH_TEST_OTP_ID_';
    values[PLACEHOLDERS.otp] = '123456';
  } else {
    values[PLACEHOLDERS.alertInfo] = `${deps.clock.now().toISOString().replace('T', ' ')} - TEST_IP TEST_USER_AGENT`;
  }
  const { message } = deps.mail.compose(record, kind, values, email);
  try {
    await deps.mail.outbox.sendNow(message);
  } catch (err) {
    const reason = err instanceof MailSendError ? err.message : 'the message could not be sent';
    throw badRequest(`Failed to send the test email: ${reason}.`);
  }
}
