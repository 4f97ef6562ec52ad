// What a client may send on /api/realtime/ws, and the frames the server sends back. Every
// frame is one JSON text message `{event, id, data}`; `event` is what an SSE event's name is.
import type { RawData } from 'ws';
import { badRequest, fieldError, ValidationError } from '../../core/errors/index.js';
import type { RealtimeMessage } from '../../core/realtime/index.js';
import { encodeJson } from '../respond.js';

export type ClientMessage =
  /** Replaces the whole set, as POST /api/realtime does; `subscriptions` is validated there. */
  | { type: 'subscribe'; subscriptions: unknown }
  /** Sets the identity: the token a browser cannot send as a header on a WebSocket. */
  | { type: 'auth'; token: string };

/** Reads one client message; malformed ones throw the 400 that the client gets back. */
export function parseClientMessage(data: RawData, isBinary: boolean): ClientMessage {
  if (isBinary) throw badRequest('Binary messages are not supported, send JSON text.');
  let value: unknown;
  try {
    value = JSON.parse(textOf(data));
  } catch {
    throw badRequest('The message is not valid JSON.');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badRequest('The message must be a JSON object.');
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case 'subscribe':
      return { type: 'subscribe', subscriptions: message.subscriptions };
    case 'auth':
      if (typeof message.token !== 'string' || message.token === '') {
        throw new ValidationError({ token: fieldError('validation_required', 'Cannot be blank.') });
      }
      return { type: 'auth', token: message.token };
    default:
      throw badRequest('Unknown message type.', { type: fieldError('validation_in_invalid', 'Must be "subscribe" or "auth".') });
  }
}

function textOf(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

// The fan-out hands one message object to every client of a group: its data is encoded once.
const encodedData = new WeakMap<RealtimeMessage, string>();

/** One server frame; like SSE events, every frame carries the client id. */
export function encodeFrame(message: RealtimeMessage, clientId: string): string {
  let data = encodedData.get(message);
  if (data === undefined) {
    data = encodeJson(message.data);
    encodedData.set(message, data);
  }
  return `{"event":${encodeJson(message.name)},"id":${encodeJson(message.id ?? clientId)},"data":${data}}`;
}
