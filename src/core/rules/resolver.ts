// The record field resolver: maps filter identifiers to SQL over a collection's records —
// fields, relation paths (joins), back relations (`<collection>_via_<field>`),
// `@collection.<name>[:alias].*`, `@request.*` and the modifiers :isset :changed :length
// :each :lower — with PocketBase's semantics. One resolver serves a whole query: compile
// the rule(s) with hidden fields allowed, switch `allowHiddenFields` to the client's
// privilege, compile the client filter and sort, then call `finish()` for the joins and
// the extra conditions (list rules of collections the client filter reached).
import type { DialectName, SqlValue } from '../../db/types.js';
import {
  compileFilterText,
  FilterError,
  type FieldResolver,
  type Fragment,
  type ResolvedField,
} from '../../filter/index.js';
import { systemClock, type Clock } from '../../lib/clock.js';
import { crc32 } from '../../lib/crc32.js';
import type { Collection } from '../collections/model.js';
import { q, safeAlias } from './resolver-fields.js';
import { PathRunner } from './resolver-paths.js';
import { staticRequestMap } from './resolver-request.js';
import type { RequestInfo } from './request-info.js';

/** Finds collections by name or id (the resolver's only view of the schema). */
export interface CollectionLookup {
  byNameOrId(nameOrId: string): Collection | undefined;
}

export interface RecordResolverOptions {
  readonly dialect: DialectName;
  readonly collection: Collection;
  readonly lookup: CollectionLookup;
  /** `@request.*` values; without it every `@request.*` is NULL. */
  readonly request?: RequestInfo | null;
  /** Hidden fields usable and joined collections' list rules ignored (rules, superusers). Mutable later. */
  readonly allowHiddenFields?: boolean;
  /** Refuse `@request.*` and `@collection.*` (client filters of non-superusers). Mutable later. */
  readonly forbidRequestFields?: boolean;
  /** What the main collection is read FROM: its table (default) or a CTE name. */
  readonly tableName?: string;
  /** Alias of the main source in the query (default: `tableName`). */
  readonly alias?: string;
  /** The main source is a CTE of bound values (create rule): its columns have no SQLite affinity. */
  readonly valuesSource?: boolean;
  /** Clock for date macros inside list rules compiled by `finish()`. */
  readonly clock?: Clock;
  /** Appended to join aliases (used for the list-rule sub-resolvers). */
  readonly joinAliasSuffix?: string;
}

/** What the caller adds to its SELECT once every rule, filter and sort is compiled. */
export interface ResolverOutput {
  /** `LEFT JOIN …` clauses (with their bound values) to put after `FROM <table> <alias>`. */
  readonly joins: Fragment;
  /** Extra WHERE conditions to AND (list rules of collections reached by client filters). */
  readonly conditions: readonly Fragment[];
  /** Joins can repeat main rows: select DISTINCT (or count distinct ids). */
  readonly distinct: boolean;
  /** Collections the expressions reached through joins (relations, back relations, @collection, auth). */
  readonly crossed: readonly Collection[];
}

interface JoinEntry {
  readonly sql: string;
  readonly params: readonly SqlValue[];
}

export class RecordFieldResolver implements FieldResolver {
  readonly dialect: DialectName;
  readonly collection: Collection;
  readonly lookup: CollectionLookup;
  readonly request: RequestInfo | null;
  readonly tableName: string;
  readonly alias: string;
  readonly valuesSource: boolean;
  readonly joinAliasSuffix: string;
  allowHiddenFields: boolean;
  forbidRequestFields: boolean;
  /** `@request.*` lookup map, built once. */
  readonly staticRequest: Record<string, unknown> | null;

  private readonly clock: Clock;
  private readonly joinList = new Map<string, JoinEntry>();
  private readonly ruleJoins = new Map<string, Collection>();
  private readonly crossedById = new Map<string, Collection>();
  private output: ResolverOutput | undefined;

