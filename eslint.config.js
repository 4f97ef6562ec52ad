// Lint setup. The layer rules below keep dependencies pointing one way:
//   cli → app → http → core → { filter, db, storage } → lib
// A lower layer that imports a higher one couples the domain to a transport or a
// process, which makes it untestable in isolation and impossible to reuse.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (name) => [`**/${name}/*`, `**/${name}/**`, `**/${name}/index.js`];

function forbid(files, layers, reason, extraPaths = []) {
  return {
    files,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: extraPaths.map((name) => ({ name, message: reason })),
          patterns: [{ group: layers.flatMap(layer), message: reason }],
        },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'admin/dist/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'max-params': ['error', 4],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', fetch: 'readonly', Buffer: 'readonly', Blob: 'readonly', FormData: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', performance: 'readonly' } },
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  forbid(
    ['src/lib/**'],
    ['core', 'db', 'filter', 'storage', 'http', 'app', 'cli', 'config'],
    'lib/ holds domain-free helpers and must not import any other layer.',
  ),
  forbid(
    ['src/db/**'],
    ['core', 'filter', 'storage', 'http', 'app', 'cli', 'config'],
    'db/ is a port with adapters; it knows SQL, not the domain, HTTP or configuration.',
  ),
  forbid(
    ['src/filter/**'],
    ['core', 'storage', 'http', 'app', 'cli', 'config'],
    'filter/ is the filter language; it sees the domain only through the FieldResolver interface.',
  ),
  forbid(
    ['src/core/**'],
    ['http', 'app', 'cli', 'config'],
    'core/ is the domain: no HTTP, no process wiring, no process.env. Pass what it needs in.',
    ['node:http', 'better-sqlite3', 'pg', 'find-my-way'],
  ),
  forbid(
    ['src/http/**'],
    ['app', 'cli', 'config', 'db/sqlite', 'db/postgres'],
    'http/ talks to the domain; wiring belongs to app/, drivers to db/ adapters.',
  ),
  forbid(['src/app/**'], ['cli'], 'app/ is the composition root; the CLI calls it, not the other way round.'),
  forbid(
    ['src/config/**'],
    ['core', 'db', 'filter', 'storage', 'http', 'app', 'cli'],
    'config/ reads settings; it must not depend on what it configures.',
  ),
);
