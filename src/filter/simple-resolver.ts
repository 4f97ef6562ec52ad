// A resolver over a fixed set of columns of one table, for tests and simple internal tables.
// `col` is the column, `jsonCol.a.0.b` a JSON path, `arrayCol:each` the elements of a JSON
// array column (multi-valued: joined for the row, checked for all elements by a subquery).
import type { DialectName } from '../db/types.js';
import { FilterError } from './errors.js';
import { jsonEachJoin, jsonEachSource, jsonExtract } from './json-sql.js';
import type { FieldResolver, ResolvedField, ValueKind } from './resolver.js';

export type SimpleColumnKind = Exclude<ValueKind, 'unknown'> | 'array';

export interface SimpleResolverOptions {
  readonly dialect: DialectName;
  readonly table: string;
  /** Column name → kind. 'array' columns hold JSON arrays (JSON on SQLite, JSONB on PostgreSQL). */
  readonly columns: Readonly<Record<string, SimpleColumnKind>>;
  /** Primary key column used to correlate multi-match subqueries. Defaults to "id". */
  readonly idColumn?: string;
  /** Insertion-order column for `@rowid`, if any ("_rowid_" on SQLite tables). */
  readonly rowidColumn?: string;
}

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;

export class SimpleFieldResolver implements FieldResolver {
  private readonly joinList = new Map<string, string>();

  constructor(private readonly options: SimpleResolverOptions) {}

  /** The LEFT JOIN clauses the resolved names need, in order. */
  joins(): string[] {
    return [...this.joinList.values()];
  }

  rowid(): string | undefined {
    return this.options.rowidColumn ? `${q(this.options.table)}.${q(this.options.rowidColumn)}` : undefined;
  }

  resolve(name: string): ResolvedField {
    const { dialect, table, columns } = this.options;
    const [path, modifier, ...rest] = name.split(':');
    const [column = '', ...jsonPath] = (path ?? '').split('.');
    const kind = Object.hasOwn(columns, column) ? columns[column] : undefined;
    if (!kind || rest.length > 0) throw new FilterError('unknown_field', `Unknown field ${JSON.stringify(name.slice(0, 60))}.`);
    const ref = `${q(table)}.${q(column)}`;

    if (modifier === 'each' && kind === 'array' && jsonPath.length === 0) return this.each(column, ref);
    if (modifier !== undefined) throw new FilterError('unknown_field', `Unsupported modifier in ${JSON.stringify(name.slice(0, 60))}.`);
    if (jsonPath.length > 0 || kind === 'json' || kind === 'array') {
      if (kind !== 'json' && kind !== 'array') throw new FilterError('unknown_field', `Field ${JSON.stringify(column)} has no sub-fields.`);
      return { type: 'expression', sql: jsonExtract(dialect, ref, jsonPath), params: [], kind: 'json', nullFallback: 'disabled' };
    }
    const affinity = kind === 'number' || kind === 'bool' ? 'numeric' : 'text';
    return { type: 'expression', sql: ref, params: [], kind, affinity };
  }

  private each(column: string, ref: string): ResolvedField {
    const { dialect, table } = this.options;
    const id = q(this.options.idColumn ?? 'id');
    const alias = `__je_${column}`;
    this.joinList.set(alias, jsonEachJoin(dialect, jsonEachSource(dialect, ref, 'json'), alias));
    const mmTable = `__mm_${table}`;
    const mmAlias = `__mm_je_${column}`;
    const mmSource = jsonEachSource(dialect, `${q(mmTable)}.${q(column)}`, 'json');
    return {
      type: 'expression',
      sql: `${q(alias)}."value"`,
      params: [],
      kind: 'text',
      multiMatch: {
        value: { sql: `${q(mmAlias)}."value"`, params: [] },
        from: {
          sql: `FROM ${q(table)} ${q(mmTable)} ${jsonEachJoin(dialect, mmSource, mmAlias)} WHERE ${q(mmTable)}.${id} = ${q(table)}.${id}`,
          params: [],
        },
      },
    };
  }
}
