// Applies a submitted body to a record: plain keys replace values, modifier keys
// (`field+`, `+field`, `field-`, `field:autogenerate`) change them relative to the current
// value. Keys are applied shortest first, so `{"n": 1, "n+": 2}` is 3 whatever the order
// the client sent them in. Unknown keys are ignored, as PocketBase does.
import type { Field } from '../collections/model.js';
import { applyModifier, autogenerate, prepareValue } from '../collections/fields/index.js';
import { goToString } from '../collections/fields/go-cast.js';
import type { RecordModel } from './record.js';

export interface AppliedInput {
  /** Names of the fields the input touched. */
  touched: Set<string>;
  /** Plain passwords submitted for password fields (hashed on save, validated first). */
  plainPasswords: Map<string, string>;
  /**
   * The body as rules see it (`@request.body.*`): modifier keys replaced by the field's
   * resulting value, plain field keys by their normalised value.
   */
  resolvedBody: Record<string, unknown>;
}

type KeyTarget = { field: Field; modifier: 'set' | 'append' | 'prepend' | 'remove' | 'autogenerate' };

function targetOf(key: string, byName: Map<string, Field>): KeyTarget | null {
  const direct = byName.get(key);
  if (direct) return { field: direct, modifier: 'set' };
  if (key.endsWith(':autogenerate')) {
    const field = byName.get(key.slice(0, -':autogenerate'.length));
    if (field && (field.type === 'text' || field.type === 'password')) return { field, modifier: 'autogenerate' };
    return null;
  }
  if (key.endsWith('+')) {
    const field = byName.get(key.slice(0, -1));
    return field ? { field, modifier: 'append' } : null;
  }
  if (key.startsWith('+')) {
    const field = byName.get(key.slice(1));
    return field ? { field, modifier: 'prepend' } : null;
  }
  if (key.endsWith('-')) {
    const field = byName.get(key.slice(0, -1));
    return field ? { field, modifier: 'remove' } : null;
  }
  return null;
}

const MODIFIABLE = new Set(['number', 'select', 'relation', 'file']);

export function fieldsByName(fields: Field[]): Map<string, Field> {
  return new Map(fields.map((f) => [f.name, f]));
}

/**
 * `canWriteHidden`: superusers may set hidden fields; for everyone else they keep their
 * current value (the auth `password` field excepted, it is hidden yet always writable).
 */
export function applyInput(record: RecordModel, data: Record<string, unknown>, canWriteHidden: boolean): AppliedInput {
  const byName = fieldsByName(record.collection.fields);
  const isAuth = record.collection.type === 'auth';
  const touched = new Set<string>();
  const plainPasswords = new Map<string, string>();
  const keys = Object.keys(data).sort((a, b) => a.length - b.length);
  const resolvedBody: Record<string, unknown> = { ...data };
  const resolvedFields = new Set<string>();
  for (const key of keys) {
    const target = targetOf(key, byName);
    if (!target) continue;
    const { field, modifier } = target;
    if (field.hidden && !canWriteHidden && !(isAuth && field.name === 'password')) continue;
    if (field.type === 'autodate') continue;
    const raw = data[key];
    delete resolvedBody[key];
    resolvedFields.add(field.name);
    if (field.type === 'password') {
      // Loosely cast as PocketBase does: an object or array is no password (''), never a crash.
      const plain = modifier === 'autogenerate' ? autogenerate(field) : goToString(raw);
      plainPasswords.set(field.name, plain);
      touched.add(field.name);
      continue;
    }
    switch (modifier) {
      case 'set':
        record.values[field.name] = prepareValue(field, raw);
        break;
      case 'autogenerate':
        record.values[field.name] = autogenerate(field);
        break;
      case 'append':
      case 'prepend':
      case 'remove':
        if (!MODIFIABLE.has(field.type)) continue;
        record.values[field.name] = applyModifier(field, record.values[field.name], modifier, raw);
        break;
    }
    touched.add(field.name);
  }
  for (const name of resolvedFields) {
    resolvedBody[name] = plainPasswords.has(name) ? plainPasswords.get(name) : record.values[name];
  }
  return { touched, plainPasswords, resolvedBody };
}
