// Errors of an outbound request. Their messages end up in delivery logs that operators
// read, so they say what happened in one line instead of carrying a driver's internals.

/** The address policy refused the target: the message names the host, the address and why. */
export class OutboundRefusedError extends Error {
  override readonly name = 'OutboundRefusedError';
}

/** No complete response arrived within the request's time limit. */
export class OutboundTimeoutError extends Error {
  override readonly name = 'OutboundTimeoutError';
}

const NETWORK_FAILURES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed (temporary)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
};

/** A short, clear error for a failed connection to `host`, keeping the system code for logs. */
export function networkError(host: string, cause: unknown): Error {
  const code = (cause as NodeJS.ErrnoException | null)?.code;
  const what = (code && NETWORK_FAILURES[code]) ?? (cause instanceof Error ? cause.message : String(cause));
  const error = new Error(`${what}: ${host}${code ? ` (${code})` : ''}`);
  return Object.assign(error, { code });
}
