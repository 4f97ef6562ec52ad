// Resolves one identifier for RecordFieldResolver: walks `a.b.c` through relations and back
// relations (joining each step for the row's own value, and again inside a correlated
// subquery for the "every value" check of multi-valued paths), and handles `@collection.*`
// and `@request.*`.
import type { SqlValue } from '../../db/types.js';
import {
  asciiLower,
  asciiLowerSql,
  FilterError,
  jsonArrayLength,
  jsonEachFrom,
  jsonEachJoin,
  jsonEachSource,
  jsonExtract,
  sqliteNumberText,
  type Fragment,
  type ResolvedExpression,
  type ResolvedField,
  type ResolvedValue,
} from '../../filter/index.js';
import type { Collection, Field, RelationField } from '../collections/model.js';
import type { RecordFieldResolver } from './resolver.js';
import { arrayColumnType, columnTyping, fieldByName, hasUniqueIndexOn, isMultiple, isMultiValuer, q } from './resolver-fields.js';
import {
  castToString,
  goJson,
  isMissing,
  lookupPath,
  PLAIN_AUTH_FIELDS,
  requestValue,
  splitModifier,
  toIdList,
  toList,
} from './resolver-request.js';

/** Deepest relation chain (PocketBase's limit). */
const MAX_NESTED_RELATIONS = 6;

/** The identifier shapes a record filter may use. */
const ALLOWED_NAMES = [
  /^\w+[\w.:]*$/,
  /^@request\.context$/,
  /^@request\.method$/,
  /^@request\.auth\.[\w.:]*\w+$/,
  /^@request\.body\.[\w.:]*\w+$/,
  /^@request\.query\.[\w.:]*\w+$/,
  /^@request\.headers\.[\w.:]*\w+$/,
  /^@collection\.\w+(:\w+)?\.[\w.:]*\w+$/,
];

const BACK_RELATION = /^(\w+)_via_(\w+)$/;
const GO_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NULL_VALUE: ResolvedValue = { type: 'value', value: null };

function unknownField(name: string): FilterError {
  return new FilterError('unknown_field', `Failed to resolve field ${JSON.stringify(name.slice(0, 80))}.`);
}

function notFilterable(name: string): FilterError {
  return new FilterError('not_filterable', `Field ${JSON.stringify(name.slice(0, 80))} cannot be filtered.`);
}

export class PathRunner {
  private props: string[];
  private collection: Collection;
  private alias: string;
  private readonly nullify: boolean;
  private multi = false;
  private mmAlias: string;
  private readonly mmFromAlias: string;
  private readonly mmJoins: Fragment[] = [];

  constructor(
    private readonly r: RecordFieldResolver,
    private readonly name: string,
  ) {
    this.props = name.split('.');
    this.collection = r.collection;
    this.alias = r.alias;
    // Missing `@request.*` data is NULL rather than an error.
    this.nullify = this.props[0] === '@request';
    this.mmFromAlias = r.safeAlias(`__mm_${r.alias}`);
    this.mmAlias = this.mmFromAlias;
  }

  run(): ResolvedField {
    if (!ALLOWED_NAMES.some((re) => re.test(this.name))) throw unknownField(this.name);
    const head = this.props[0];
    if ((head === '@request' || head === '@collection') && this.r.forbidRequestFields) {
      throw new FilterError('forbidden_field', `Only superusers can filter by ${head}.`);
    }
    if (head === '@collection') return this.collectionField();
    if (head === '@request') return this.requestField();
    return this.walk();
  }

  // --- SQL helpers ------------------------------------------------------------------------

  private get dialect() {
    return this.r.dialect;
  }

  /** `LEFT JOIN <table> <alias>` with an optional condition (PostgreSQL needs one). */
  private tableJoin(table: string, alias: string, on?: string): string {
    const cond = on ?? (this.dialect === 'postgres' ? 'TRUE' : undefined);
    return `LEFT JOIN ${q(table)} ${q(alias)}${cond ? ` ON ${cond}` : ''}`;
  }

  private idInList(alias: string, ids: readonly string[]): string {
    return ids.length === 1 ? `${q(alias)}."id" = ?` : `${q(alias)}."id" IN (${ids.map(() => '?').join(', ')})`;
  }

