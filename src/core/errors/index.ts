export * from './app-error.js';
export * from './status.js';
