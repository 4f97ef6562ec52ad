// Type generation: collections → a TypeScript file for clients (`plinth typegen`).
export { generateTypes } from './generate.js';
export type { TypegenOptions } from './generate.js';
export { assignTypeNames, pascalCase } from './names.js';
