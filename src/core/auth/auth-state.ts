import type { RecordModel } from '../records/record.js';

/** Who is making a request: an auth record (a user or a superuser) or a guest. */
export interface AuthState {
  record: RecordModel | null;
  isSuperuser: boolean;
}

export const GUEST: AuthState = Object.freeze({ record: null, isSuperuser: false });

export const SUPERUSERS_COLLECTION = '_superusers';

/**
 * The temporary superuser behind the first-run link (PocketBase's address, so a data
 * directory set up by either keeps working); removed when a real superuser is created.
 */
export const INSTALLER_EMAIL = '__pbinstaller@example.com';
