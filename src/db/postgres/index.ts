export { openPostgres } from './open-postgres.js';
export type { PostgresOptions } from './open-postgres.js';
