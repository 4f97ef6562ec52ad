// DDL of `_collections`, the table that holds every collection definition. On SQLite it
// is exactly PocketBase's (a pb_data directory must stay readable by PocketBase); on
// PostgreSQL the same columns use JSONB and BOOLEAN, plus a hidden `_rowid` so
// collections load in creation order as they do from SQLite's rowid.

import type { DialectName } from '../../db/types.js';
import { COLLECTIONS_TABLE, PG_ROWID_COLUMN } from './names.js';

const SQLITE_DDL = `
CREATE TABLE \`${COLLECTIONS_TABLE}\` (
  \`id\`         TEXT PRIMARY KEY DEFAULT ('r'||lower(hex(randomblob(7)))) NOT NULL,
  \`system\`     BOOLEAN DEFAULT FALSE NOT NULL,
  \`type\`       TEXT DEFAULT 'base' NOT NULL,
  \`name\`       TEXT UNIQUE NOT NULL,
  \`fields\`     JSON DEFAULT '[]' NOT NULL,
  \`indexes\`    JSON DEFAULT '[]' NOT NULL,
  \`listRule\`   TEXT DEFAULT NULL,
  \`viewRule\`   TEXT DEFAULT NULL,
  \`createRule\` TEXT DEFAULT NULL,
  \`updateRule\` TEXT DEFAULT NULL,
  \`deleteRule\` TEXT DEFAULT NULL,
  \`options\`    JSON DEFAULT '{}' NOT NULL,
  \`created\`    TEXT DEFAULT (strftime('%Y-%m-%d %H:%M:%fZ')) NOT NULL,
  \`updated\`    TEXT DEFAULT (strftime('%Y-%m-%d %H:%M:%fZ')) NOT NULL
);
CREATE INDEX IF NOT EXISTS idx__collections_type on \`${COLLECTIONS_TABLE}\` (\`type\`);
`;

const PG_NOW = `(to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS"Z"'))`;

const POSTGRES_DDL = `
CREATE TABLE "${COLLECTIONS_TABLE}" (
  "id"         TEXT PRIMARY KEY DEFAULT ('r' || substr(md5(random()::text || clock_timestamp()::text), 1, 14)) NOT NULL,
  "system"     BOOLEAN DEFAULT FALSE NOT NULL,
  "type"       TEXT DEFAULT 'base' NOT NULL,
  "name"       TEXT UNIQUE NOT NULL,
  "fields"     JSONB DEFAULT '[]' NOT NULL,
  "indexes"    JSONB DEFAULT '[]' NOT NULL,
  "listRule"   TEXT DEFAULT NULL,
  "viewRule"   TEXT DEFAULT NULL,
  "createRule" TEXT DEFAULT NULL,
  "updateRule" TEXT DEFAULT NULL,
  "deleteRule" TEXT DEFAULT NULL,
  "options"    JSONB DEFAULT '{}' NOT NULL,
  "created"    TEXT DEFAULT ${PG_NOW} NOT NULL,
  "updated"    TEXT DEFAULT ${PG_NOW} NOT NULL,
  "${PG_ROWID_COLUMN}" BIGSERIAL NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx__collections_type" ON "${COLLECTIONS_TABLE}" ("type");
`;

/** The statements creating `_collections` and its index on the given engine. */
export function collectionsTableDdl(dialect: DialectName): string {
  switch (dialect) {
    case 'sqlite':
      return SQLITE_DDL;
    case 'postgres':
      return POSTGRES_DDL;
  }
}

/** The expression ordering `_collections` rows by insertion. */
export function collectionsInsertionOrder(dialect: DialectName): string {
  switch (dialect) {
    case 'sqlite':
      return 'rowid';
    case 'postgres':
      return `"${PG_ROWID_COLUMN}"`;
  }
}
