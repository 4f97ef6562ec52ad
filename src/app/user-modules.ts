// Loads a project's own modules (hooks, migrations) written in TypeScript or JavaScript.
//
// esbuild compiles each file with its relative imports into one ES module; npm packages stay
// external and are imported by Node as usual. The result is written under `cacheDir` — which
// must sit inside the project, so bare imports resolve from the project's node_modules — with
// a content hash in its name: a changed file gets a new URL, which is how a reload escapes
// Node's module cache. Inline source maps make stack traces point at the original lines.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type BuildFailure, type Message } from 'esbuild';

export const USER_MODULE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

/** A project module that failed to compile or to run its top level, with where. */
export class UserModuleError extends Error {
  override name = 'UserModuleError';
  constructor(
    readonly file: string,
    readonly where: { line: number; column: number } | null,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}${where ? `:${where.line}:${where.column}` : ''}: ${reason}`, options);
  }
}

/**
 * Where the compiled files of a project folder (`plinth_hooks`, `plinth_migrations`) go: the
 * project's `node_modules/.cache/plinth` when it has one (so its packages resolve and nothing
 * new shows in the project), else a `.plinth` folder next to the source folder.
 */
export function buildCacheDir(sourceDir: string): string {
  const project = dirname(resolve(sourceDir));
  const modules = join(project, 'node_modules');
  return existsSync(modules) ? join(modules, '.cache', 'plinth') : join(project, '.plinth');
}

export interface LoadOptions {
  /** Where compiled files go (inside the project; see the top of this file). */
  cacheDir: string;
}

// Source maps are off by default in Node; stack traces of project code should name its lines.
let sourceMapsOn = false;

export async function importUserModule(file: string, options: LoadOptions): Promise<Record<string, unknown>> {
  const path = resolve(file);
  if (!sourceMapsOn) {
    process.setSourceMapsEnabled(true);
    sourceMapsOn = true;
  }
  const code = await compile(path);
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  mkdirSync(options.cacheDir, { recursive: true });
  const out = join(options.cacheDir, `${basename(path, extname(path))}.${hash}.mjs`);
  writeFileSync(out, code);
  try {
    return (await import(pathToFileURL(out).href)) as Record<string, unknown>;
  } catch (err) {
    throw userCodeError(path, err);
  }
}

/** An error thrown by a project file's code, as a UserModuleError naming the file's line. */
export function userCodeError(file: string, err: unknown): UserModuleError {
  if (err instanceof UserModuleError) return err;
  return new UserModuleError(resolve(file), stackPosition(err, resolve(file)), err instanceof Error ? err.message : String(err), { cause: err });
}

async function compile(path: string): Promise<string> {
  try {
    const result = await build({
      entryPoints: [path],
      bundle: true,
      packages: 'external',
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: 'inline',
      sourcesContent: false,
      write: false,
      logLevel: 'silent',
    });
    return result.outputFiles[0]!.text;
  } catch (err) {
    const first = (err as Partial<BuildFailure>).errors?.[0];
    if (first) throw fromBuildMessage(path, first, err);
    throw new UserModuleError(path, null, err instanceof Error ? err.message : String(err), { cause: err });
  }
}

function fromBuildMessage(path: string, message: Message, cause: unknown): UserModuleError {
  const location = message.location;
  const file = location?.file ? resolve(location.file) : path;
  const where = location ? { line: location.line, column: location.column + 1 } : null;
  return new UserModuleError(file, where, message.text, { cause });
}

/** The first stack frame inside the failing file (source-mapped to its own lines), if any. */
function stackPosition(err: unknown, path: string): { line: number; column: number } | null {
  const stack = err instanceof Error ? (err.stack ?? '') : '';
  const name = basename(path);
  for (const line of stack.split('\n')) {
    if (!line.includes(name)) continue;
    const match = /:(\d+):(\d+)\)?\s*$/.exec(line);
    if (match) return { line: Number(match[1]), column: Number(match[2]) };
  }
  return null;
}
