// What a rule may read about the current request (`@request.*`).
import type { RecordModel } from '../records/record.js';

export type RequestContextName = 'default' | 'expand' | 'realtime' | 'protectedFile' | 'oauth2' | 'otp' | 'password' | 'batch';

export interface RequestInfo {
  auth: RecordModel | null;
  isSuperuser: boolean;
  method: string;
  query: Record<string, string>;
  /** Lower-cased header names with `-` replaced by `_`. */
  headers: Record<string, string>;
  body: Record<string, unknown>;
  context: RequestContextName;
  /** The client's address (after trusted-proxy headers); for logins and limits, not readable by rules. */
  ip?: string;
}

export function guestRequest(method = 'GET'): RequestInfo {
  return { auth: null, isSuperuser: false, method, query: {}, headers: {}, body: {}, context: 'default' };
}
