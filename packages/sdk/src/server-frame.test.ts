import { describe, expect, it } from 'vitest';
import { decodeServerFrame } from './server-frame';
import { webSocketUrl } from './websocket';
import { newClientId } from './ids';
import { fromErrorBody } from './errors';

describe('decodeServerFrame', () => {
  it('decodes results, errors and valid events', () => {
    expect(decodeServerFrame('{"type":"result","re":"r1","data":{"a":1}}')).toEqual({
      kind: 'result',
      re: 'r1',
      data: { a: 1 },
    });
    const err = decodeServerFrame(
      JSON.stringify({
        type: 'error',
        re: 'r2',
        error: { code: 'rate_limited', message: 'x', retryable: true, details: { retryAfterMs: 5 } },
      }),
    );
    expect(err).toMatchObject({ kind: 'error', re: 'r2', error: { code: 'rate_limited', retryAfterMs: 5 } });
    const ev = decodeServerFrame(
      new TextEncoder().encode('{"type":"conversation.removed","data":{"conversationId":"c"}}'),
    );
    expect(ev).toMatchObject({ kind: 'event', event: { type: 'conversation.removed' } });
  });

  it('never throws on garbage', () => {
    for (const input of ['nope', '[]', '{"type":1}', '{"type":"result"}', 42, '{"type":"typing","data":{}}']) {
      expect(decodeServerFrame(input).kind).toBe('invalid');
    }
    expect(decodeServerFrame('{"type":"future.thing"}')).toEqual({ kind: 'unknown', type: 'future.thing' });
  });
});

describe('small helpers', () => {
  it('derives the WebSocket URL from the base URL', () => {
    expect(webSocketUrl('http://127.0.0.1:8080')).toBe('ws://127.0.0.1:8080/v1/ws');
    expect(webSocketUrl('https://chat.example.com/parley/')).toBe('wss://chat.example.com/parley/v1/ws');
  });

  it('makes distinct client ids matching the wire pattern', () => {
    const ids = new Set(Array.from({ length: 100 }, () => newClientId()));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  });

  it('maps unknown error bodies to internal', () => {
    expect(fromErrorBody({ error: { code: 'nonsense' } }, 400)).toMatchObject({ code: 'internal', retryable: false });
    expect(fromErrorBody({ error: { code: 'blocked', message: 'm', retryable: false } }, 403)).toMatchObject({
      code: 'blocked',
      status: 403,
    });
  });
});
