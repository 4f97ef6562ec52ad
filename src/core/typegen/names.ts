// Turning collection and field names into TypeScript names. Collection names allow any
// `\w` characters, so they may start with a digit or differ only in case and underscores;
// the generated names must still be valid and distinct.

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `user_profiles` → `UserProfiles`, `_externalAuths` → `ExternalAuths`, `2fa` → `Collection2fa`. */
export function pascalCase(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter((w) => w !== '');
  const joined = words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  if (joined === '') return 'Collection';
  return /^[0-9]/.test(joined) ? `Collection${joined}` : joined;
}

/**
 * One base type name per collection name. Collisions (`user_profiles` and `userProfiles`)
 * are settled in sorted-name order: the first keeps the plain name, later ones get 2, 3, …
 * so re-running the generator on the same schema gives the same names.
 */
export function assignTypeNames(collectionNames: readonly string[]): Map<string, string> {
  const taken = new Set<string>();
  const result = new Map<string, string>();
  for (const name of [...collectionNames].sort(compareNames)) {
    const base = pascalCase(name);
    let candidate = base;
    for (let n = 2; taken.has(candidate); n++) candidate = `${base}${n}`;
    taken.add(candidate);
    result.set(name, candidate);
  }
  return result;
}

/** Code-point order, independent of the locale the generator runs in. */
export function compareNames(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** A property key: bare when it is a valid identifier, quoted otherwise (`2nd`, `my-field`). */
export function propertyKey(name: string): string {
  return IDENTIFIER.test(name) ? name : stringLiteral(name);
}

/** A TypeScript string literal for any text (JSON's escaping is valid TypeScript). */
export function stringLiteral(text: string): string {
  return JSON.stringify(text);
}
