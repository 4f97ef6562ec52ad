// Test support for the record resolver suites (not a test itself): a small schema in
// PocketBase's collection shape, its tables on either engine, and seeded rows.
import type { Database, DialectName, SqlValue } from '../../db/types.js';
import { POSTGRES_FILTER_FUNCTIONS_SQL } from '../../filter/index.js';
import type { Collection, Field } from '../collections/model.js';
import type { RecordModel } from '../records/record.js';
import type { CollectionLookup } from './resolver.js';
import type { RequestInfo } from './request-info.js';

const common = { system: false, hidden: false, presentable: false };

export const f = {
  id: (): Field => ({ ...common, help: '', id: 'f_id', name: 'id', type: 'text', system: true, min: 15, max: 15, pattern: '', autogeneratePattern: '', required: true, primaryKey: true }),
  text: (name: string, hidden = false): Field => ({ ...common, help: '', hidden, id: `f_${name}`, name, type: 'text', min: 0, max: 0, pattern: '', autogeneratePattern: '', required: false, primaryKey: false }),
  email: (name: string): Field => ({ ...common, help: '', id: `f_${name}`, name, type: 'email', exceptDomains: null, onlyDomains: null, required: false }),
  number: (name: string): Field => ({ ...common, help: '', id: `f_${name}`, name, type: 'number', min: null, max: null, onlyInt: false, required: false }),
  bool: (name: string): Field => ({ ...common, help: '', id: `f_${name}`, name, type: 'bool', required: false }),
  json: (name: string): Field => ({ ...common, help: '', id: `f_${name}`, name, type: 'json', maxSize: 0, required: false }),
  geo: (name: string): Field => ({ ...common, help: '', id: `f_${name}`, name, type: 'geoPoint', required: false }),
  autodate: (name: string): Field => ({ ...common, id: `f_${name}`, name, type: 'autodate', onCreate: true, onUpdate: false }),
  password: (name: string): Field => ({ ...common, help: '', hidden: true, id: `f_${name}`, name, type: 'password', pattern: '', min: 0, max: 0, cost: 0, required: false }),
  select: (name: string, maxSelect: number): Field => ({ ...common, help: '', id: `f_${name}`, name, type: 'select', values: ['a', 'b', 'c'], maxSelect, required: false }),
  relation: (name: string, collectionId: string, maxSelect: number): Field => ({
    ...common,
    help: '',
    id: `f_${name}`,
    name,
    type: 'relation',
    collectionId,
    cascadeDelete: false,
    minSelect: 0,
    maxSelect,
    required: false,
  }),
};

function collection(c: Partial<Collection> & Pick<Collection, 'id' | 'name' | 'fields'>): Collection {
  return {
    type: 'base',
    system: false,
    indexes: [],
    listRule: '',
    viewRule: '',
    createRule: '',
    updateRule: '',
    deleteRule: '',
    created: '',
    updated: '',
    ...c,
  };
}

export const users = collection({
  id: 'c_users',
  name: 'users',
  type: 'auth',
  fields: [
    f.id(),
    f.email('email'),
    f.bool('emailVisibility'),
    f.bool('verified'),
    f.password('password'),
    f.text('tokenKey', true),
    f.text('name'),
    f.relation('fav', 'c_posts', 1),
  ],
});

export const posts = collection({
  id: 'c_posts',
  name: 'posts',
  fields: [
    f.id(),
    f.text('title'),
    f.number('views'),
    f.bool('published'),
    f.select('tags', 3),
    f.select('kind', 1),
    f.relation('author', 'c_users', 1),
    f.relation('editors', 'c_users', 5),
    f.relation('related', 'c_posts', 9),
    f.json('data'),
    f.geo('location'),
    f.autodate('created'),
    f.text('secret', true),
  ],
});

export const comments = collection({
  id: 'c_comments',
  name: 'comments',
  listRule: "message != 'hidden'",
  fields: [f.id(), f.relation('post', 'c_posts', 1), f.text('message'), f.number('likes')],
});

export const secrets = collection({
  id: 'c_secrets',
  name: 'secrets',
  listRule: null,
  fields: [f.id(), f.relation('post', 'c_posts', 1), f.text('code')],
});

export const reviews = collection({
  id: 'c_reviews',
  name: 'reviews',
  indexes: ['CREATE UNIQUE INDEX `idx_reviews_main` ON `reviews` (`main`)'],
  fields: [f.id(), f.relation('posts', 'c_posts', 9), f.relation('main', 'c_posts', 1), f.number('score')],
});

export const COLLECTIONS: readonly Collection[] = [users, posts, comments, secrets, reviews];

export const lookup: CollectionLookup = {
  byNameOrId: (ref) => COLLECTIONS.find((c) => c.id === ref || c.name === ref),
};

type Row = Record<string, SqlValue | object | boolean>;

