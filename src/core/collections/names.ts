// Names with a fixed meaning in PocketBase's data layout. They are part of the on-disk
// contract (`pb_data` written by PocketBase must keep working), so they never change.

/** The table holding every collection definition. */
export const COLLECTIONS_TABLE = '_collections';

export const SUPERUSERS_COLLECTION = '_superusers';
export const EXTERNAL_AUTHS_COLLECTION = '_externalAuths';
export const MFAS_COLLECTION = '_mfas';
export const OTPS_COLLECTION = '_otps';
export const AUTH_ORIGINS_COLLECTION = '_authOrigins';
export const USERS_COLLECTION = 'users';
/** The fixed id PocketBase gives the default `users` collection. */
export const USERS_COLLECTION_ID = '_pb_users_auth_';

export const FIELD_ID = 'id';
export const FIELD_PASSWORD = 'password';
export const FIELD_TOKEN_KEY = 'tokenKey';
export const FIELD_EMAIL = 'email';
export const FIELD_EMAIL_VISIBILITY = 'emailVisibility';
export const FIELD_VERIFIED = 'verified';

/** Keys an auth record body uses for other purposes, so no auth field may take them. */
export const RESERVED_AUTH_FIELD_NAMES: readonly string[] = ['passwordConfirm', 'oldPassword'];

/**
 * PostgreSQL has no implicit row id, so every base/auth record table there gets this
 * hidden BIGSERIAL column; it gives insertion order and `@rowid` sorting the meaning
 * SQLite's `_rowid_` has. It is not a collection field and never leaves the server.
 */
export const PG_ROWID_COLUMN = '_rowid';

/** Default pattern of a record id (lowercase alphanumerics). */
export const DEFAULT_ID_PATTERN = '^[a-z0-9]+$';
