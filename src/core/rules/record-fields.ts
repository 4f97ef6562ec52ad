// Resolves filter identifiers against a collection's records: fields, relation paths
// (joins), back-relations (`<collection>_via_<field>`), `@collection.<name>[:alias].*`,
// `@request.*` values and the modifiers `:isset :changed :length :each :lower`.
// It hands the compiler SQL and bound values only; every identifier it emits is a
// schema name, quoted by the dialect.
import type { DialectName } from '../../db/types.js';
import {
  asciiLowerSql,
  FilterError,
  jsonArrayLength,
  jsonEachJoin,
  jsonEachSource,
  jsonExtract,
  type FieldResolver,
  type ResolvedExpression,
  type ResolvedField,
  type ValueKind,
} from '../../filter/index.js';
import type { Collection, Field } from '../collections/model.js';
import { isMultiValue } from '../collections/fields/index.js';
import type { RequestInfo } from './request-info.js';

export interface RecordResolverOptions {
  dialect: DialectName;
  collection: Collection;
  /** Table name (or CTE alias) the main collection is read from. */
  alias: string;
  request: RequestInfo;
  lookup: { byNameOrId(ref: string): Collection | undefined; byId(id: string): Collection | undefined };
  /** Hidden fields may be used (rules, superusers); client filters of others may not. */
  allowHidden: boolean;
  /** Client filter mode: `@request.*` and `@collection.*` are refused (checked earlier too). */
  clientFilter: boolean;
}

const MAX_PATH_DEPTH = 6;
const MAX_JOINS = 40;

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;

function fieldKind(field: Field): ValueKind {
  switch (field.type) {
    case 'number':
      return 'number';
    case 'bool':
      return 'bool';
    case 'date':
    case 'autodate':
      return 'date';
    case 'json':
    case 'geoPoint':
      return 'json';
    default:
      return 'text';
  }
}

function unknownField(name: string): FilterError {
  return new FilterError('unknown_field', `Invalid filter field ${JSON.stringify(name.slice(0, 80))}.`);
}

export class RecordFieldResolver implements FieldResolver {
  private readonly joinList = new Map<string, string>();
  private aliasCounter = 0;
  /** Set when a join may repeat rows of the main table. */
  multiplies = false;
  /** Collections whose rows the expression reached through relations. */
  readonly crossed = new Set<string>();

  constructor(private readonly options: RecordResolverOptions) {}

  joins(): string {
    return [...this.joinList.values()].join(' ');
  }

  rowid(): string | undefined {
    if (this.options.collection.type === 'view') return undefined;
    return this.options.dialect === 'sqlite' ? `${q(this.options.alias)}._rowid_` : `${q(this.options.alias)}."_rowid"`;
  }

  resolve(name: string): ResolvedField {
    if (name.startsWith('@request.')) {
      if (this.options.clientFilter) throw new FilterError('forbidden_field', 'Only superusers can filter by @request.');
      return this.resolveRequest(name);
    }
    if (name.startsWith('@collection.')) {
      if (this.options.clientFilter) throw new FilterError('forbidden_field', 'Only superusers can filter by @collection.');
      return this.resolveCollectionRef(name);
    }
    if (name.startsWith('@')) throw unknownField(name);
    const { path, modifier } = splitModifier(name);
    return this.resolvePath(this.options.collection, q(this.options.alias), path.split('.'), { modifier, full: name, depth: 0 });
  }

  private nextAlias(prefix: string): string {
    if (this.joinList.size >= MAX_JOINS) throw new FilterError('limit', 'The expression uses too many relations.');
    this.aliasCounter++;
    return `__${prefix}${this.aliasCounter}`;
  }

  private fieldOf(collection: Collection, name: string, full: string): Field {
    const field = collection.fields.find((f) => f.name === name);
    if (!field) throw unknownField(full);
    if (field.hidden && !this.options.allowHidden) throw unknownField(full);
    return field;
  }