export const ROWS: Record<string, Row[]> = {
  users: [
    { id: 'u1', email: 'a@x.com', emailVisibility: true, verified: true, password: 'h1', tokenKey: 'k1', name: 'Alice', fav: 'p2' },
    { id: 'u2', email: 'b@x.com', emailVisibility: false, verified: false, password: 'h2', tokenKey: 'k2', name: 'Bob', fav: '' },
    { id: 'u3', email: 'c@x.com', emailVisibility: true, verified: false, password: 'h3', tokenKey: 'k3', name: '', fav: 'p1' },
  ],
  posts: [
    { id: 'p1', title: 'Hello', views: 10, published: true, tags: ['a', 'b'], kind: 'a', author: 'u1', editors: ['u1', 'u2'], related: ['p2'], data: { x: 1, s: 'hi' }, location: { lon: 1, lat: 2 }, created: '2024-01-01 00:00:00.000Z', secret: 's1' },
    { id: 'p2', title: 'World', views: 0, published: false, tags: ['b'], kind: 'b', author: 'u2', editors: ['u2'], related: [], data: { x: 2 }, location: { lon: 0, lat: 0 }, created: '2024-02-01 00:00:00.000Z', secret: 's2' },
    { id: 'p3', title: '', views: 5.5, published: true, tags: [], kind: '', author: '', editors: [], related: ['p1', 'p2'], data: null, location: { lon: 0, lat: 0 }, created: '2024-03-01 00:00:00.000Z', secret: '' },
    { id: 'p4', title: 'hello again', views: 100, published: false, tags: ['a'], kind: 'c', author: 'u3', editors: ['u1'], related: ['p4'], data: { x: '1' }, location: { lon: 0, lat: 0 }, created: '2024-02-15 00:00:00.000Z', secret: '' },
  ],
  comments: [
    { id: 'c1', post: 'p1', message: 'nice', likes: 3 },
    { id: 'c2', post: 'p1', message: 'hidden', likes: 10 },
    { id: 'c3', post: 'p2', message: 'ok', likes: 0 },
  ],
  secrets: [{ id: 's1', post: 'p1', code: 'abc' }],
  reviews: [
    { id: 'r1', posts: ['p1', 'p2'], main: 'p1', score: 5 },
    { id: 'r2', posts: ['p2'], main: 'p2', score: 1 },
  ],
};

/** Column declaration: PocketBase's SQLite types; TEXT/DOUBLE PRECISION/BOOLEAN/JSONB on PostgreSQL. */
function columnType(field: Field, dialect: DialectName): string {
  const json = field.type === 'json' || field.type === 'geoPoint' || ((field.type === 'select' || field.type === 'relation' || field.type === 'file') && field.maxSelect > 1);
  if (dialect === 'sqlite') {
    if (field.type === 'number') return "NUMERIC DEFAULT 0 NOT NULL";
    if (field.type === 'bool') return 'BOOLEAN DEFAULT FALSE NOT NULL';
    if (field.type === 'json') return 'JSON DEFAULT NULL';
    if (json) return "JSON DEFAULT '[]' NOT NULL";
    return field.name === 'id' ? 'TEXT PRIMARY KEY NOT NULL' : "TEXT DEFAULT '' NOT NULL";
  }
  if (field.type === 'number') return 'DOUBLE PRECISION DEFAULT 0 NOT NULL';
  if (field.type === 'bool') return 'BOOLEAN DEFAULT FALSE NOT NULL';
  if (field.type === 'json') return 'JSONB DEFAULT NULL';
  if (json) return "JSONB DEFAULT '[]' NOT NULL";
  return field.name === 'id' ? 'TEXT PRIMARY KEY NOT NULL' : "TEXT DEFAULT '' NOT NULL";
}

function isJsonColumn(field: Field): boolean {
  return columnType(field, 'postgres').startsWith('JSONB');
}

/** Creates the helper functions (PostgreSQL), every table and its rows. */
export async function seedSchema(db: Database): Promise<void> {
  const dialect = db.dialect.name;
  if (dialect === 'postgres') await db.exec(POSTGRES_FILTER_FUNCTIONS_SQL);
  for (const c of COLLECTIONS) {
    const columns = c.fields.map((field) => `"${field.name}" ${columnType(field, dialect)}`);
    if (dialect === 'postgres') columns.push('"_rowid" BIGSERIAL NOT NULL');
    await db.exec(`CREATE TABLE "${c.name}" (${columns.join(', ')})`);
    for (const row of ROWS[c.name] ?? []) {
      const names = c.fields.map((field) => field.name);
      const marks = c.fields.map((field) => (dialect === 'postgres' && isJsonColumn(field) ? 'CAST(? AS JSONB)' : '?'));
      const values = c.fields.map((field) => encode(row[field.name], field, dialect));
      await db.run(`INSERT INTO "${c.name}" (${names.map((n) => `"${n}"`).join(', ')}) VALUES (${marks.join(', ')})`, values);
    }
  }
  // Statistics keep PostgreSQL's cost estimates (and so its JIT decision) realistic for tiny tables.
  if (dialect === 'postgres') await db.exec(COLLECTIONS.map((c) => `ANALYZE "${c.name}";`).join('\n'));
}

function encode(value: unknown, field: Field, dialect: DialectName): SqlValue {
  if (value === undefined) return field.type === 'number' ? 0 : field.type === 'bool' ? (dialect === 'sqlite' ? 0 : false) : isJsonColumn(field) ? '[]' : '';
  if (isJsonColumn(field)) return value === null ? null : JSON.stringify(value);
  if (typeof value === 'boolean') return dialect === 'sqlite' ? (value ? 1 : 0) : value;
  return value as SqlValue;
}

export function authRecord(id: string): RecordModel {
  const row = ROWS['users']?.find((r) => r['id'] === id);
  if (!row) throw new Error(`no user ${id}`);
  return { collection: users, values: { ...row } };
}

export function request(overrides: Partial<RequestInfo> = {}): RequestInfo {
  return { auth: null, isSuperuser: false, method: 'GET', query: {}, headers: {}, body: {}, context: 'default', ...overrides };
}
