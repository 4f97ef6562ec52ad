// Hook scenarios of `npm run bench`. They need a second Plinth process, started with
// `--hooks-dir` on a folder holding the hook file below and seeded like the first one:
//   create-hooks — create through three no-op hooks (onRecordCreate, onRecordValidate,
//                  onRecordCreateExecute) against the plain process's create: the cost of the chain;
//   route-list   — a custom route that reads 20 records through e.app.findRecordsByFilter, against
//                  the built-in list endpoint (perPage=20) of the same process, same filter and sort.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const HOOK_SCENARIO_NAMES = ['create-hooks', 'route-list'];

// The list's filter and sort on both sides: 100 rows per category, (category, score) indexed,
// and the create scenario writes category c200, so the page read never changes during a run.
const FILTER = "category = 'c7'";
const SORT = '-score';

// Plain JavaScript, so the benchmark also covers loading a `.js` hook file (compiled by esbuild).
const HOOK_FILE = `// Written by bench/hooks.mjs: three no-op create hooks and one custom list route.
export default (plinth) => {
  plinth.onRecordCreate('bench').bindFunc(async (e) => {
    await e.next();
  });
  plinth.onRecordValidate('bench').bindFunc(async (e) => {
    await e.next();
  });
  plinth.onRecordCreateExecute('bench').bindFunc(async (e) => {
    await e.next();
  });
  plinth.routerAdd('GET', '/api/custom-list', async (e) => {
    const records = await e.app.findRecordsByFilter('bench', ${JSON.stringify(FILTER)}, { sort: ${JSON.stringify(SORT)}, limit: 20 });
    return e.json(200, { items: records.map((r) => r.toJSON()) });
  });
};
`;

/** Writes the hook file into `<parent>/plinth_hooks` and returns that folder. */
export function writeHookFiles(parent) {
  const hooksDir = join(parent, 'plinth_hooks');
  mkdirSync(hooksDir, { recursive: true });
  writeFileSync(join(hooksDir, 'bench.js'), HOOK_FILE);
  return hooksDir;
}

/**
 * The hook scenarios as pairs to measure in alternation: `subject` against `reference`, each a
 * server (url, pid) and a request. `plain` is the process without hooks, `hooked` the one with.
 */
export function hookScenarios({ plain, hooked, create }) {
  const builtInList = `/api/collections/bench/records?filter=${encodeURIComponent(FILTER)}&sort=${encodeURIComponent(SORT)}&perPage=20`;
  return {
    'create-hooks': {
      subject: { server: hooked, request: create },
      reference: { server: plain, request: create },
      label: 'Plinth, no hooks',
    },
    'route-list': {
      subject: { server: hooked, request: { path: '/api/custom-list' } },
      reference: { server: hooked, request: { path: builtInList } },
      label: 'built-in list',
    },
  };
}