  private multiMatch(value: Fragment): ResolvedExpression['multiMatch'] {
    const joins = this.mmJoins.map((j) => j.sql).join(' ');
    return {
      value,
      from: {
        sql: `FROM ${q(this.r.tableName)} ${q(this.mmFromAlias)}${joins ? ` ${joins}` : ''} WHERE ${q(this.mmFromAlias)}."id" = ${q(this.r.alias)}."id"`,
        params: this.mmJoins.flatMap((j) => [...j.params]),
      },
    };
  }

  private missing(prop: string): ResolvedValue {
    if (this.nullify) return NULL_VALUE;
    throw unknownField(prop === this.name ? prop : `${this.name}`);
  }

  // --- @collection ----------------------------------------------------------------------

  private collectionField(): ResolvedField {
    if (this.props.length < 3) throw unknownField(this.name);
    const ref = this.props[1] as string;
    const colon = ref.indexOf(':');
    const [collName, collAlias] = colon === -1 ? [ref, ''] : [ref.slice(0, colon), ref.slice(colon + 1)];
    const collection = this.r.loadCollection(collName);
    if (!collection) throw unknownField(this.name);
    const suffix = this.r.joinAliasSuffix;
    const alias = this.r.safeAlias(collAlias ? `__collection_alias_${collAlias}${suffix}` : `__collection_${collection.name}${suffix}`);
    this.multi = true;
    this.r.registerJoin(alias, { sql: this.tableJoin(collection.name, alias), params: [] }, collection);
    this.mmAlias = this.r.safeAlias(`__mm_${alias}`);
    this.mmJoins.push({ sql: this.tableJoin(collection.name, this.mmAlias), params: [] });
    this.collection = collection;
    this.alias = alias;
    this.props = this.props.slice(2);
    return this.walk();
  }

  // --- @request ---------------------------------------------------------------------------

  private requestField(): ResolvedField {
    const request = this.r.request;
    if (!request) return NULL_VALUE;
    if (this.name.startsWith('@request.auth.')) return this.authField();
    if (this.name.startsWith('@request.body.') && this.props.length > 2) {
      const { name, modifier } = splitModifier(this.props[2] as string);
      const bodyField = fieldByName(this.r.collection, name);
      if (bodyField) {
        if (bodyField.type === 'relation' && this.props.length > 3) return this.bodyRelation(bodyField);
        if (this.props.length === 3) {
          switch (modifier) {
            case 'each':
              return this.bodyEach(bodyField);
            case 'length':
              return this.bodyLength(bodyField);
            case 'lower':
              return { type: 'value', value: asciiLower(castToString(request.body[bodyField.name])) };
            case 'changed':
              return this.bodyChanged(bodyField);
            case 'isset':
            case undefined:
              break;
          }
        }
      }
    }
    return this.staticValue(this.props.slice(1));
  }

  /** A value read from the request itself. */
  private staticValue(path: string[]): ResolvedField {
    const last = path[path.length - 1] as string;
    const { name: lastProp, modifier } = splitModifier(last);
    const keys = [...path.slice(0, -1), lastProp];
    let value = lookupPath(this.r.staticRequest, keys);
    if (modifier === 'isset') return { type: 'value', value: !isMissing(value) };
    if (isMissing(value)) value = null;
    if (modifier !== undefined && modifier !== 'lower') {
      throw new FilterError('unknown_field', `Invalid modifier sequence ${JSON.stringify(last.slice(0, 60))}.`);
    }
    // Text sent for a number field (multipart forms) counts as the number.
    if (typeof value === 'string' && fieldByName(this.r.collection, lastProp)?.type === 'number' && GO_FLOAT.test(value)) {
      value = Number(value);
    }
    const resolved = requestValue(value);
    if (modifier !== 'lower' || resolved.value === null) return resolved;
    // SQLite's LOWER over the bound value: numbers bind as REAL, booleans as 1/0.
    const v = resolved.value;
    const text = typeof v === 'number' ? sqliteNumberText(v, true) : typeof v === 'boolean' ? (v ? '1' : '0') : v;
    return { type: 'value', value: asciiLower(text) };
  }