  private resolvePath(
    collection: Collection,
    tableRef: string,
    parts: string[],
    ctx: { modifier: string | undefined; full: string; depth: number },
  ): ResolvedField {
    if (ctx.depth > MAX_PATH_DEPTH) throw new FilterError('limit', 'The relation path is too deep.');
    const [head, ...rest] = parts as [string, ...string[]];
    const back = /^(\w+)_via_(\w+)$/.exec(head);
    if (back && rest.length > 0 && !collection.fields.some((f) => f.name === head)) {
      return this.resolveBackRelation({ collection, tableRef, sourceName: back[1]!, fieldName: back[2]! }, rest, ctx);
    }
    const field = this.fieldOf(collection, head, ctx.full);
    const column = `${tableRef}.${q(field.name)}`;
    if (rest.length === 0) return this.finalField(field, column, ctx);
    if (field.type === 'json') {
      if (ctx.modifier) throw unknownField(ctx.full);
      return { type: 'expression', sql: jsonExtract(this.options.dialect, column, rest), params: [], kind: 'json', nullFallback: 'disabled' };
    }
    if (field.type !== 'relation') throw unknownField(ctx.full);
    const target = this.options.lookup.byId(field.collectionId);
    if (!target) throw unknownField(ctx.full);
    this.crossed.add(target.id);
    const alias = this.nextAlias('rel');
    if (isMultiValue(field)) {
      const each = this.nextAlias('je');
      this.joinList.set(each, jsonEachJoin(this.options.dialect, jsonEachSource(this.options.dialect, column, 'json'), each));
      this.joinList.set(alias, `LEFT JOIN ${q(target.name)} ${q(alias)} ON ${q(alias)}."id" = ${q(each)}."value"`);
      this.multiplies = true;
    } else {
      this.joinList.set(alias, `LEFT JOIN ${q(target.name)} ${q(alias)} ON ${q(alias)}."id" = ${column}`);
    }
    return this.resolvePath(target, q(alias), rest, { ...ctx, depth: ctx.depth + 1 });
  }

  private resolveBackRelation(
    at: { collection: Collection; tableRef: string; sourceName: string; fieldName: string },
    rest: string[],
    ctx: { modifier: string | undefined; full: string; depth: number },
  ): ResolvedField {
    const { collection, tableRef, sourceName, fieldName } = at;
    const source = this.options.lookup.byNameOrId(sourceName);
    const field = source?.fields.find((f) => f.name === fieldName);
    if (!source || !field || field.type !== 'relation' || field.collectionId !== collection.id) throw unknownField(ctx.full);
    this.crossed.add(source.id);
    const alias = this.nextAlias('back');
    const ref = `${q(alias)}.${q(field.name)}`;
    const dialect = this.options.dialect;
    let on: string;
    if (!isMultiValue(field)) on = `${ref} = ${tableRef}."id"`;
    else if (dialect === 'postgres') on = `${ref} @> jsonb_build_array(${tableRef}."id")`;
    else on = `EXISTS (SELECT 1 FROM ${jsonEachSource(dialect, ref, 'json')} "__bje" WHERE "__bje"."value" = ${tableRef}."id")`;
    this.joinList.set(alias, `LEFT JOIN ${q(source.name)} ${q(alias)} ON ${on}`);
    this.multiplies = true;
    return this.resolvePath(source, q(alias), rest, { ...ctx, depth: ctx.depth + 1 });
  }

