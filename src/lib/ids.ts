import { randomInt } from 'node:crypto';

export const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A random string of `length` characters from `alphabet`, from a cryptographic source. */
export function randomString(length: number, alphabet: string = ID_ALPHABET): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** Record ids are 15 lowercase alphanumerics, as PocketBase generates them. */
export function newRecordId(): string {
  return randomString(15);
}