  private authField(): ResolvedField {
    const auth = this.r.request?.auth;
    if (!auth) return NULL_VALUE;
    if (this.props.length === 3 && PLAIN_AUTH_FIELDS.has(this.props[2] as string)) return this.staticValue(this.props.slice(1));
    const collection = this.r.loadCollection(auth.collection.id) ?? auth.collection;
    const authId = String(auth.values['id'] ?? '');
    const alias = this.r.safeAlias(`__auth_${collection.name}${this.r.joinAliasSuffix}`);
    this.r.registerJoin(alias, { sql: this.tableJoin(collection.name, alias, `${q(alias)}."id" = ?`), params: [authId] }, collection);
    this.mmAlias = this.r.safeAlias(`__mm_${alias}`);
    this.mmJoins.push({ sql: this.tableJoin(collection.name, this.mmAlias, `${q(this.mmAlias)}."id" = ?`), params: [authId] });
    this.collection = collection;
    this.alias = alias;
    this.props = this.props.slice(2);
    return this.walk();
  }

  /** `@request.body.<relation>.<field>…`: the submitted related records, joined by id. */
  private bodyRelation(field: RelationField): ResolvedField {
    const target = this.r.loadCollection(field.collectionId);
    if (!target) throw unknownField(this.name);
    const ids = toIdList(this.r.request?.body[field.name]);
    if (ids.length === 0) return NULL_VALUE;
    const alias = this.r.safeAlias(`__data_${target.name}_${field.name}${this.r.joinAliasSuffix}`);
    this.r.registerJoin(alias, { sql: this.tableJoin(target.name, alias, this.idInList(alias, ids)), params: ids }, target);
    if (isMultiple(field)) this.multi = true;
    this.mmAlias = this.r.safeAlias(`__mm_${alias}`);
    this.mmJoins.push({ sql: this.tableJoin(target.name, this.mmAlias, this.idInList(this.mmAlias, ids)), params: ids });
    this.collection = target;
    this.alias = alias;
    this.props = this.props.slice(3);
    return this.walk();
  }

  /** `@request.body.<field>:each`: the submitted values, one row each. */
  private bodyEach(field: Field): ResolvedField {
    if (!isMultiValuer(field)) throw new FilterError('unknown_field', `Field ${JSON.stringify(field.name)} has no multiple values.`);
    const raw = goJson(toList(this.r.request?.body[field.name]));
    const source = this.dialect === 'sqlite' ? 'json_each(?)' : 'jsonb_array_elements_text(CAST(? AS JSONB))';
    const alias = this.r.safeAlias(`__dataEach_je_${field.name}${this.r.joinAliasSuffix}`);
    this.r.registerJoin(alias, { sql: jsonEachJoin(this.dialect, source, alias), params: [raw] });
    if (isMultiple(field)) this.multi = true;
    const result: ResolvedExpression = { type: 'expression', sql: `${q(alias)}."value"`, params: [], kind: 'text', knownNonEmpty: true };
    if (!this.multi) return result;
    const mmAlias = this.r.safeAlias(`__mm_${alias}`);
    this.mmJoins.push({ sql: jsonEachJoin(this.dialect, source, mmAlias), params: [raw] });
    return { ...result, multiMatch: this.multiMatch({ sql: `${q(mmAlias)}."value"`, params: [] }) };
  }

  private bodyLength(field: Field): ResolvedField {
    if (!isMultiValuer(field)) throw new FilterError('unknown_field', `Field ${JSON.stringify(field.name)} has no multiple values.`);
    return { type: 'value', value: toList(this.r.request?.body[field.name]).length, integer: true };
  }

  /** `@request.body.<field>:changed`: submitted and different from the stored value. */
  private bodyChanged(field: Field): ResolvedField {
    const n = field.name;
    const condition = this.r.compileWithThis(`@request.body.${n}:isset = true && @request.body.${n} != ${n}`);
    return { type: 'expression', sql: `(${condition.sql})`, params: condition.params, kind: 'bool', nullFallback: 'disabled' };
  }

  // --- field paths ------------------------------------------------------------------------