  private finalField(field: Field, column: string, ctx: { modifier: string | undefined; full: string }): ResolvedField {
    const dialect = this.options.dialect;
    const multi = isMultiValue(field);
    switch (ctx.modifier) {
      case undefined:
        break;
      case 'length':
        if (!multi) throw unknownField(ctx.full);
        return { type: 'expression', sql: jsonArrayLength(dialect, column, 'json'), params: [], kind: 'number', affinity: 'none' };
      case 'lower': {
        if (multi || fieldKind(field) !== 'text') throw unknownField(ctx.full);
        return { type: 'expression', sql: asciiLowerSql(dialect, column), params: [], kind: 'text' };
      }
      case 'each':
        if (!multi) throw unknownField(ctx.full);
        break;
      default:
        throw unknownField(ctx.full);
    }
    if (multi) return this.eachOf(column, ctx.full);
    const kind = fieldKind(field);
    if (kind === 'json') return { type: 'expression', sql: jsonExtract(dialect, column, []), params: [], kind, nullFallback: 'disabled' };
    const expr: ResolvedExpression = {
      type: 'expression',
      sql: column,
      params: [],
      kind,
      affinity: kind === 'number' || kind === 'bool' ? 'numeric' : 'text',
    };
    return this.withEmailGuard(field, column, expr);
  }

  /** Elements of a JSON array column: any-match by join, all-match through a subquery. */
  private eachOf(column: string, _full: string): ResolvedField {
    const dialect = this.options.dialect;
    const each = this.nextAlias('je');
    this.joinList.set(each, jsonEachJoin(dialect, jsonEachSource(dialect, column, 'json'), each));
    this.multiplies = true;
    const sub = this.nextAlias('mm');
    return {
      type: 'expression',
      sql: `${q(each)}."value"`,
      params: [],
      kind: 'text',
      multiMatch: {
        value: { sql: `${q(sub)}."value"`, params: [] },
        from: {
          sql: `FROM ${jsonEachSource(dialect, column, 'json')} ${dialect === 'postgres' ? `AS ${q(sub)}("value")` : q(sub)}`,
          params: [],
        },
      },
    };
  }

  /** Client filters on another user's email only match where the email is public. */
  private withEmailGuard(field: Field, column: string, expr: ResolvedExpression): ResolvedExpression {
    if (!this.options.clientFilter || this.options.request.isSuperuser || field.name !== 'email') return expr;
    const table = column.slice(0, column.lastIndexOf('.'));
    const ownId = this.options.request.auth ? String(this.options.request.auth.values.id ?? '') : '';
    const visible = this.options.dialect === 'postgres' ? `${table}."emailVisibility" = TRUE` : `${table}."emailVisibility" = 1`;
    return { ...expr, guard: { sql: `(${visible} OR ${table}."id" = ?)`, params: [ownId] } };
  }

  private resolveCollectionRef(name: string): ResolvedField {
    const { path, modifier } = splitModifier(name);
    const parts = path.split('.');
    // @collection.<name>[:alias].<field...>  — the alias arrives as a modifier-like suffix of the name part
    const nameAndAlias = parts[1] ?? '';
    const [collectionName = '', aliasName = ''] = nameAndAlias.split(':');
    const rest = parts.slice(2);
    const target = this.options.lookup.byNameOrId(collectionName);
    if (!target || rest.length === 0) throw unknownField(name);
    this.crossed.add(target.id);
    const key = `collection_${target.name}_${aliasName}`;
    let alias = this.collectionAliases.get(key);
    if (!alias) {
      alias = this.nextAlias('col');
      this.collectionAliases.set(key, alias);
      this.joinList.set(alias, `LEFT JOIN ${q(target.name)} ${q(alias)} ON TRUE`);
      this.multiplies = true;
    }
    return this.resolvePath(target, q(alias), rest, { modifier, full: name, depth: 1 });
  }

  private readonly collectionAliases = new Map<string, string>();

  private resolveRequest(name: string): ResolvedField {
    const { path, modifier } = splitModifier(name);
    const parts = path.split('.').slice(1);
    const [section, ...rest] = parts as [string, ...string[]];
    const request = this.options.request;
    switch (section) {
      case 'method':
        return constant(request.method);
      case 'context':
        return constant(request.context);
      case 'query':
      case 'headers': {
        const source = section === 'query' ? request.query : request.headers;
        const key = section === 'query' ? rest.join('.') : rest.join('.').toLowerCase().replaceAll('-', '_');
        const has = Object.prototype.hasOwnProperty.call(source, key);
        if (modifier === 'isset') return { type: 'value', value: has };
        if (modifier === 'lower') return constant(has ? source[key]!.toLowerCase() : null);
        if (modifier !== undefined) throw unknownField(name);
        return constant(has ? source[key] : null);
      }
      case 'auth':
        return this.resolveAuth(rest, name);
      case 'body':
        return this.resolveBody(rest, modifier, name);
      default:
        throw unknownField(name);
    }
  }

