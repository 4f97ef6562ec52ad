// The collections module: collection definitions (PocketBase's JSON shape), their
// validation, persistence in `_collections`, and the schema changes that follow them.
export type * from './model.js';
export { FIELD_TYPES } from './model.js';
export * from './names.js';

export {
  bindCollectionInput,
  cloneCollection,
  collectionIdFor,
  COLLECTION_TYPES,
  isCollectionType,
  prepareForSave,
  scaffoldCollection,
} from './collection-input.js';
export type { PrepareOptions, ScaffoldOptions } from './collection-input.js';
export { collectionOptionsJson, collectionToJson } from './collection-json.js';
export { CollectionInputError, INVALID_BODY_MESSAGE } from './input-binding.js';
export { defaultAuthOptions, newTokenSecret } from './auth-defaults.js';
export { AUTH_OPTION_KEYS, TOKEN_OPTION_NAMES, authOptionsToJson, bindAuthOptions } from './auth-options.js';
export type { TokenOptionName } from './auth-options.js';
export { addField, buildFieldList, fieldToJson, findFieldById, findFieldByName } from './field-list.js';
export { defaultIdField, ensureDefaultFields, fieldIndexName } from './default-fields.js';
export {
  buildIndex,
  findSingleColumnUniqueIndex,
  isIndexExpression,
  isValidIndex,
  parseIndex,
} from './index-definition.js';
export type { IndexColumn, IndexDefinition } from './index-definition.js';

export { collectCollectionErrors, validateCollection } from './validate.js';
export type { CollectionValidationContext, RuleCheckInput } from './validate.js';

export {
  CollectionStore,
  collectionFromRow,
  deleteCollectionRow,
  findReferences,
  insertCollectionRow,
  localChangeNotifier,
  topicNotifier,
  readAllCollections,
  readCollection,
  updateCollectionRow,
} from './collection-store.js';
export type { CollectionChangeNotifier, CollectionReference } from './collection-store.js';
export { collectionsInsertionOrder, collectionsTableDdl } from './collections-table.js';

export { CollectionService } from './collection-service.js';
export { deleteAuthRefRows, deleteCollectionInTx } from './collection-delete.js';
export { importCollections, importCollectionsInTx } from './import.js';
export type { ImportOptions } from './import.js';
export type { CollectionServiceOptions } from './collection-service.js';

export { createIndexSql, dropIndexSql } from './schema/index-ddl.js';
export { createRecordTable, createRecordTableSql, dropRecordTable } from './schema/record-table.js';
export { syncRecordTable } from './schema/sync-record-table.js';

export { ViewQueryError, normalizeViewSelectQuery, parseViewQuery } from './views/view-query.js';
export { buildViewFields, defaultViewIdField, suggestViewFields } from './views/view-fields.js';
export { createViewFields, saveViewCollection, tryViewQuery } from './views/view-schema.js';
export type { ViewTrial } from './views/view-schema.js';

export { installSystemCollections, systemCollections } from './system-collections.js';
export type { InstallOptions, SystemCollectionOptions } from './system-collections.js';
