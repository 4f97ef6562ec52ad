// Password values. A password field holds a bcrypt hash in the database; a value set from
// input holds the plain text until it is hashed, because validation (length, pattern)
// needs the plain text and hashing is slow enough that it should not block the event
// loop. PocketBase writes `$2a$` hashes at the field's cost (Go's bcrypt default, 10,
// when the field says 0); bcryptjs computes the same function and verifies either prefix.
import bcrypt from 'bcryptjs';
import type { PasswordField } from '../model.js';

/** Go's bcrypt.DefaultCost, used when a password field's `cost` is 0. */
export const DEFAULT_BCRYPT_COST = 10;
export const MIN_BCRYPT_COST = 4;
export const MAX_BCRYPT_COST = 31;

/** A password set from input, not hashed yet. Never serialises its plain text. */
export class PlainPassword {
  constructor(readonly plain: string) {}

  toJSON(): string {
    return '';
  }

  toString(): string {
    return '';
  }
}

export function isPlainPassword(value: unknown): value is PlainPassword {
  return value instanceof PlainPassword;
}

export function passwordCost(field: PasswordField): number {
  return field.cost > 0 ? field.cost : DEFAULT_BCRYPT_COST;
}

// bcryptjs writes `$2b$`; the hash is the same computation as Go's `$2a$` for the
// password lengths a field accepts (at most 72 bytes), so we keep PocketBase's prefix.
function asGoPrefix(hash: string): string {
  return hash.startsWith('$2b$') ? `$2a$${hash.slice(4)}` : hash;
}

/** Hashes a plain password at the field's cost ('' stays '': an empty password clears the hash). */
export async function hashPassword(field: PasswordField, plain: string): Promise<string> {
  if (plain === '') return '';
  return asGoPrefix(await bcrypt.hash(plain, passwordCost(field)));
}

/** Synchronous variant, for the rare caller that cannot await (it blocks while hashing). */
export function hashPasswordSync(field: PasswordField, plain: string): string {
  if (plain === '') return '';
  return asGoPrefix(bcrypt.hashSync(plain, passwordCost(field)));
}

/** True when `plain` matches the bcrypt `hash` (any of the $2a$/$2b$/$2y$ forms). */
export async function verifyPassword(hash: string, plain: string): Promise<boolean> {
  if (hash === '' || !hash.startsWith('$2')) return false;
  try {
    return await bcrypt.compare(plain, hash);
  } catch {
    return false;
  }
}