  constructor(options: RecordResolverOptions) {
    this.dialect = options.dialect;
    this.collection = options.collection;
    this.lookup = options.lookup;
    this.request = options.request ?? null;
    this.tableName = options.tableName ?? options.collection.name;
    this.alias = options.alias ?? this.tableName;
    this.valuesSource = options.valuesSource ?? false;
    this.joinAliasSuffix = options.joinAliasSuffix ?? '';
    this.allowHiddenFields = options.allowHiddenFields ?? false;
    this.forbidRequestFields = options.forbidRequestFields ?? false;
    this.clock = options.clock ?? systemClock;
    this.staticRequest = this.request ? staticRequestMap(this.request) : null;
  }

  resolve(name: string): ResolvedField {
    if (this.output) throw new Error('RecordFieldResolver: resolve() after finish()');
    return new PathRunner(this, name).run();
  }

  rowid(): string | undefined {
    if (this.collection.type === 'view' || this.valuesSource) return undefined;
    return `${q(this.alias)}.${q(this.dialect === 'sqlite' ? '_rowid_' : '_rowid')}`;
  }

  /** The collection a relation points to (the main one by its name or id first). */
  loadCollection(nameOrId: string): Collection | undefined {
    if (nameOrId === this.collection.name || nameOrId === this.collection.id) return this.collection;
    return this.lookup.byNameOrId(nameOrId);
  }

  /** A join alias that is safe on the dialect (PostgreSQL truncates long identifiers). */
  safeAlias(alias: string): string {
    return safeAlias(this.dialect, alias, crc32);
  }

  /**
   * Registers a join (replacing one with the same alias in place). When `collection` is a
   * collection table and hidden fields are not allowed, its list rule decides: superuser
   * only (null) refuses the expression, a non-empty rule is added by `finish()`.
   */
  registerJoin(alias: string, join: JoinEntry, collection?: Collection): void {
    if (collection) {
      this.crossedById.set(collection.id, collection);
      if (!this.allowHiddenFields) {
        if (collection.listRule === null) {
          throw new FilterError('not_filterable', `Fields of the collection ${JSON.stringify(collection.name)} can be filtered only by superusers.`);
        }
        this.ruleJoins.set(alias, collection);
      }
    }
    this.joinList.set(alias, join);
  }

  /** Compiles a helper expression with this resolver (the `:changed` modifier). */
  compileWithThis(text: string): Fragment {
    return compileFilterText(text, { resolver: this, dialect: this.dialect, clock: this.clock, limits: { maxLength: 100_000 } });
  }

  /** Joins and extra conditions; call once, after every compile that uses this resolver. */
  finish(): ResolverOutput {
    if (this.output) return this.output;
    const conditions: Fragment[] = [];
    const extraJoins: JoinEntry[] = [];
    if (!this.allowHiddenFields) {
      let n = 0;
      for (const [alias, collection] of this.ruleJoins) {
        if (collection.listRule === null || collection.listRule === '') continue;
        n++;
        const sub = new RecordFieldResolver({
          dialect: this.dialect,
          collection,
          lookup: this.lookup,
          request: this.request,
          allowHiddenFields: true,
          tableName: collection.name,
          alias,
          clock: this.clock,
          joinAliasSuffix: `${this.joinAliasSuffix}_lr${n}`,
        });
        // `id = ''` keeps rows whose relation is empty (the joined row is all NULL), so that
        // "a.x != '' || b.y != ''" still holds when only one side is set.
        conditions.push(
          compileFilterText(`id='' || (\n${collection.listRule}\n)`, {
            resolver: sub,
            dialect: this.dialect,
            clock: this.clock,
            limits: { maxLength: 100_000 },
          }),
        );
        const subOutput = sub.finish();
        if (subOutput.joins.sql !== '') extraJoins.push(subOutput.joins);
      }
    }
    const joins = [...this.joinList.values(), ...extraJoins];
    this.output = {
      joins: {
        sql: joins.map((j) => j.sql).join(' '),
        params: joins.flatMap((j) => [...j.params]),
      },
      conditions,
      distinct: joins.length > 0,
      crossed: [...this.crossedById.values()],
    };
    return this.output;
  }
}
