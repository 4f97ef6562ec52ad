export * from './app-error.js';
export * from './status.js';
export * from './api-errors.js';
