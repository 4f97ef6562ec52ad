// POST /api/batch — transactional batch of record writes.
import type { Core } from '../../core/index.js';
import { parseBatchBody, runBatch, type BatchRequest } from '../../core/records/batch.js';
import { BatchRequestEvent, type Reply } from '../../core/hooks/index.js';
import { attachBatchUploads } from '../../core/files/uploads.js';
import { withUploads } from '../upload-body.js';
import { parseFieldsParam, pickFields } from '../../core/records/fields-picker.js';
import { sendReply } from '../reply.js';
import { requestInfo } from '../request-info.js';
import type { Route } from '../router.js';

const DEFAULT_BATCH_BODY = 128 << 20;

export function batchRoutes(core: Core): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/batch',
      async handler(ctx) {
        const settings = core.settings.get().batch;
        const limit = settings.maxBodySize > 0 ? settings.maxBodySize : DEFAULT_BATCH_BODY;
        // The batch limit covers the whole body, files included; one file may use all of it.
        const reply = await withUploads(ctx.req, { limit, multipartLimit: limit, fileLimit: limit }, async (body, uploads): Promise<Reply> => {
          const requests = settings.enabled ? parseBatchBody(body.data, settings) : [];
          attachBatchUploads(
            requests.map((r) => (r.body ??= {})),
            uploads,
          );
          const run = async (batch: BatchRequest[]): Promise<Reply> => {
            const results = await runBatch({ ...core, writes: core.recordRequests.batchWrites() }, batch, {
              request: requestInfo(ctx),
              settings,
              present: (result, query) => {
                const fields = query.get('fields');
                return fields ? pickFields(result, parseFieldsParam(fields), false) : result;
              },
            });
            return { kind: 'json', status: 200, body: results };
          };
          // A disabled batch API is refused before any handler hears of it.
          const hook = core.hooks.batchRequest;
          if (hook.length === 0 || !settings.enabled) return run(requests);
          const event = new BatchRequestEvent(core.appFor(), requestInfo(ctx), requests);
          await hook.trigger(event, async (e) => {
            e.reply = await run(e.batch);
          });
          return event.reply ?? { kind: 'noContent', status: 204 };
        });
        await sendReply(ctx, reply);
      },
    },
  ];
}
