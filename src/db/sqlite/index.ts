export { openSqlite } from './open-sqlite.js';
export type { SqliteOptions } from './open-sqlite.js';
