// Password values. A password field holds a bcrypt hash in the database; a value set from
// input holds the plain text until it is hashed, because validation (length, pattern)
// needs the plain text and hashing is slow enough that it must not block the event loop:
// the native bcrypt binding hashes and verifies on libuv's thread pool. PocketBase writes
// `$2a$` hashes at the field's cost (Go's bcrypt default, 10, when the field says 0); we
// write the same, and verify any of the `$2a$`/`$2b$`/`$2y$` forms.
import { randomBytes } from 'node:crypto';
import { hash as bcryptHash, hashSync as bcryptHashSync, verify as bcryptVerify } from '@node-rs/bcrypt';
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

// The binding writes `$2y$` (or `$2b$`); for the lengths a field accepts (at most 72 bytes)
// that is the same computation as Go's `$2a$`, so the stored hash keeps PocketBase's prefix.
function asGoPrefix(hash: string): string {
  return /^\$2[by]\$/.test(hash) ? `$2a$${hash.slice(4)}` : hash;
}

/** Hashes a plain password at the field's cost ('' stays '': an empty password clears the hash). */
export async function hashPassword(field: PasswordField, plain: string): Promise<string> {
  if (plain === '') return '';
  return asGoPrefix(await bcryptHash(plain, passwordCost(field)));
}

/** Synchronous variant, for the rare caller that cannot await (it blocks while hashing). */
export function hashPasswordSync(field: PasswordField, plain: string): string {
  if (plain === '') return '';
  return asGoPrefix(bcryptHashSync(plain, passwordCost(field)));
}

/** True when `plain` matches the bcrypt `hash` (any of the $2a$/$2b$/$2y$ forms). */
export async function verifyPassword(hash: string, plain: string): Promise<boolean> {
  if (hash === '' || !hash.startsWith('$2')) return false;
  try {
    return await bcryptVerify(plain, hash);
  } catch {
    return false;
  }
}

const dummyHashes = new Map<number, Promise<string>>();

/**
 * Spends what a real check at `cost` costs and answers false: for a login whose account (or
 * code) does not exist, or is refused for another reason, so its timing does not tell it apart.
 */
export async function verifyAgainstNothing(plain: string, cost = DEFAULT_BCRYPT_COST): Promise<false> {
  let dummy = dummyHashes.get(cost);
  if (!dummy) {
    dummy = bcryptHash(randomBytes(16).toString('hex'), cost);
    dummyHashes.set(cost, dummy);
  }
  await verifyPassword(await dummy, plain);
  return false;
}