  private walk(): ResolvedField {
    const total = this.props.length;
    for (let i = 0; i < total; i++) {
      const prop = this.props[i] as string;
      const collection = this.collection;
      if (i === total - 1) return this.finalField(collection, prop);
      const field = fieldByName(collection, prop);
      if (field?.hidden && !this.r.allowHiddenFields) throw notFilterable(prop);
      // The rest of a JSON (or geo point) field's path is a path inside its value.
      if (field && (field.type === 'json' || field.type === 'geoPoint')) return this.jsonPath(field, this.props.slice(i + 1));
      if (i >= MAX_NESTED_RELATIONS) throw new FilterError('limit', `Too many nested relations in ${JSON.stringify(this.name.slice(0, 80))}.`);
      if (!field) {
        const back = this.backRelation(prop, collection);
        if (back) return back;
        continue;
      }
      if (field.type !== 'relation') throw unknownField(this.name);
      const target = this.r.loadCollection(field.collectionId);
      if (!target) throw unknownField(this.name);
      // `rel.id` of a single relation is the relation column itself (no join).
      if (!isMultiple(field) && i === total - 2 && this.props[i + 1] === 'id') return this.finalField(collection, field.name);
      this.relationStep(field, target);
    }
    throw unknownField(this.name);
  }

  private relationStep(field: RelationField, target: Collection): void {
    const d = this.dialect;
    const multiple = isMultiple(field);
    const column = `${q(this.alias)}.${q(field.name)}`;
    const alias = this.r.safeAlias(`${this.alias}_${field.name}${this.r.joinAliasSuffix}`);
    if (!multiple) {
      this.r.registerJoin(alias, { sql: this.tableJoin(target.name, alias, `${q(alias)}."id" = ${column}`), params: [] }, target);
    } else {
      const je = this.r.safeAlias(`__je_${alias}`);
      this.r.registerJoin(je, { sql: jsonEachJoin(d, jsonEachSource(d, column, 'json'), je), params: [] });
      this.r.registerJoin(alias, { sql: this.tableJoin(target.name, alias, `${q(alias)}."id" = ${q(je)}."value"`), params: [] }, target);
      this.multi = true;
    }
    const mmColumn = `${q(this.mmAlias)}.${q(field.name)}`;
    const mmAlias = this.r.safeAlias(`${this.mmAlias}_${field.name}`);
    if (!multiple) {
      this.mmJoins.push({ sql: this.tableJoin(target.name, mmAlias, `${q(mmAlias)}."id" = ${mmColumn}`), params: [] });
    } else {
      const mmJe = this.r.safeAlias(`${this.mmAlias}_${field.name}_je`);
      this.mmJoins.push({ sql: jsonEachJoin(d, jsonEachSource(d, mmColumn, 'json'), mmJe), params: [] });
      this.mmJoins.push({ sql: this.tableJoin(target.name, mmAlias, `${q(mmAlias)}."id" = ${q(mmJe)}."value"`), params: [] });
    }
    this.collection = target;
    this.alias = alias;
    this.mmAlias = mmAlias;
  }

  /**
   * `<collection>_via_<field>`: records of another collection whose relation field points
   * here. Returns a value when the step ends the resolution (a NULL for `@request.*`).
   */
  private backRelation(prop: string, collection: Collection): ResolvedValue | undefined {
    const match = BACK_RELATION.exec(prop);
    if (!match) return this.missing(prop);
    const source = this.r.loadCollection(match[1] as string);
    if (!source) return this.missing(prop);
    const field = fieldByName(source, match[2] as string);
    if (!field || field.type !== 'relation') return this.missing(prop);
    if (field.hidden && !this.r.allowHiddenFields) throw notFilterable(field.name);
    if (field.collectionId !== collection.id) return this.missing(prop);

    const d = this.dialect;
    const multiple = isMultiple(field);
    const suffix = this.r.joinAliasSuffix;
    const alias = this.r.safeAlias(`${this.alias}_${prop}${suffix}`);
    const inElements = (owner: string, alias2: string, je: string) =>
      `${q(owner)}."id" IN (SELECT ${q(je)}."value" FROM ${jsonEachFrom(d, jsonEachSource(d, `${q(alias2)}.${q(field.name)}`, 'json'), je)})`;
    const on = multiple ? inElements(this.alias, alias, this.r.safeAlias(`__je_${alias}`)) : `${q(alias)}.${q(field.name)} = ${q(this.alias)}."id"`;
    this.r.registerJoin(alias, { sql: this.tableJoin(source.name, alias, on), params: [] }, source);

    // A single back relation without a unique index can still reach several rows.
    if (multiple) this.multi = true;
    else if (!this.multi) this.multi = !hasUniqueIndexOn(source, field.name);

    const mmAlias = this.r.safeAlias(`${this.mmAlias}_${prop}${suffix}`);
    const mmOn = multiple
      ? inElements(this.mmAlias, mmAlias, this.r.safeAlias(`__je_${mmAlias}`))
      : `${q(mmAlias)}.${q(field.name)} = ${q(this.mmAlias)}."id"`;
    this.mmJoins.push({ sql: this.tableJoin(source.name, mmAlias, mmOn), params: [] });

    this.collection = source;
    this.alias = alias;
    this.mmAlias = mmAlias;
    return undefined;
  }

