// `plinth typegen` end to end: collections made through the API, the real CLI writing the
// types, and the TypeScript compiler judging the output together with code that uses it
// (one file that must compile, one that must not).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { TEST_DIALECTS } from '../../src/db/testing.js';
import { startUsersApp, type UsersApp } from '../support/users-app.js';
import { runCliToEnd, tempDir } from '../support/server.js';

const ROOT = resolve(import.meta.dirname, '../..');
// Compiled files are served from memory under the project, so 'pocketbase' resolves from its node_modules.
const VIRTUAL_DIR = join(ROOT, 'test/typegen/__virtual__');

const GOOD_USAGE = `
import type { PostsCreate, PostsUpdate, UserProfilesRecord, TypedPocketBase } from './plinth_types.js';

export const draft: PostsCreate = { title: 'Hello', status: 'draft', topics: ['news', 'tech'], place: { lon: 1, lat: 2 } };
export const edit: PostsUpdate = { status: '', 'topics+': 'tech', 'views+': 1 };

export async function readBack(pb: TypedPocketBase): Promise<string> {
  const post = await pb.collection('posts').getOne('abc', { expand: 'author' });
  const status: 'draft' | 'live' | '' = post.status;
  const author: string | undefined = post.expand?.author?.name;
  const profile: UserProfilesRecord = await pb.collection('user_profiles').getOne('abc');
  const second: string = profile['2nd_line'];
  const untyped = await pb.collection('not_generated').getOne('abc');
  return [status, author, second, untyped.id, post.meta === null ? '' : 'json'].join();
}
`;

// Each line marked "wrong" must get exactly one error, and no other line any.
const BAD_USAGE = `
import type { PostsCreate, TypedPocketBase } from './plinth_types.js';

export const wrong: PostsCreate = { title: 'Hello', status: 'published' }; // wrong
export async function misread(pb: TypedPocketBase): Promise<void> {
  const title: number = (await pb.collection('posts').getOne('abc')).title; // wrong
  void title;
}
`;

/** Type-checks in-memory files (strict) and returns the diagnostics of each. */
function typeCheck(files: Record<string, string>): Map<string, readonly ts.Diagnostic[]> {
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
    types: [],
    skipLibCheck: true,
  };
  const virtual = new Map(Object.entries(files).map(([name, text]) => [join(VIRTUAL_DIR, name), text]));
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (name) => virtual.get(name) ?? readFile(name);
  host.fileExists = (name) => virtual.has(name) || fileExists(name);
  const directoryExists = host.directoryExists?.bind(host);
  host.directoryExists = (name) => name === VIRTUAL_DIR || (directoryExists?.(name) ?? true);
  const program = ts.createProgram({ rootNames: [...virtual.keys()], options, host });
  const result = new Map<string, readonly ts.Diagnostic[]>();
  for (const [path] of virtual) {
    const source = program.getSourceFile(path);
    assert.ok(source, `${path} was not compiled`);
    result.set(path.slice(VIRTUAL_DIR.length + 1), [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]);
  }
  return result;
}

function describeDiagnostics(list: readonly ts.Diagnostic[]): string {
  return list.map((d) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`).join('\n');
}

const COLLECTIONS = [
  {
    name: 'posts',
    type: 'base',
    fields: [
      { name: 'title', type: 'text', required: true },
      { name: 'status', type: 'select', values: ['draft', 'live'], maxSelect: 1, required: true },
      { name: 'topics', type: 'select', values: ['news', 'tech'], maxSelect: 2 },
      { name: 'views', type: 'number' },
      { name: 'author', type: 'relation', collectionId: '_pb_users_auth_', maxSelect: 1 },
      { name: 'cover', type: 'file', maxSelect: 1 },
      { name: 'meta', type: 'json' },
      { name: 'place', type: 'geoPoint' },
      { name: 'secret', type: 'text', hidden: true },
    ],
  },
  { name: 'user_profiles', type: 'base', fields: [{ name: '2nd_line', type: 'text' }] },
];

for (const dialect of TEST_DIALECTS) {
  describe(`plinth typegen [${dialect}]`, () => {
    let u: UsersApp;
    let source = '';
    let stderr = '';
    let out = '';

    before(async () => {
      u = await startUsersApp(dialect);
      for (const body of COLLECTIONS) {
        const res = await u.call('POST', '/api/collections', 'superuser', body);
        assert.equal(res.status, 200, JSON.stringify(res.json));
      }
      out = join(tempDir(), 'plinth_types.ts');
      const args = ['typegen', '--dir', u.t.app.config.dir, '--out', out];
      if (u.t.app.config.databaseUrl) args.push('--db', u.t.app.config.databaseUrl);
      const run = await runCliToEnd(args, { env: { PLINTH_LOG_LEVEL: 'warn' } });
      assert.equal(run.code, 0, run.stderr);
      stderr = run.stderr;
      source = readFileSync(out, 'utf8');
    });
    after(async () => {
      await u?.t.close();
    });

    it('writes every collection, system ones included, and says so', () => {
      assert.equal(stderr, `wrote 8 collections to ${out}\n`);
      for (const name of ['PostsRecord', 'UserProfilesRecord', 'UsersRecord', 'SuperusersRecord', 'ExternalAuthsRecord', 'MfasRecord', 'OtpsRecord', 'AuthOriginsRecord']) {
        assert.match(source, new RegExp(`^export interface ${name} \\{`, 'm'));
      }
      assert.match(source, /^ {2}secret\?: string;$/m);
    });

    it('writes the same text to stdout with --out -', async () => {
      const args = ['typegen', '--dir', u.t.app.config.dir, '--out', '-'];
      if (u.t.app.config.databaseUrl) args.push('--db', u.t.app.config.databaseUrl);
      const run = await runCliToEnd(args, { env: { PLINTH_LOG_LEVEL: 'warn' } });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, source);
      assert.equal(run.stderr, 'wrote 8 collections to stdout\n');
    });

    it('compiles, with code that uses the types correctly', () => {
      const diagnostics = typeCheck({ 'plinth_types.ts': source, 'good.ts': GOOD_USAGE });
      assert.equal(describeDiagnostics(diagnostics.get('plinth_types.ts')!), '');
      assert.equal(describeDiagnostics(diagnostics.get('good.ts')!), '');
    });

    it('rejects a select value the collection does not allow', () => {
      const diagnostics = typeCheck({ 'plinth_types.ts': source, 'bad.ts': BAD_USAGE });
      assert.equal(describeDiagnostics(diagnostics.get('plinth_types.ts')!), '');
      const bad = diagnostics.get('bad.ts')!;
      const lines = BAD_USAGE.split('\n');
      const wrongLines = lines.flatMap((text, i) => (text.endsWith('// wrong') ? [i] : []));
      const errorLines = bad.map((d) => d.file!.getLineAndCharacterOfPosition(d.start!).line);
      assert.deepEqual(errorLines, wrongLines, describeDiagnostics(bad));
      assert.deepEqual(bad.map((d) => d.code), [2322, 2322], describeDiagnostics(bad));
      assert.match(describeDiagnostics(bad), /"published"/);
    });
  });
}
