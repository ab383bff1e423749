/**
 * Bad input over the WebSocket: every kind gets its typed error with a stable
 * code; recoverable errors keep the connection open (checked with a ping after
 * each); fatal ones close with the documented code; nothing is half-written.
 */
import { CloseCode, PROTOCOL_VERSION } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient, errorCode, http, registerUser, startTestServer, type TestServer } from './harness';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ maxMessageBytes: 1024, maxFrameBytes: 8192, authTimeoutMs: 300, framesPerSecond: 20 });
});
afterAll(() => t.stop());

async function expectStillOpen(client: RawClient) {
  const pong = await client.request('ping', {});
  expect(pong.type).toBe('result');
}

async function directConversation() {
  const alice = await registerUser(t.url, 'alice');
  const bob = await registerUser(t.url, 'bob');
  const { body } = await http<{ conversation: { id: string } }>(t.url, 'POST', '/v1/conversations/direct', {
    token: alice.token,
    body: { userId: bob.user.id },
  });
  return { alice, bob, conversationId: body.conversation.id };
}

describe('before authentication', () => {
  it('answers a frame before auth with unauthenticated and stays open for auth', async () => {
    const { token } = await registerUser(t.url);
    const client = await RawClient.open(t.wsUrl);
    expect(errorCode(await client.request('ping', {}))).toBe('unauthenticated');
    const auth = await client.request('auth', { token, protocol: PROTOCOL_VERSION });
    expect(auth.type).toBe('result');
    client.close();
  });

  it('refuses a missing token as a schema error', async () => {
    const client = await RawClient.open(t.wsUrl);
    const reply = await client.request('auth', { protocol: PROTOCOL_VERSION });
    expect(errorCode(reply)).toBe('bad_request');
    client.close();
  });

  it('closes with 4001 on an unknown token', async () => {
    const client = await RawClient.open(t.wsUrl);
    expect(errorCode(await client.request('auth', { token: 'nope', protocol: PROTOCOL_VERSION }))).toBe(
      'token_invalid',
    );
    expect((await client.closed).code).toBe(CloseCode.unauthenticated);
  });

  it('closes with 4001 and token_expired when the session has expired', async () => {
    const { token } = await registerUser(t.url);
    t.clock.advance(31 * 24 * 60 * 60 * 1000);
    try {
      const client = await RawClient.open(t.wsUrl);
      expect(errorCode(await client.request('auth', { token, protocol: PROTOCOL_VERSION }))).toBe('token_expired');
      expect((await client.closed).code).toBe(CloseCode.unauthenticated);
      // The expired session is gone: the same token now reads as invalid.
      const again = await RawClient.open(t.wsUrl);
      expect(errorCode(await again.request('auth', { token, protocol: PROTOCOL_VERSION }))).toBe('token_invalid');
    } finally {
      t.clock.advance(-31 * 24 * 60 * 60 * 1000);
    }
  });

  it('closes with 4000 when the protocol version is unsupported', async () => {
    const { token } = await registerUser(t.url);
    const client = await RawClient.open(t.wsUrl);
    const reply = await client.request('auth', { token, protocol: PROTOCOL_VERSION + 1 });
    expect(errorCode(reply)).toBe('unsupported_protocol');
    expect(reply.type === 'error' && reply.error.details).toMatchObject({ max: PROTOCOL_VERSION });
    expect((await client.closed).code).toBe(CloseCode.unsupportedProtocol);
  });

  it('closes with 4100 when no auth frame arrives in time', async () => {
    const client = await RawClient.open(t.wsUrl);
    expect((await client.closed).code).toBe(CloseCode.authTimeout);
  });
});

describe('malformed frames keep the connection open', () => {
  let client: RawClient;
  beforeAll(async () => {
    client = await RawClient.authed(t.wsUrl, (await registerUser(t.url)).token);
  });
  afterAll(() => client.close());

  it('malformed JSON', async () => {
    client.sendRaw('{"type": "ping", "id": ');
    const frame = await client.next((f) => f.type === 'error');
    expect(errorCode(frame)).toBe('malformed_json');
    expect(frame.re).toBeNull();
    await expectStillOpen(client);
  });

  it('a JSON value that is not an object', async () => {
    client.sendRaw('[1,2,3]');
    expect(errorCode(await client.next((f) => f.type === 'error'))).toBe('bad_request');
    await expectStillOpen(client);
  });

  it('unknown frame type, answering the request id', async () => {
    const frame = await client.request('message.explode', {});
    expect(errorCode(frame)).toBe('unknown_frame');
    expect(frame.re).toBeTruthy();
    await expectStillOpen(client);
  });

  it('schema violations, with details', async () => {
    const frame = await client.request('message.send', {
      conversationId: 'c_x',
      clientId: 'bad id!',
      content: { type: 'text' },
    });
    expect(errorCode(frame)).toBe('bad_request');
    expect(frame.type === 'error' && Array.isArray(frame.error.details?.problems)).toBe(true);
    await expectStillOpen(client);
  });

  it('binary frames', async () => {
    client.sendRaw(Buffer.from([1, 2, 3]));
    expect(errorCode(await client.next((f) => f.type === 'error'))).toBe('bad_request');
    await expectStillOpen(client);
  });

  it('an oversized frame gets frame_too_large and the connection stays open', async () => {
    client.sendRaw(JSON.stringify({ type: 'ping', id: 'big', data: {}, pad: 'x'.repeat(9000) }));
    const frame = await client.next((f) => f.type === 'error');
    expect(errorCode(frame)).toBe('frame_too_large');
    await expectStillOpen(client);
  });

  it('a second auth frame is refused without closing', async () => {
    expect(errorCode(await client.request('auth', { token: 'x', protocol: PROTOCOL_VERSION }))).toBe(
      'already_authenticated',
    );
    await expectStillOpen(client);
  });
});

