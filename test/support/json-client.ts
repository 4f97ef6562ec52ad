// Plain JSON calls to a running server (end-to-end tests on the real CLI): status and parsed
// body, read loosely since each test checks the fields it needs.
type Json = ReturnType<typeof JSON.parse>;

export type JsonCall = (method: string, path: string, options?: { token?: string; body?: unknown }) => Promise<{ status: number; json: Json }>;

export function jsonClient(baseUrl: string): JsonCall {
  return async (method, path, options = {}) => {
    const res = await fetch(baseUrl + path, {
      method,
      headers: { 'content-type': 'application/json', ...(options.token ? { authorization: options.token } : {}) },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    return { status: res.status, json: (await res.json().catch(() => null)) as Json };
  };
}
