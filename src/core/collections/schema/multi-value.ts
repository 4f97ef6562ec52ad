// Converting a column between single and multiple values (e.g. a relation's maxSelect
// going from 1 to 5 or back), as PocketBase does: single → multiple wraps each non-empty
// value in an array (values that already are JSON arrays stay as they are); multiple →
// single keeps the last element. The old column is renamed aside, the new one added, the
// values copied over, and the old one dropped, all in the caller's transaction.

import type { Executor } from '../../../db/types.js';
import type { Field } from '../model.js';
import { withDependentViewsDetached } from './dependent-views.js';
import { columnSql, tempColumnName } from './record-table.js';

function toMultipleSql(ex: Executor, target: string, source: string): string {
  const t = ex.dialect.quoteIdent(target);
  const s = ex.dialect.quoteIdent(source);
  switch (ex.dialect.name) {
    case 'sqlite':
      return `${t} = CASE
        WHEN COALESCE(${s}, '') = '' THEN '[]'
        WHEN json_valid(${s}) AND json_type(${s}) = 'array' THEN ${s}
        ELSE json_array(${s})
      END`;
    case 'postgres':
      // The old single-value column is TEXT; text that looks like a JSON array is kept as
      // one (an unparsable one fails the whole change rather than being mangled).
      return `${t} = CASE
        WHEN COALESCE(${s}::text, '') = '' THEN '[]'::jsonb
        WHEN ${s}::text ~ '^\\s*\\[.*\\]\\s*$' THEN (${s}::text)::jsonb
        ELSE jsonb_build_array(${s}::text)
      END`;
  }
}

function toSingleSql(ex: Executor, target: string, source: string): string {
  const t = ex.dialect.quoteIdent(target);
  const s = ex.dialect.quoteIdent(source);
  switch (ex.dialect.name) {
    case 'sqlite':
      return `${t} = CASE
        WHEN COALESCE(${s}, '[]') = '[]' THEN ''
        WHEN json_valid(${s}) AND json_type(${s}) = 'array' THEN COALESCE(json_extract(${s}, '$[#-1]'), '')
        ELSE ${s}
      END`;
    case 'postgres':
      return `${t} = CASE
        WHEN ${s} IS NULL OR ${s} = '[]'::jsonb THEN ''
        WHEN jsonb_typeof(${s}) = 'array' THEN COALESCE(${s} ->> -1, '')
        ELSE COALESCE(${s} #>> '{}', '')
      END`;
  }
}

/**
 * Replaces `field`'s column in `table` with one of its new (single or multiple) shape and
 * converts the stored values. Views reading the table are set aside meanwhile.
 */
export async function convertValueShape(
  tx: Executor,
  options: { table: string; field: Field; toMultiple: boolean },
): Promise<void> {
  const { table, field, toMultiple } = options;
  const q = (n: string): string => tx.dialect.quoteIdent(n);
  await withDependentViewsDetached(tx, table, async () => {
    const aside = tempColumnName();
    await tx.run(`ALTER TABLE ${q(table)} RENAME COLUMN ${q(field.name)} TO ${q(aside)}`);
    await tx.run(`ALTER TABLE ${q(table)} ADD COLUMN ${columnSql(tx, field)}`);
    const assignment = toMultiple ? toMultipleSql(tx, field.name, aside) : toSingleSql(tx, field.name, aside);
    await tx.run(`UPDATE ${q(table)} SET ${assignment}`);
    await tx.run(`ALTER TABLE ${q(table)} DROP COLUMN ${q(aside)}`);
  });
}
