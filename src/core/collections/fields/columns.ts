// Column definitions for record tables. On SQLite they are exactly what PocketBase
// creates (core/field_*.go ColumnType), so a table created here is the table PocketBase
// would create. PostgreSQL gets the same defaults and constraints with native types:
// DOUBLE PRECISION numbers, BOOLEAN, and JSONB for every JSON value.
import type { DialectName } from '../../../db/types.js';
import type { Field } from '../model.js';
import { isMultiValue } from './values.js';

const TEXT = "TEXT DEFAULT '' NOT NULL";
// A last-resort default for rows inserted with raw SQL: 'r' + 14 random hex characters.
const SQLITE_PRIMARY_KEY = "TEXT PRIMARY KEY DEFAULT ('r'||lower(hex(randomblob(7)))) NOT NULL";
const POSTGRES_PRIMARY_KEY = "TEXT PRIMARY KEY DEFAULT ('r' || substr(md5(random()::text), 1, 14)) NOT NULL";
const GEO_POINT_DEFAULT = `'{"lon":0,"lat":0}'`;

/** The column definition that follows the quoted column name, e.g. `TEXT DEFAULT '' NOT NULL`. */
export function columnDefinition(field: Field, dialect: DialectName): string {
  const json = dialect === 'sqlite' ? 'JSON' : 'JSONB';
  switch (field.type) {
    case 'text':
      if (field.primaryKey) return dialect === 'sqlite' ? SQLITE_PRIMARY_KEY : POSTGRES_PRIMARY_KEY;
      return TEXT;
    case 'email':
    case 'url':
    case 'editor':
    case 'date':
    case 'autodate':
    case 'password':
      return TEXT;
    case 'number':
      return dialect === 'sqlite' ? 'NUMERIC DEFAULT 0 NOT NULL' : 'DOUBLE PRECISION DEFAULT 0 NOT NULL';
    case 'bool':
      return 'BOOLEAN DEFAULT FALSE NOT NULL';
    case 'select':
    case 'relation':
    case 'file':
      return isMultiValue(field) ? `${json} DEFAULT '[]' NOT NULL` : TEXT;
    case 'json':
      return `${json} DEFAULT NULL`;
    case 'geoPoint':
      return `${json} DEFAULT ${GEO_POINT_DEFAULT} NOT NULL`;
  }
}