  private resolveAuth(rest: string[], full: string): ResolvedField {
    const auth = this.options.request.auth;
    const [head, ...deeper] = rest;
    if (!head) throw unknownField(full);
    if (!auth) return constant(null);
    if (head === 'collectionId') return constant(auth.collection.id);
    if (head === 'collectionName') return constant(auth.collection.name);
    const field = auth.collection.fields.find((f) => f.name === head);
    if (!field) return constant(null);
    const value = auth.values[head];
    if (deeper.length === 0) return scalarOrList(value);
    if (field.type === 'json') return jsonPathValue(value, deeper);
    throw unknownField(full);
  }

  private resolveBody(rest: string[], modifier: string | undefined, full: string): ResolvedField {
    const body = this.options.request.body;
    const [key, ...deeper] = rest;
    if (!key) throw unknownField(full);
    const has = Object.prototype.hasOwnProperty.call(body, key);
    const value = has ? body[key] : undefined;
    switch (modifier) {
      case 'isset':
        return { type: 'value', value: has };
      case 'length':
        return { type: 'value', value: Array.isArray(value) ? value.length : value === undefined || value === null || value === '' ? 0 : 1, integer: true };
      case 'lower':
        return constant(typeof value === 'string' ? value.toLowerCase() : value === undefined ? null : String(value));
      case 'changed': {
        if (!has) return { type: 'value', value: false };
        const field = this.options.collection.fields.find((f) => f.name === key);
        if (!field) return { type: 'value', value: false };
        const column = `${q(this.options.alias)}.${q(field.name)}`;
        const encoded = typeof value === 'object' && value !== null ? JSON.stringify(value) : value === null || value === undefined ? '' : String(value);
        return {
          type: 'expression',
          sql: this.options.dialect === 'postgres' ? `(CAST(${column} AS TEXT) IS DISTINCT FROM CAST(? AS TEXT))` : `(COALESCE(${column}, '') != ?)`,
          params: [encoded],
          kind: 'bool',
          nullFallback: 'enforced',
        };
      }
      case undefined:
      case 'each':
        break;
      default:
        throw unknownField(full);
    }
    if (deeper.length > 0) return jsonPathValue(value, deeper);
    return scalarOrList(value === undefined ? null : value);
  }
}

function splitModifier(name: string): { path: string; modifier: string | undefined } {
  const idx = name.lastIndexOf(':');
  if (idx === -1) return { path: name, modifier: undefined };
  const modifier = name.slice(idx + 1);
  if (!/^(isset|changed|length|each|lower)$/.test(modifier)) {
    // `@collection.name:alias.field` keeps its colon inside the path.
    return { path: name, modifier: undefined };
  }
  return { path: name.slice(0, idx), modifier };
}

function constant(value: unknown): ResolvedField {
  if (value === null || value === undefined) return { type: 'value', value: null };
  if (typeof value === 'number') return { type: 'value', value, integer: Number.isInteger(value) };
  if (typeof value === 'boolean') return { type: 'value', value };
  if (typeof value === 'string') return { type: 'value', value };
  return { type: 'value', value: JSON.stringify(value) };
}

function scalarOrList(value: unknown): ResolvedField {
  if (Array.isArray(value)) return constant(value.length === 1 ? value[0] : value.length === 0 ? '' : JSON.stringify(value));
  return constant(value);
}

function jsonPathValue(value: unknown, path: string[]): ResolvedField {
  let current: unknown = typeof value === 'string' ? safeParse(value) : value;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return constant(null);
    current = (current as Record<string, unknown>)[part];
  }
  return constant(current);
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
