// The compiler's entry points: AST → plan (PocketBase's SQL shape) → SQL for one dialect.
import type { Dialect, DialectName } from '../db/types.js';
import { systemClock, type Clock } from '../lib/clock.js';
import type { FilterNode } from './ast.js';
import { AliasCounter, buildComparison } from './comparisons.js';
import type { Fragment } from './fragment.js';
import type { ParseLimits } from './limits.js';
import { buildOperand } from './operands.js';
import { parseFilter } from './parser.js';
import type { BoolExpr } from './plan.js';
import { renderPgBool } from './render-postgres.js';
import { renderSqliteBool } from './render-sqlite.js';
import type { FieldResolver } from './resolver.js';

export interface CompileOptions {
  readonly resolver: FieldResolver;
  readonly dialect: Dialect | DialectName;
  /** Source of the date macros; defaults to the system clock. */
  readonly clock?: Clock;
}

/** The compiled condition: SQL with `?` placeholders and its values, in order. */
export type CompiledFilter = Fragment;

export function dialectName(dialect: Dialect | DialectName): DialectName {
  return typeof dialect === 'string' ? dialect : dialect.name;
}

/** Builds the dialect-neutral plan of a parsed filter (resolving every identifier). */
export function planFilter(node: FilterNode, options: Omit<CompileOptions, 'dialect'>): BoolExpr {
  const ctx = { resolver: options.resolver, clock: options.clock ?? systemClock };
  const aliases = new AliasCounter();
  const visit = (n: FilterNode): BoolExpr => {
    switch (n.type) {
      case 'comparison':
        return buildComparison(buildOperand(n.left, ctx), n.op, buildOperand(n.right, ctx), aliases);
      case 'and':
      case 'or':
        return { t: n.type, items: n.items.map(visit) };
    }
  };
  return visit(node);
}

export function renderPlan(plan: BoolExpr, dialect: Dialect | DialectName): CompiledFilter {
  const name = dialectName(dialect);
  switch (name) {
    case 'sqlite':
      return renderSqliteBool(plan);
    case 'postgres':
      return renderPgBool(plan);
  }
}

/** Compiles a parsed filter into a WHERE condition. Throws FilterError. */
export function compileFilter(node: FilterNode, options: CompileOptions): CompiledFilter {
  return renderPlan(planFilter(node, options), options.dialect);
}

/** Parses and compiles filter text. Throws FilterError. */
export function compileFilterText(text: string, options: CompileOptions & { readonly limits?: ParseLimits }): CompiledFilter {
  return compileFilter(parseFilter(text, options.limits), options);
}
