// POST /api/batch: several record writes in one transaction. Each sub-request goes through
// the same rules, validation and responses as its standalone endpoint; the first failure
// rolls everything back and is reported under `data.requests.<index>`.
import { DbError } from '../../db/errors.js';
import type { Database, Executor } from '../../db/types.js';
import { AppError, apiErrorParts, badRequest, fieldError, forbidden, isAppError, STATUS_BY_CODE, type ErrorData } from '../errors/index.js';
import type { RequestInfo } from '../rules/request-info.js';
import type { RecordService } from './service.js';

export interface BatchSettings {
  enabled: boolean;
  maxRequests: number;
  /** Seconds. */
  timeout: number;
  /** Bytes; 0 = the default (128 MiB). */
  maxBodySize: number;
}

export interface BatchRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: Record<string, unknown>;
}

export interface BatchResult {
  status: number;
  body: unknown;
}

/**
 * How sub-requests are carried out: the record API's own requests (with their request hooks),
 * answering a status and a body.
 */
export interface BatchWrites {
  create(ref: string, request: RequestInfo, body: Record<string, unknown>, options: { exec: Executor; expand: string | null }): Promise<BatchResult>;
  update(
    target: { ref: string; id: string },
    request: RequestInfo,
    body: Record<string, unknown>,
    options: { exec: Executor; expand: string | null },
  ): Promise<BatchResult>;
  delete(target: { ref: string; id: string }, request: RequestInfo, options: { exec: Executor }): Promise<BatchResult>;
}

/** Sub-requests straight through the records service (no request hooks). */
export function serviceWrites(records: RecordService): BatchWrites {
  return {
    create: async (ref, request, body, options) => ({ status: 200, body: await records.create(ref, request, body, options) }),
    update: async (target, request, body, options) => ({ status: 200, body: await records.update(target, request, body, options) }),
    delete: async (target, request, options) => {
      await records.delete(target.ref, target.id, request, options);
      return { status: 204, body: null };
    },
  };
}

/** A sub-request's JSON after the caller applies its own `fields` picking. */
export type BatchPresenter = (body: unknown, query: URLSearchParams) => unknown;

type Action =
  | { kind: 'upsert' | 'create'; collection: string; query: URLSearchParams }
  | { kind: 'update' | 'delete'; collection: string; id: string; query: URLSearchParams };

const ROUTES: Array<[RegExp, Action['kind']]> = [
  [/^PUT \/api\/collections\/([^/?]+)\/records(\?.*)?$/, 'upsert'],
  [/^POST \/api\/collections\/([^/?]+)\/records(\?.*)?$/, 'create'],
  [/^PATCH \/api\/collections\/([^/?]+)\/records\/([^/?]+)(\?.*)?$/, 'update'],
  [/^DELETE \/api\/collections\/([^/?]+)\/records\/([^/?]+)(\?.*)?$/, 'delete'],
];

function parseAction(request: BatchRequest): Action | null {
  const line = `${String(request.method ?? '').toUpperCase()} ${String(request.url ?? '')}`;
  for (const [pattern, kind] of ROUTES) {
    const m = pattern.exec(line);
    if (!m) continue;
    const decode = (s: string) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    };
    const queryText = (kind === 'update' || kind === 'delete' ? m[3] : m[2]) ?? '';
    const query = new URLSearchParams(queryText.replace(/^\?/, ''));
    if (kind === 'update' || kind === 'delete') return { kind, collection: decode(m[1]!), id: decode(m[2]!), query };
    return { kind, collection: decode(m[1]!), query };
  }
  return null;
}

/** Validates the envelope `{requests: [...]}` before anything runs. */
export function parseBatchBody(data: Record<string, unknown>, settings: BatchSettings): BatchRequest[] {
  const raw = data.requests;
  const invalid = (err: ErrorData) => new AppError('bad_request', 'Invalid batch request data.', err);
  if (raw !== undefined && !Array.isArray(raw)) throw badRequest('Failed to read the submitted batch data.');
  const list = (raw ?? []) as unknown[];
  if (list.length === 0) throw invalid({ requests: fieldError('validation_required', 'Cannot be blank.') });
  if (list.length > settings.maxRequests) {
    throw invalid({
      requests: fieldError('validation_length_too_long', `The length must be no more than ${settings.maxRequests}.`, {
        max: settings.maxRequests,
      }),
    });
  }
  return list.map((item) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw badRequest('Failed to read the submitted batch data.');
    const r = item as Record<string, unknown>;
    const body = r.body;
    if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body))) {
      throw badRequest('Failed to read the submitted batch data.');
    }
    return {
      method: String(r.method ?? ''),
      url: String(r.url ?? ''),
      headers: (r.headers ?? {}) as Record<string, string>,
      body: (body ?? {}) as Record<string, unknown>,
    };
  });
}

