import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppError, ValidationError, fieldError } from '../core/errors/index.js';
import { STATUS_BY_CODE, toErrorBody } from './error-status.js';

test('the documented error catalog matches the code → status table', () => {
  const doc = readFileSync(resolve(import.meta.dirname, '../../docs/errors.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Codes'), doc.indexOf('## Common messages'));
  const documented: Record<string, number> = {};
  for (const match of section.matchAll(/^\| `(\w+)` \| (\d{3}) \|/gm)) documented[match[1]!] = Number(match[2]);
  assert.deepEqual(documented, STATUS_BY_CODE);
});

test('app errors render PocketBase bodies with sentence-cased messages', () => {
  const { body, internal } = toErrorBody(
    new ValidationError({ title: fieldError('validation_required', 'cannot be blank') }, 'failed to create record'),
  );
  assert.equal(internal, false);
  assert.deepEqual(body, {
    status: 400,
    message: 'Failed to create record.',
    data: { title: { code: 'validation_required', message: 'Cannot be blank.' } },
  });
  assert.equal(toErrorBody(new AppError('not_found')).body.status, 404);
});

test('unknown errors become a generic 500 without their text', () => {
  const { body, internal } = toErrorBody(new Error('SELECT * FROM secret_table failed'));
  assert.equal(internal, true);
  assert.deepEqual(body, { status: 500, message: 'Something went wrong while processing your request.', data: {} });
});