it('closes with 1009 when a frame exceeds four times the limit', async () => {
  const client = await RawClient.authed(t.wsUrl, (await registerUser(t.url)).token);
  client.sendRaw('x'.repeat(8192 * 4 + 10));
  expect((await client.closed).code).toBe(1009);
});

it('closes with 4109 after many consecutive invalid frames', async () => {
  const client = await RawClient.authed(t.wsUrl, (await registerUser(t.url)).token);
  for (let i = 0; i < 50; i++) client.sendRaw('nope');
  expect((await client.closed).code).toBe(CloseCode.policyViolation);
});

it('rate-limits a flood of frames with a retry hint, and recovers', async () => {
  const client = await RawClient.authed(t.wsUrl, (await registerUser(t.url)).token);
  const replies = await Promise.all(Array.from({ length: 120 }, () => client.request('ping', {})));
  const limited = replies.filter((r) => errorCode(r) === 'rate_limited');
  expect(limited.length).toBeGreaterThan(0);
  const first = limited[0]!;
  expect(first.type === 'error' && first.error.retryable && typeof first.error.details?.retryAfterMs === 'number').toBe(
    true,
  );
  await new Promise((r) => setTimeout(r, 1000));
  await expectStillOpen(client);
  client.close();
});

describe('messages', () => {
  it('refuses posting to a conversation you are not in, and to one that does not exist', async () => {
    const { conversationId } = await directConversation();
    const eve = await RawClient.authed(t.wsUrl, (await registerUser(t.url, 'eve')).token);
    const content = { type: 'text', text: 'let me in' };
    expect(errorCode(await eve.request('message.send', { conversationId, clientId: 'e1', content }))).toBe(
      'not_member',
    );
    expect(errorCode(await eve.request('message.send', { conversationId: 'c_nope', clientId: 'e2', content }))).toBe(
      'not_found',
    );
    expect(errorCode(await eve.request('history', { conversationId }))).toBe('not_member');
    await expectStillOpen(eve);
    eve.close();
  });

  it('replaying a client id returns the first ack; reusing it for other content is a conflict; nothing is stored twice', async () => {
    const { alice, conversationId } = await directConversation();
    const client = await RawClient.authed(t.wsUrl, alice.token);
    const send = (text: string) =>
      client.request('message.send', { conversationId, clientId: 'same-id', content: { type: 'text', text } });
    const first = await send('hello');
    const again = await send('hello');
    expect(first.type).toBe('result');
    expect(again.type === 'result' && again.data).toMatchObject({ duplicate: true });
    const firstMessage = (first as { data: { message: { id: string; seq: number } } }).data.message;
    expect((again as { data: { message: { id: string } } }).data.message.id).toBe(firstMessage.id);
    expect(errorCode(await send('something else'))).toBe('client_id_conflict');
    const history = await client.request('history', { conversationId });
    expect((history as { data: { messages: unknown[] } }).data.messages).toHaveLength(1);
    client.close();
  });

  it('refuses an oversized message (UTF-8 bytes) and an empty one, writing nothing', async () => {
    const { alice, conversationId } = await directConversation();
    const client = await RawClient.authed(t.wsUrl, alice.token);
    const big = await client.request('message.send', {
      conversationId,
      clientId: 'big',
      content: { type: 'text', text: 'é'.repeat(600) },
    });
    expect(errorCode(big)).toBe('message_too_large');
    expect(
      errorCode(
        await client.request('message.send', { conversationId, clientId: 'e', content: { type: 'text', text: '   ' } }),
      ),
    ).toBe('bad_request');
    const history = await client.request('history', { conversationId });
    expect((history as { data: { messages: unknown[] } }).data.messages).toHaveLength(0);
    await expectStillOpen(client);
    client.close();
  });
});