  private jsonPath(field: Field, path: readonly string[]): ResolvedField {
    const d = this.dialect;
    const result: ResolvedExpression = {
      type: 'expression',
      sql: jsonExtract(d, `${q(this.alias)}.${q(field.name)}`, path),
      params: [],
      kind: 'json',
      nullFallback: 'disabled',
    };
    if (!this.multi) return result;
    return { ...result, multiMatch: this.multiMatch({ sql: jsonExtract(d, `${q(this.mmAlias)}.${q(field.name)}`, path), params: [] }) };
  }

  private finalField(collection: Collection, prop: string): ResolvedField {
    const { name, modifier } = splitModifier(prop);
    const field = fieldByName(collection, name);
    if (!field) return this.missing(name);
    if (field.hidden && !this.r.allowHiddenFields) throw notFilterable(name);
    const d = this.dialect;
    const column = `${q(this.alias)}.${q(field.name)}`;
    const mmColumn = `${q(this.mmAlias)}.${q(field.name)}`;

    if (modifier === 'length' && isMultiValuer(field)) {
      const type = arrayColumnType(field);
      const result: ResolvedExpression = { type: 'expression', sql: jsonArrayLength(d, column, type), params: [], kind: 'number' };
      return this.multi ? { ...result, multiMatch: this.multiMatch({ sql: jsonArrayLength(d, mmColumn, type), params: [] }) } : result;
    }

    if (modifier === 'each' && isMultiValuer(field)) {
      const type = arrayColumnType(field);
      const je = this.r.safeAlias(`__je_${this.alias}_${field.name}${this.r.joinAliasSuffix}`);
      this.r.registerJoin(je, { sql: jsonEachJoin(d, jsonEachSource(d, column, type), je), params: [] });
      if (isMultiple(field)) this.multi = true;
      const result: ResolvedExpression = { type: 'expression', sql: `${q(je)}."value"`, params: [], kind: 'text' };
      if (!this.multi) return result;
      const mmJe = this.r.safeAlias(`__je_${this.mmAlias}_${field.name}${this.r.joinAliasSuffix}`);
      this.mmJoins.push({ sql: jsonEachJoin(d, jsonEachSource(d, mmColumn, type), mmJe), params: [] });
      return { ...result, multiMatch: this.multiMatch({ sql: `${q(mmJe)}."value"`, params: [] }) };
    }

    let typing = columnTyping(field);
    // CTE columns of bound values have no affinity in SQLite.
    if (this.r.valuesSource && this.alias === this.r.alias) typing = { kind: typing.kind, affinity: 'none' };
    let sql = column;
    let mmSql = mmColumn;
    let kind = typing.kind;
    let affinity = typing.affinity;
    let nullFallback: ResolvedExpression['nullFallback'] = 'auto';
    // JSON fields compare by their JSON value (top-level scalars as SQL values), with IS.
    if (field.type === 'json') {
      sql = jsonExtract(d, column, []);
      mmSql = jsonExtract(d, mmColumn, []);
      affinity = 'none';
      nullFallback = 'disabled';
    }
    if (modifier === 'lower') {
      sql = asciiLowerSql(d, sql, kind);
      mmSql = asciiLowerSql(d, mmSql, kind);
      kind = 'text';
      affinity = 'none';
    }
    // Only auth records that made their email public can be matched by it.
    const guard =
      field.name === 'email' && collection.type === 'auth' && !this.r.allowHiddenFields
        ? { sql: `${q(this.alias)}."emailVisibility" = TRUE`, params: [] as SqlValue[] }
        : undefined;
    const result: ResolvedExpression = {
      type: 'expression',
      sql,
      params: [],
      kind,
      affinity,
      nullFallback,
      ...(guard ? { guard } : {}),
    };
    return this.multi ? { ...result, multiMatch: this.multiMatch({ sql: mmSql, params: [] }) } : result;
  }
}