export async function runBatch(
  deps: { db: Database; records: RecordService; writes?: BatchWrites },
  requests: BatchRequest[],
  options: { request: RequestInfo; settings: BatchSettings; present: BatchPresenter; now?: () => number },
): Promise<BatchResult[]> {
  if (!options.settings.enabled || options.settings.maxRequests <= 0) throw forbidden('Batch requests are not allowed.');
  const now = options.now ?? Date.now;
  const deadline = now() + Math.max(1, options.settings.timeout || 3) * 1000;
  let index = 0;
  try {
    return await deps.records.transaction(async (tx) => {
      const results: BatchResult[] = [];
      for (index = 0; index < requests.length; index++) {
        const remaining = Math.ceil(deadline - now());
        if (remaining <= 0) throw badRequest(BATCH_TIMEOUT);
        // PostgreSQL cancels a statement that would outlive the batch; SQLite runs each
        // statement to its end, so there the limit applies between sub-requests.
        if (tx.dialect.name === 'postgres') await tx.run(`SET LOCAL statement_timeout = ${remaining}`);
        results.push(await runOne(tx, { records: deps.records, writes: deps.writes ?? serviceWrites(deps.records) }, requests[index]!, options));
      }
      return results;
    });
  } catch (err) {
    const response = isAppError(err) ? err : isStatementTimeout(err) ? badRequest(BATCH_TIMEOUT) : badRequest();
    throw new AppError('bad_request', 'Batch transaction failed.', {
      requests: {
        [String(index)]: {
          code: 'batch_request_failed',
          message: 'Batch request failed.',
          response: { data: response.data, message: response.message, status: statusOf(response) },
        } as unknown as ErrorData,
      },
    });
  }
}


const BATCH_TIMEOUT = 'Batch transaction timeout.';

/** PostgreSQL's query_canceled, raised when `statement_timeout` runs out. */
function isStatementTimeout(err: unknown): boolean {
  return err instanceof DbError && err.code === '57014';
}

function statusOf(err: AppError): number {
  return apiErrorParts(err)?.status ?? STATUS_BY_CODE[err.code];
}

async function runOne(
  tx: Executor,
  deps: { records: RecordService; writes: BatchWrites },
  item: BatchRequest,
  options: { request: RequestInfo; present: BatchPresenter },
): Promise<BatchResult> {
  const { records, writes } = deps;
  const action = parseAction(item);
  if (!action) throw badRequest('Unknown batch request action.');
  const body = item.body ?? {};
  const query: Record<string, string> = {};
  for (const [k, v] of action.query) if (!(k in query)) query[k] = v;
  const request: RequestInfo = { ...options.request, method: item.method.toUpperCase(), body, query, context: 'batch' };
  const expand = action.query.get('expand');
  const presented = (result: BatchResult): BatchResult =>
    result.body === null ? result : { status: result.status, body: options.present(result.body, action.query) };
  switch (action.kind) {
    case 'create':
      return presented(await writes.create(action.collection, request, body, { exec: tx, expand }));
    case 'upsert': {
      const id = body.id === undefined || body.id === null ? '' : String(body.id);
      const collection = records.collection(action.collection);
      const exists = id !== '' && (await tx.get(`SELECT 1 AS "x" FROM ${tx.dialect.quoteIdent(collection.name)} WHERE "id" = ?`, [id]));
      const result = exists
        ? await writes.update({ ref: action.collection, id }, { ...request, method: 'PATCH' }, body, { exec: tx, expand })
        : await writes.create(action.collection, { ...request, method: 'POST' }, body, { exec: tx, expand });
      return presented(result);
    }
    case 'update':
      return presented(await writes.update({ ref: action.collection, id: action.id }, request, body, { exec: tx, expand }));
    case 'delete':
      return writes.delete({ ref: action.collection, id: action.id }, request, { exec: tx });
  }
}
