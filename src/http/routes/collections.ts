// /api/collections — collection management (superusers only).
import type { Core } from '../../core/index.js';
import { CollectionInputError, fieldToJson, ViewQueryError } from '../../core/collections/index.js';
import { exportRecord } from '../../core/records/export.js';
import type { Collection } from '../../core/collections/model.js';
import { AppError, badRequest, notFound } from '../../core/errors/index.js';
import { compileFilterText, compileSort, isFilterError, parseSort, SimpleFieldResolver } from '../../filter/index.js';
import { parseListParams } from '../../core/records/list-params.js';
import { CollectionRequests, type CollectionsPage, type Reply } from '../../core/hooks/index.js';
import type { RequestInfo } from '../../core/rules/request-info.js';
import { readBody } from '../body.js';
import type { HttpContext } from '../context.js';
import { sendReply } from '../reply.js';
import { requestInfo } from '../request-info.js';
import { respondJson, sendNoContent } from '../respond.js';
import type { Route } from '../router.js';
import { requireSuperuser } from '../require-superuser.js';

function inputError(err: unknown): never {
  if (err instanceof CollectionInputError) throw badRequest(err.message);
  throw err;
}

export function collectionRoutes(core: Core, options: { bodyLimit: number }): Route[] {
  const requests = new CollectionRequests({ collections: core.collections, hooks: core.hooks, appFor: () => core.appFor() });
  const guarded = (handler: (ctx: HttpContext) => Promise<void>) => async (ctx: HttpContext) => {
    requireSuperuser(ctx);
    await handler(ctx);
  };
  return [
    {
      method: 'GET',
      path: '/api/collections',
      handler: guarded(async (ctx) => sendReply(ctx, await requests.list(requestInfo(ctx), await listCollections(core, ctx.query)))),
    },
    {
      method: 'POST',
      path: '/api/collections',
      handler: guarded(async (ctx) => {
        const { data } = await readBody(ctx.req, options.bodyLimit);
        await sendReply(ctx, await requests.create(requestInfo(ctx, data), data).catch(inputError));
      }),
    },
    {
      method: 'GET',
      path: '/api/collections/meta/scaffolds',
      handler: guarded(async (ctx) => respondJson(ctx, 200, core.collections.scaffolds())),
    },
    {
      method: 'POST',
      path: '/api/collections/meta/dry-run-view',
      handler: guarded(async (ctx) => {
        const { data } = await readBody(ctx.req, options.bodyLimit);
        const query = typeof data.query === 'string' ? data.query : '';
        if (query.trim() === '' || query.length > 5000) {
          throw new AppError('bad_request', 'An error occurred while validating the submitted data.', {
            query: { code: query.trim() === '' ? 'validation_required' : 'validation_length_out_of_range', message: query.trim() === '' ? 'Cannot be blank.' : 'The length must be between 0 and 5000.' },
          });
        }
        let result: Awaited<ReturnType<typeof core.collections.dryRunView>>;
        try {
          result = await core.collections.dryRunView(query);
        } catch (err) {
          if (err instanceof ViewQueryError) throw badRequest(`Invalid view query. Raw error: \n${err.message}`);
          throw err;
        }
        const sample = result.rows.map((values) => exportRecord({ collection: result.collection, values }, { showHidden: true, showEmail: true }));
        respondJson(ctx, 200, { fields: result.fields.map(fieldToJson), sample });
      }),
    },
    {
      method: 'PUT',
      path: '/api/collections/import',
      handler: guarded(async (ctx) => {
        const { data } = await readBody(ctx.req, options.bodyLimit);
        await sendReply(ctx, await importFromBody(requests, requestInfo(ctx, data), data));
      }),
    },
    {
      method: 'GET',
      path: '/api/collections/:collection',
      handler: guarded(async (ctx) => {
        const found = core.store.find(ctx.params.collection ?? '');
        if (!found) throw notFound();
        await sendReply(ctx, await requests.view(requestInfo(ctx), found));
      }),
    },
    {
      method: 'PATCH',
      path: '/api/collections/:collection',
      handler: guarded(async (ctx) => {
        if (!core.store.find(ctx.params.collection ?? '')) throw notFound();
        const { data } = await readBody(ctx.req, options.bodyLimit);
        await sendReply(ctx, await requests.update(requestInfo(ctx, data), ctx.params.collection!, data).catch(inputError));
      }),
    },
    {
      method: 'DELETE',
      path: '/api/collections/:collection',
      handler: guarded(async (ctx) => {
        const found = core.store.find(ctx.params.collection ?? '');
        if (!found) throw notFound();
        await sendReply(ctx, await requests.delete(requestInfo(ctx), found));
      }),
    },
    {
      method: 'DELETE',
      path: '/api/collections/:collection/truncate',
      handler: guarded(async (ctx) => {
        await core.records.truncate(ctx.params.collection ?? '');
        sendNoContent(ctx.res);
      }),
    },
  ];
}

/** The collections list: filter and sort over id, created, updated, name, system, type. */
async function listCollections(core: Core, query: URLSearchParams): Promise<{ collections: Collection[]; result: CollectionsPage }> {
  const params = parseListParams(query);
  const dialect = core.db.dialect.name;
  const resolver = new SimpleFieldResolver({
    dialect,
    table: '_collections',
    columns: { id: 'text', created: 'date', updated: 'date', name: 'text', system: 'bool', type: 'text' },
  });
  let where = '1=1';
  let whereParams: unknown[] = [];
  let order = '';
  try {
    if (params.filter) {
      const compiled = compileFilterText(params.filter, { resolver, dialect, clock: core.clock });
      where = compiled.sql;
      whereParams = [...compiled.params];
    }
    if (params.sort) order = compileSort(parseSort(params.sort), { resolver, dialect }).map((f) => f.sql).join(', ');
  } catch (err) {
    if (isFilterError(err)) throw badRequest(params.sort && !params.filter ? 'Invalid sort parameter.' : 'Invalid filter parameters.');
    throw err;
  }
  const rows = await core.db.all<{ id: string }>(
    `SELECT "_collections"."id" AS "id" FROM "_collections" WHERE ${where} ORDER BY ${order ? `${order}, ` : ''}${dialect === 'sqlite' ? '"_collections"._rowid_' : '"_collections"."_rowid"'} LIMIT ? OFFSET ?`,
    [...(whereParams as never[]), params.perPage, params.perPage * (params.page - 1)],
  );
  let totalItems = -1;
  let totalPages = -1;
  if (!params.skipTotal) {
    const count = await core.db.get<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "_collections" WHERE ${where}`, whereParams as never[]);
    totalItems = Number(count?.n ?? 0);
    totalPages = Math.ceil(totalItems / params.perPage);
  }
  const collections = rows.map((r) => core.store.find(r.id)).filter((c): c is Collection => c !== undefined);
  return { collections, result: { page: params.page, perPage: params.perPage, totalItems, totalPages } };
}

async function importFromBody(requests: CollectionRequests, info: RequestInfo, data: Record<string, unknown>): Promise<Reply> {
  const list = data.collections;
  if (!Array.isArray(list) || list.length === 0) {
    throw new AppError('bad_request', 'An error occurred while validating the submitted data.', {
      collections: { code: 'validation_required', message: 'Cannot be blank.' },
    });
  }
  return requests.import(info, { collectionsData: list, deleteMissing: data.deleteMissing === true }).catch(inputError);
}
