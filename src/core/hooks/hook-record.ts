// A record as extension code sees it: typed getters and a `set` that normalises values the
// way a submitted body is (numbers from strings, modifiers such as `tags+`, passwords kept
// apart to be hashed on save). It wraps the record being written, so changes made in a hook
// before `e.next()` are what gets validated and saved.
import type { Collection } from '../collections/model.js';
import { exportRecord } from '../records/export.js';
import { applyInput, type AppliedInput } from '../records/input.js';
import type { RecordModel } from '../records/record.js';

export class HookRecord {
  /** The input waiting to be saved with this record (plain passwords among it). */
  readonly applied: AppliedInput;

  constructor(
    readonly model: RecordModel,
    applied?: AppliedInput,
  ) {
    this.applied = applied ?? { touched: new Set(), plainPasswords: new Map(), resolvedBody: {} };
  }

  get id(): string {
    return String(this.model.values.id ?? '');
  }

  get collection(): Collection {
    return this.model.collection;
  }

  get(name: string): unknown {
    return this.model.values[name];
  }

  getString(name: string): string {
    const value = this.model.values[name];
    return value === null || value === undefined ? '' : String(value);
  }

  getNumber(name: string): number {
    const value = Number(this.model.values[name]);
    return Number.isFinite(value) ? value : 0;
  }

  getBool(name: string): boolean {
    return this.model.values[name] === true;
  }

  /** Sets one field (or applies a modifier key such as `tags+`); unknown names are ignored. */
  set(name: string, value: unknown): this {
    return this.load({ [name]: value });
  }

  /** Applies several keys at once, as a request body would be. */
  load(data: Record<string, unknown>): this {
    const applied = applyInput(this.model, data, true);
    for (const name of applied.touched) this.applied.touched.add(name);
    for (const [name, plain] of applied.plainPasswords) this.applied.plainPasswords.set(name, plain);
    Object.assign(this.applied.resolvedBody, applied.resolvedBody);
    return this;
  }

  /** The plain password to hash and store on save (auth collections). */
  setPassword(plain: string): this {
    return this.set('password', plain);
  }

  /** Every stored value, hidden ones included (a copy). */
  values(): Record<string, unknown> {
    return { ...this.model.values };
  }

  /** The record as the API shows it to a guest (no hidden fields, email only when visible). */
  toJSON(): Record<string, unknown> {
    return exportRecord(this.model, { showHidden: false, showEmail: false });
  }
}
