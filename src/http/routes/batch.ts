// POST /api/batch — transactional batch of record writes.
import type { Core } from '../../core/index.js';
import { parseBatchBody, runBatch } from '../../core/records/batch.js';
import { readBody, rejectFileParts } from '../body.js';
import { parseFieldsParam, pickFields } from '../../core/records/fields-picker.js';
import { requestInfo } from '../request-info.js';
import { respondJson } from '../respond.js';
import type { Route } from '../router.js';

const DEFAULT_BATCH_BODY = 128 << 20;

export function batchRoutes(core: Core): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/batch',
      async handler(ctx) {
        const settings = core.settings.get().batch;
        const data = rejectFileParts(await readBody(ctx.req, settings.maxBodySize > 0 ? settings.maxBodySize : DEFAULT_BATCH_BODY));
        const requests = settings.enabled ? parseBatchBody(data, settings) : [];
        const results = await runBatch(core, requests, {
          request: requestInfo(ctx),
          settings,
          present: (body, query) => {
            const fields = query.get('fields');
            return fields ? pickFields(body, parseFieldsParam(fields), false) : body;
          },
        });
        respondJson(ctx, 200, results);
      },
    },
  ];
}
