// "Sign in with Apple" wants its OAuth2 client secret as a short-lived ES256 JWT signed with
// the developer's private key (https://developer.apple.com/documentation/accountorganizationaldatasharing/creating-a-client-secret).
// Superusers generate it here, as in PocketBase, and paste it into the provider's settings.
import { SignJWT, importPKCS8 } from 'jose';
import type { Clock } from '../../lib/clock.js';
import { badRequest, fieldError, ValidationError, type ErrorData } from '../errors/index.js';

/** Apple refuses secrets valid for longer than about six months. */
export const MAX_APPLE_SECRET_SECONDS = 15_777_000;
const PRIVATE_KEY_PEM = /-----BEGIN PRIVATE KEY----[\s\S]+-----END PRIVATE KEY-----/m;

interface AppleSecretInput {
  clientId: string;
  teamId: string;
  keyId: string;
  privateKey: string;
  duration: number;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function validate(body: Record<string, unknown>): AppleSecretInput {
  const input: AppleSecretInput = {
    clientId: text(body.clientId),
    teamId: text(body.teamId),
    keyId: text(body.keyId),
    privateKey: text(body.privateKey),
    duration: typeof body.duration === 'number' && Number.isFinite(body.duration) ? Math.trunc(body.duration) : 0,
  };
  const errors: ErrorData = {};
  if (input.clientId === '') errors.clientId = fieldError('validation_required', 'Cannot be blank.');
  for (const key of ['teamId', 'keyId'] as const) {
    if (input[key] === '') errors[key] = fieldError('validation_required', 'Cannot be blank.');
    else if (input[key].length !== 10) errors[key] = fieldError('validation_length_invalid', 'The length must be exactly 10.', { min: 10, max: 10 });
  }
  if (input.privateKey === '') errors.privateKey = fieldError('validation_required', 'Cannot be blank.');
  else if (!PRIVATE_KEY_PEM.test(input.privateKey)) errors.privateKey = fieldError('validation_match_invalid', 'Must be in a valid format.');
  if (body.duration === undefined || body.duration === null || input.duration === 0) {
    errors.duration = fieldError('validation_required', 'Cannot be blank.');
  } else if (input.duration < 1) {
    errors.duration = fieldError('validation_min_greater_equal_than_required', 'Must be no less than 1.', { threshold: 1 });
  } else if (input.duration > MAX_APPLE_SECRET_SECONDS) {
    errors.duration = fieldError('validation_max_less_equal_than_required', `Must be no greater than ${MAX_APPLE_SECRET_SECONDS}.`, {
      threshold: MAX_APPLE_SECRET_SECONDS,
    });
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(errors, 'Invalid client secret data.');
  return input;
}

export async function generateAppleClientSecret(body: Record<string, unknown>, clock: Clock): Promise<string> {
  const input = validate(body);
  let key: Awaited<ReturnType<typeof importPKCS8>>;
  try {
    key = await importPKCS8(input.privateKey.trim(), 'ES256');
  } catch {
    throw badRequest('Failed to generate client secret: the private key is not a valid PKCS #8 EC P-256 key.');
  }
  const now = Math.floor(clock.now().getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: input.keyId })
    .setIssuer(input.teamId)
    .setSubject(input.clientId)
    .setAudience('https://appleid.apple.com')
    .setIssuedAt(now)
    .setExpirationTime(now + input.duration)
    .sign(key);
}
