/**
 * Decoding of what the server sends on the WebSocket: one JSON text message per
 * frame, either the answer to a request (`result` / `error`, P1) or an event. Events
 * are checked against the protocol's schemas so the rest of the SDK can trust their
 * types; `result` data is typed by the request it answers. Pure: no socket here.
 */
import { EventSchemas, WireErrorSchema, checkValue, type ServerEvent, type EventType } from '@parley/protocol';
import { ParleyError, fromWireError, isRecord } from './errors';

/** One decoded server frame. */
export type DecodedFrame =
  | { kind: 'result'; re: string; data: unknown }
  | { kind: 'error'; re: string | null; error: ParleyError }
  | { kind: 'event'; event: ServerEvent }
  /** An event type this SDK does not know (a newer server): ignored. */
  | { kind: 'unknown'; type: string }
  | { kind: 'invalid'; error: ParleyError };

/** Turns a WebSocket message payload into text, or undefined when it is not text. */
export function frameText(data: unknown): string | undefined {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new TextDecoder().decode(data);
  if (ArrayBuffer.isView(data)) return new TextDecoder().decode(data);
  return undefined;
}

function invalid(message: string, details?: Record<string, unknown>): DecodedFrame {
  return {
    kind: 'invalid',
    error: new ParleyError('bad_request', message, details === undefined ? {} : { details, retryable: false }),
  };
}

function isEventType(type: string): type is EventType {
  return Object.hasOwn(EventSchemas, type);
}

/** Decodes one frame. Never throws. */
export function decodeServerFrame(data: unknown): DecodedFrame {
  const text = frameText(data);
  if (text === undefined) return invalid('server sent a binary frame');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return invalid('server sent a frame that is not JSON');
  }
  if (!isRecord(parsed) || typeof parsed['type'] !== 'string') return invalid('server sent a frame without a type');
  const type = parsed['type'];
  if (type === 'result') {
    const re = parsed['re'];
    if (typeof re !== 'string') return invalid('server sent a result without re');
    return { kind: 'result', re, data: parsed['data'] };
  }
  if (type === 'error') {
    const re = parsed['re'];
    const checked = checkValue(WireErrorSchema, parsed['error']);
    const error = checked.ok
      ? fromWireError(checked.value)
      : new ParleyError('internal', 'server sent a malformed error frame');
    return { kind: 'error', re: typeof re === 'string' ? re : null, error };
  }
  if (!isEventType(type)) return { kind: 'unknown', type };
  const checked = checkValue(EventSchemas[type], parsed);
  if (!checked.ok) return invalid(`server sent an invalid ${type} event`, { problems: checked.problems });
  return { kind: 'event', event: checked.value };
}
