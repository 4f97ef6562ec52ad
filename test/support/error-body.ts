/** Whether a parsed answer is PocketBase's error body `{status, message, data}` with this status. */
export function isErrorBody(value: unknown, status: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return v.status === status && typeof v.message === 'string' && v.data !== null && typeof v.data === 'object';
}
