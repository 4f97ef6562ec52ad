import { databaseCases } from './database.case.js';
import { forEachDialect } from './testing.js';

forEachDialect(databaseCases, { title: 'Database port' });
