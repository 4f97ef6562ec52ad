// Shared parts of the attack suites (test/auth/attacks-*.test.ts): an in-process app whose
// config a suite can tighten (a small body limit), a superuser client, raw requests that keep
// the status and parsed body, PocketBase's error body check, and a snapshot of every table so
// a test can prove a refused request changed nothing.
import assert from 'node:assert/strict';
import PocketBase from 'pocketbase';
import type { PlinthApp } from '../../src/app/index.js';
import type { DialectName } from '../../src/db/types.js';
import { startTestApp } from '../support/app.js';

export const DIALECTS = ['sqlite', 'postgres'] as const;
export const ADMIN = { email: 'attack-admin@example.com', password: 'admin-password-123' };
export const PASSWORD = 'user-password-123';

export interface AttackEnv {
  app: PlinthApp;
  url: string;
  /** An SDK client signed in as a superuser. */
  admin: PocketBase;
  close(): Promise<void>;
}

export async function startAttackApp(dialect: DialectName, options: { bodyLimit?: number } = {}): Promise<AttackEnv> {
  const bodyLimit = options.bodyLimit === undefined ? undefined : String(options.bodyLimit);
  const { app, url, close } = await startTestApp(dialect, { bodyLimit });
  await app.core.superusers.upsert(ADMIN.email, ADMIN.password);
  const admin = new PocketBase(url);
  await admin.collection('_superusers').authWithPassword(ADMIN.email, ADMIN.password);
  return { app, url, admin, close };
}

export interface RawResponse {
  status: number;
  text: string;
  /** The parsed JSON body, or null when there is none (204) or it is not JSON. */
  body: Record<string, unknown> | null;
}

export interface RawRequest {
  method?: string;
  /** A JSON value (serialised here) or, as `raw`, the exact bytes to send. */
  json?: unknown;
  raw?: string | Buffer;
  token?: string;
  contentType?: string;
}

export async function send(env: { url: string }, path: string, request: RawRequest = {}): Promise<RawResponse> {
  const headers: Record<string, string> = {};
  if (request.token !== undefined) headers.authorization = request.token;
  let body: string | Buffer | undefined;
  if (request.json !== undefined) body = JSON.stringify(request.json);
  if (request.raw !== undefined) body = request.raw;
  if (body !== undefined) headers['content-type'] = request.contentType ?? 'application/json';
  const res = await fetch(`${env.url}${path}`, { method: request.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  const text = await res.text();
  let parsed: Record<string, unknown> | null = null;
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : null;
  } catch {
    parsed = null;
  }
  return { status: res.status, text, body: parsed };
}

/**
 * PocketBase's error body: exactly `{data, message, status}` with the given status, a message
 * (the exact one when given), an object for `data`, and no SQL or stack trace in it.
 */
export function assertErrorBody(res: RawResponse, status: number, message?: string | RegExp): Record<string, unknown> {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.text.slice(0, 300)}`);
  const body = res.body;
  assert.ok(body, `not a JSON body: ${res.text.slice(0, 300)}`);
  assert.deepEqual(Object.keys(body).sort(), ['data', 'message', 'status'], res.text.slice(0, 300));
  assert.equal(body.status, status);
  assert.equal(typeof body.message, 'string');
  if (typeof message === 'string') assert.equal(body.message, message);
  else if (message) assert.match(body.message as string, message);
  assert.ok(body.data !== null && typeof body.data === 'object' && !Array.isArray(body.data), res.text);
  assertNoLeak(res.text);
  return body.data as Record<string, unknown>;
}

export function assertNoLeak(text: string): void {
  assert.doesNotMatch(text, /\bSELECT\b[\s\S]*\bFROM\b|INSERT INTO|SQLITE_|syntax error|invalid byte sequence|\.ts:\d+|at \w+ \(/i);
}

/** The `code` of a field error in `data`. */
export function fieldCode(data: Record<string, unknown>, field: string): string | undefined {
  const entry = data[field] as { code?: string } | undefined;
  return entry?.code;
}

/**
 * Every row of every table that holds records or auth state, in a stable order. Two equal
 * snapshots mean nothing was written in between (tokens keys, passwords, flags, counts).
 */
export async function snapshot(app: PlinthApp): Promise<string> {
  const q = app.db.dialect.quoteIdent;
  const tables = app.core.registry
    .all()
    .filter((c) => c.type !== 'view')
    .map((c) => c.name)
    .sort();
  const out: Record<string, unknown[]> = {};
  for (const table of [...tables, '_collections']) {
    out[table] = await app.db.all(`SELECT * FROM ${q(table)} ORDER BY ${q('id')}`);
  }
  return JSON.stringify(out);
}

/** Runs `attack` and asserts that every table reads the same afterwards. */
export async function unchanged<T>(app: PlinthApp, attack: () => Promise<T>): Promise<T> {
  const before = await snapshot(app);
  const result = await attack();
  const after = await snapshot(app);
  if (after !== before) assert.fail(`the database changed:\n${firstDifference(before, after)}`);
  return result;
}

function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `before: …${a.slice(Math.max(0, i - 120), i + 120)}…\nafter:  …${b.slice(Math.max(0, i - 120), i + 120)}…`;
}

export interface TestUser {
  id: string;
  email: string;
  token: string;
}

/** Creates an auth record as a superuser (with `extra` fields) and signs it in. */
export async function createUser(
  env: AttackEnv,
  collection: string,
  email: string,
  extra: Record<string, unknown> = {},
): Promise<TestUser> {
  const record = await env.admin.collection(collection).create({ email, password: PASSWORD, passwordConfirm: PASSWORD, ...extra });
  const client = new PocketBase(env.url);
  const auth = await client.collection(collection).authWithPassword(email, PASSWORD);
  return { id: record.id, email, token: auth.token };
}

/** A stored row, read directly (hidden fields included). */
export async function storedRow(app: PlinthApp, table: string, id: string): Promise<Record<string, unknown>> {
  const row = await app.db.get<Record<string, unknown>>(`SELECT * FROM ${app.db.dialect.quoteIdent(table)} WHERE "id" = ?`, [id]);
  assert.ok(row, `no ${table} row ${id}`);
  return row;
}
