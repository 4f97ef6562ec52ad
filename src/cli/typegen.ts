import { existsSync, writeFileSync } from 'node:fs';
import { loadConfig } from '../config/index.js';
import { openApp } from '../app/index.js';
import { generateTypes } from '../core/typegen/index.js';
import { DEFAULT_TYPES_FILE } from '../app/dev-types.js';
import { parseFlags, DATA_FLAGS, stringFlag, UsageError } from './args.js';
import { TYPEGEN_USAGE } from './usage.js';


export async function typegenCommand(argv: string[]): Promise<number> {
  const { flags, positionals } = parseFlags(argv, { ...DATA_FLAGS, out: { type: 'string', short: 'o' } });
  if (flags.help) {
    process.stdout.write(TYPEGEN_USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError('too many arguments');
  const out = stringFlag(flags, 'out') ?? DEFAULT_TYPES_FILE;
  if (out === '') throw new UsageError('--out needs a file name, or - for stdout');
  const config = loadConfig({ dir: stringFlag(flags, 'dir'), db: stringFlag(flags, 'db') }, { dirExists: existsSync });
  // Pending system migrations are applied, as `serve` would: the types describe what it will serve.
  const app = await openApp(config, { quiet: true });
  let source: string;
  let count: number;
  try {
    const collections = app.core.store.list();
    count = collections.length;
    source = generateTypes(collections);
  } finally {
    await app.close();
  }
  if (out === '-') process.stdout.write(source);
  else writeFileSync(out, source);
  process.stderr.write(`wrote ${count} collections to ${out === '-' ? 'stdout' : out}\n`);
  return 0;
}
