// A loose reader of view queries. It does not understand SQL; it finds the select-list
// columns (expression + alias) and the FROM/JOIN tables (name + alias) well enough to map
// view columns back to the collection fields they come from, the way PocketBase does.
// Anything it cannot follow (subqueries, unions) simply yields fewer hints, never wrong SQL:
// the query itself always runs unchanged in the database.

import { splitTopLevel, trimChars, UnbalancedSqlError } from '../sql-split.js';

export interface QueryIdentifier {
  /** The expression or table name as written (quotes stripped from each dotted part). */
  original: string;
  /** The alias, or the last dotted part of `original` when there is none. */
  alias: string;
}

export interface ParsedViewQuery {
  columns: QueryIdentifier[];
  /** FROM tables first (the first one is the main table), then JOINed ones. */
  tables: QueryIdentifier[];
}

/** Why a view query was rejected; the text is ours and safe to show. */
export class ViewQueryError extends Error {
  constructor(reason: string, options?: { cause?: unknown }) {
    super(reason, options);
    this.name = 'ViewQueryError';
  }
}

const JOIN_PATTERN =
  /\s+(full\s+outer\s+join|left\s+outer\s+join|right\s+outer\s+join|full\s+join|cross\s+join|inner\s+join|outer\s+join|left\s+join|right\s+join|join)\s+?/gim;
const DISCARD_PATTERN = /\s+(where|group\s+by|having|order|limit|with)\s+?/gim;
const COMMENTS_PATTERN = /(\/\*[\s\S]*?\*\/)|(--.+$)/gm;
const JOIN_MARK = '__pb_join__';
const DISCARD_MARK = '__pb_discard__';

/**
 * Trims the query and its trailing semicolons, and rejects several statements in one
 * (a view is one SELECT; the check is a courtesy, the database is the real judge).
 */
export function normalizeViewSelectQuery(query: string): string {
  const trimmed = trimChars(query.trim(), ';');
  let parts: string[];
  try {
    parts = splitTopLevel(trimmed, { separators: [';'] });
  } catch (err) {
    if (err instanceof UnbalancedSqlError) throw new ViewQueryError('unbalanced parenthesis or quoted expression');
    throw err;
  }
  if (parts.length > 1) throw new ViewQueryError('multiple statements are not supported');
  return trimmed;
}

function trimIdentifier(raw: string, extra = ''): string {
  return raw
    .split('.')
    .map((part) => trimChars(part, '`"[];' + extra))
    .join('.');
}

function identifierFromParts(parts: string[]): QueryIdentifier {
  let original: string;
  let alias: string;
  switch (parts.length) {
    case 3:
      if ((parts[1] as string).toLowerCase() !== 'as') {
        throw new ViewQueryError(`invalid identifier part - expected "as", got ${parts[1]}`);
      }
      original = parts[0] as string;
      alias = parts[2] as string;
      break;
    case 2:
      original = parts[0] as string;
      alias = parts[1] as string;
      break;
    case 1: {
      original = parts[0] as string;
      const dotted = original.split('.');
      alias = dotted[dotted.length - 1] as string;
      break;
    }
    default:
      throw new ViewQueryError('invalid identifier parts - an expression needs an alias (`expr AS name`)');
  }
  // A single quote is also stripped from aliases: SQLite accepts 'alias' where an identifier is expected.
  return { original: trimIdentifier(original), alias: trimIdentifier(alias, "'") };
}

function extractIdentifiers(raw: string): QueryIdentifier[] {
  return splitTopLevel(raw, { separators: [','] }).map((item) =>
    identifierFromParts(splitTopLevel(item, { separators: [' ', '\n', '\t'] })),
  );
}

/** Finds the columns and tables of a SELECT; throws ViewQueryError when it cannot be read. */
export function parseViewQuery(query: string): ParsedViewQuery {
  let text = trimChars(query.trim(), ';');
  text = text.replace(COMMENTS_PATTERN, ' ');
  text = text.replace(JOIN_PATTERN, ` ${JOIN_MARK} `);
  text = text.replace(DISCARD_PATTERN, ` ${DISCARD_MARK} `);

  try {
    const tokens = splitTopLevel(text, { separators: [',', ' ', '\n', '\t'], keepSeparator: true });
    const parts = { select: '', from: '', join: '' };
    let active: keyof typeof parts | null = null;
    let skip = false;

    for (const token of tokens) {
      const word = token.trim().toLowerCase();
      if (word === 'select') {
        skip = false;
        active = 'select';
      } else if (word === 'distinct') {
        continue;
      } else if (word === 'from') {
        skip = false;
        active = 'from';
      } else if (word === JOIN_MARK) {
        skip = false;
        if (active === 'join') parts.join += ',';
        active = 'join';
      } else if (word === DISCARD_MARK) {
        skip = true;
      } else {
        if (active === 'join' && word === 'on') skip = true;
        if (!skip && active !== null) parts[active] += ` ${token}`;
      }
    }

    return {
      columns: extractIdentifiers(parts.select),
      tables: [...extractIdentifiers(parts.from), ...extractIdentifiers(parts.join)],
    };
  } catch (err) {
    if (err instanceof UnbalancedSqlError) throw new ViewQueryError('unbalanced parenthesis or quoted expression');
    throw err;
  }
}
