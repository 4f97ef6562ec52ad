// Builds access-checked statements with the record field resolver: one resolver per query
// compiles the rules (hidden fields allowed), then the client's filter and sort under the
// client's privileges; the resolver's joins and extra conditions complete the statement.
import { compileFilterText, compileSortKeys, isFilterError, parseSort, type Fragment, type SortKey } from '../../filter/index.js';
import type { DialectName, SqlValue } from '../../db/types.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, forbidden } from '../errors/index.js';
import type { Collection } from '../collections/model.js';
import type { AccessCompiler, AccessQueryInput, SqlStatement } from './access.js';
import type { RequestInfo } from './request-info.js';
import { RecordFieldResolver } from './resolver.js';
import { buildRecordCount, buildRecordSelect, buildRuleCheck, buildValuesSource } from './resolver-query.js';

export interface AccessCompilerDeps {
  dialect: DialectName;
  collections: { byNameOrId(ref: string): Collection | undefined };
  clock: Clock;
}

const RULE_LIMITS = { maxLength: 100_000 };
const EMPTY_REQUEST: RequestInfo = { auth: null, isSuperuser: false, method: 'GET', query: {}, headers: {}, body: {}, context: 'default' };

function failure(err: unknown, what: 'filter' | 'sort' | 'rule'): never {
  if (isFilterError(err)) {
    if (err.code === 'forbidden_field') throw forbidden(err.message);
    const message = what === 'sort' ? 'Invalid sort parameter.' : what === 'filter' ? 'Invalid filter parameters.' : 'Invalid rule.';
    throw new AppError('bad_request', message, {}, { cause: err });
  }
  throw err;
}

interface Compiled {
  resolver: RecordFieldResolver;
  where: Fragment[];
  sort: SortKey[];
  with?: Fragment;
}

export function createAccessCompiler(deps: AccessCompilerDeps): AccessCompiler {
  const { dialect, clock } = deps;
  const lookup = { byNameOrId: (ref: string) => deps.collections.byNameOrId(ref) };

  function compile(input: AccessQueryInput): Compiled {
    const candidateName = input.candidate ? `${input.collection.name}__pb_create` : undefined;
    const resolver = new RecordFieldResolver({
      dialect,
      collection: input.collection,
      lookup,
      request: input.request,
      allowHiddenFields: true,
      forbidRequestFields: false,
      clock,
      ...(candidateName ? { tableName: candidateName, valuesSource: true } : {}),
    });
    const where: Fragment[] = [];
    for (const rule of input.rules) {
      if (rule.trim() === '') continue;
      try {
        where.push(compileFilterText(rule, { resolver, dialect, clock, limits: RULE_LIMITS }));
      } catch (err) {
        failure(err, 'rule');
      }
    }
    resolver.allowHiddenFields = input.request.isSuperuser;
    resolver.forbidRequestFields = !input.request.isSuperuser;
    if (input.clientFilter && input.clientFilter.trim() !== '') {
      try {
        where.push(compileFilterText(input.clientFilter, { resolver, dialect, clock }));
      } catch (err) {
        failure(err, 'filter');
      }
    }
    let sort: SortKey[] = [];
    if (input.clientSort && input.clientSort.trim() !== '') {
      try {
        sort = compileSortKeys(parseSort(input.clientSort), { resolver, dialect });
      } catch (err) {
        failure(err, 'sort');
      }
    }
    if (input.where) where.push(...input.where(`"${resolver.alias.replaceAll('"', '""')}"`));
    const withClause = input.candidate
      ? buildValuesSource({ dialect, name: candidateName!, collection: input.collection, values: input.candidate })
      : undefined;
    return { resolver, where, sort, ...(withClause ? { with: withClause } : {}) };
  }

  const statement = (f: Fragment): SqlStatement => ({ sql: f.sql, params: [...f.params] as SqlValue[] });

  // Statements whose texts name no `@` value (no @request, no date macros) and no path (a
  // path may reach another collection whose list rule reads the request) depend only on the
  // collection, the texts and who asks, so they are reused. The cache is per collection
  // object: a schema change replaces every cached collection, and with it this.
  const cache = new WeakMap<Collection, Map<string, SqlStatement>>();
  const cacheKey = (input: AccessQueryInput, kind: string, page?: { limit: number; offset: number }): string | null => {
    if (input.where || input.candidate) return null;
    const texts = [...input.rules, input.clientFilter ?? '', input.clientSort ?? ''];
    if (texts.some((t) => t.includes('@') || t.includes('.') || t.includes('_via_'))) return null;
    const who = input.request.isSuperuser ? 'su' : `u:${String(input.request.auth?.values.id ?? '')}`;
    return JSON.stringify([kind, who, page?.limit, page?.offset, texts]);
  };
  const cached = (input: AccessQueryInput, key: string | null, build: () => SqlStatement): SqlStatement => {
    if (key === null) return build();
    let byKey = cache.get(input.collection);
    if (!byKey) {
      byKey = new Map();
      cache.set(input.collection, byKey);
    }
    let hit = byKey.get(key);
    if (!hit) {
      hit = build();
      if (byKey.size >= 500) byKey.clear();
      byKey.set(key, hit);
    }
    return { sql: hit.sql, params: [...hit.params] };
  };

  return {
    select(input, page) {
      return cached(input, cacheKey(input, 'select', page), () => buildSelect(input, page));
    },
    count(input) {
      return cached(input, cacheKey(input, 'count'), () => {
        const c = compile(input);
        return statement(buildRecordCount({ resolver: c.resolver, where: c.where, ...(c.with ? { with: c.with } : {}) }));
      });
    },
    exists(input) {
      const c = compile(input);
      return statement(buildRuleCheck({ resolver: c.resolver, where: c.where, ...(c.with ? { with: c.with } : {}) }));
    },
    checkRule(collection, rule) {
      compile({ collection, request: EMPTY_REQUEST, rules: [rule] }).resolver.finish();
    },
  };

  function buildSelect(input: AccessQueryInput, page?: { limit: number; offset: number }): SqlStatement {
    const c = compile(input);
    let sort = c.sort;
    if (sort.length === 0 && dialect === 'postgres' && input.collection.type !== 'view' && !input.candidate) {
      // SQLite returns unsorted rows in rowid order; the `_rowid` column gives PostgreSQL the same.
      sort = [{ expr: { sql: `${quote(c.resolver.alias)}."_rowid"`, params: [] }, order: 'ASC' }];
    }
    return statement(
      buildRecordSelect({
        resolver: c.resolver,
        where: c.where,
        sort,
        ...(page ? { limit: page.limit, offset: page.offset } : {}),
        ...(c.with ? { with: c.with } : {}),
      }),
    );
  }
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
