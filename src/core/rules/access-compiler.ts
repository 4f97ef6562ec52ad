// Builds the SQL pieces of an access-checked SELECT: rules ANDed with the client's filter,
// the client's sort, and the joins they need. Filter language errors become 400s.
import { compileFilterText, compileSort, isFilterError, parseSort, type Fragment } from '../../filter/index.js';
import type { Clock } from '../../lib/clock.js';
import { AppError, forbidden } from '../errors/index.js';
import type { AccessCompiler, AccessQuery, AccessQueryInput } from './access.js';
import { RecordFieldResolver } from './record-fields.js';
import type { Collection } from '../collections/model.js';

export interface AccessCompilerDeps {
  collections: { byNameOrId(ref: string): Collection | undefined; byId(id: string): Collection | undefined };
  clock: Clock;
}

function filterFailure(err: unknown, what: 'filter' | 'sort' | 'rule'): never {
  if (isFilterError(err)) {
    if (err.code === 'forbidden_field') throw forbidden(err.message);
    const message = what === 'sort' ? 'Invalid sort parameter.' : what === 'filter' ? 'Invalid filter parameters.' : 'Invalid rule.';
    throw new AppError('bad_request', message, {}, { cause: err });
  }
  throw err;
}

export function createAccessCompiler(deps: AccessCompilerDeps): AccessCompiler {
  return {
    compile(input: AccessQueryInput, dialect): AccessQuery {
      const alias = input.alias ?? input.collection.name;
      const base = { dialect, collection: input.collection, alias, request: input.request, lookup: deps.collections };
      // Rules may use everything; the client's filter and sort are restricted.
      const ruleResolver = new RecordFieldResolver({ ...base, allowHidden: true, clientFilter: false });
      const clientResolver = new RecordFieldResolver({
        ...base,
        allowHidden: input.request.isSuperuser,
        clientFilter: !input.request.isSuperuser,
      });
      const where: Fragment[] = [];
      for (const rule of input.rules) {
        if (rule.trim() === '') continue;
        try {
          where.push(compileFilterText(rule, { resolver: ruleResolver, dialect, clock: deps.clock }));
        } catch (err) {
          filterFailure(err, 'rule');
        }
      }
      if (input.clientFilter && input.clientFilter.trim() !== '') {
        try {
          where.push(compileFilterText(input.clientFilter, { resolver: clientResolver, dialect, clock: deps.clock }));
        } catch (err) {
          filterFailure(err, 'filter');
        }
      }
      let order: Fragment[] = [];
      if (input.clientSort && input.clientSort.trim() !== '') {
        try {
          order = compileSort(parseSort(input.clientSort), { resolver: clientResolver, dialect });
        } catch (err) {
          filterFailure(err, 'sort');
        }
      }
      const joins = [ruleResolver.joins(), clientResolver.joins()].filter((j) => j !== '').join(' ');
      return {
        joins,
        where: where.length === 0 ? '1=1' : where.map((f) => `(${f.sql})`).join(' AND '),
        whereParams: where.flatMap((f) => [...f.params]),
        orderBy: order.map((f) => f.sql),
        orderParams: order.flatMap((f) => [...f.params]),
        distinct: ruleResolver.multiplies || clientResolver.multiplies,
      };
    },
  };
}
