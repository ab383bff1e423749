/**
 * The text rules (docs/protocol.md, "Text rules") on every native way in, over real
 * sockets, on SQLite and PostgreSQL (which cannot even take U+0000 as a parameter):
 * refused characters get `invalid_text` with the field and the code point, the
 * connection stays open and nothing is written; CR LF is stored as LF; names are
 * normalized (NFC, no bidi controls, no invisible ends) and a name of invisible
 * characters is blank.
 */
import type { AuthResponse, Conversation, Message, User } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../src';
import { dropSchema, pgTestUrl, randomSchemaName, requirePostgres } from '../src/store/postgres/test-database';
import { createUpload, upload } from './files-helpers';
import { RawClient, errorCode, http, registerUser, startTestServer, type TestServer } from './harness';

type ErrorBody = { error: { code: string; details?: Record<string, unknown> } };
type Frame = Awaited<ReturnType<RawClient['request']>>;

const postgres = await requirePostgres();
const schema = randomSchemaName('text');
const backends: [string, Partial<Config>][] = [['sqlite', {}]];
if (postgres) backends.push(['postgres', { db: 'postgres', databaseUrl: pgTestUrl(), pgSchema: schema }]);

/** Refused texts, each with what `details` must say. */
const REFUSED: [string, Record<string, unknown>][] = [
  ['trap\u0001title', { codePoint: 'U+0001', index: 4, reason: 'control' }],
  ['nul\u0000', { codePoint: 'U+0000', index: 3, reason: 'control' }],
  ['escape \u001B[31m', { codePoint: 'U+001B', index: 7, reason: 'control' }],
  ['half an emoji \uD83D', { codePoint: 'U+D83D', index: 14, reason: 'lone_surrogate' }],
  ['\uFFFE', { codePoint: 'U+FFFE', index: 0, reason: 'noncharacter' }],
];

function details(frame: Frame): Record<string, unknown> | undefined {
  return frame.type === 'error' ? frame.error.details : undefined;
}

describe.each(backends)('text rules on %s', (_name, config) => {
  let t: TestServer;
  let alice: AuthResponse;
  let bob: AuthResponse;
  let group: Conversation;

  const get = <T>(token: string, route: string) => http<T>(t.url, 'GET', route, { token });
  const history = async (conversationId: string) =>
    (await get<{ messages: Message[] }>(alice.token, `/v1/conversations/${conversationId}/messages`)).body.messages;

  beforeAll(async () => {
    t = await startTestServer(config);
    [alice, bob] = [await registerUser(t.url, 'alice'), await registerUser(t.url, 'bob')];
    const created = await http<{ conversation: Conversation }>(t.url, 'POST', '/v1/conversations', {
      token: alice.token,
      body: { title: 'Text', memberIds: [bob.user.id] },
    });
    group = created.body.conversation;
  });
  afterAll(async () => {
    await t.stop();
    if (config.pgSchema) await dropSchema(config.pgSchema);
  });

  it('refuses a message with a refused character over WebSocket and HTTP, keeping the socket, storing nothing', async () => {
    const before = (await history(group.id)).length;
    const ws = await RawClient.authed(t.wsUrl, alice.token);
    for (const [i, [text, expected]] of REFUSED.entries()) {
      const frame = await ws.request('message.send', {
        conversationId: group.id,
        clientId: `ws-bad-${i}`,
        content: { type: 'text', text },
      });
      expect(errorCode(frame)).toBe('invalid_text');
      expect(details(frame)).toEqual({ field: 'text', ...expected });
      const res = await http<ErrorBody>(t.url, 'POST', `/v1/conversations/${group.id}/messages`, {
        token: alice.token,
        body: { clientId: `http-bad-${i}`, content: { type: 'text', text } },
      });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_text', details: { field: 'text', ...expected } });
    }
    expect((await ws.request('ping', {})).type).toBe('result');
    expect(await history(group.id)).toHaveLength(before);
    ws.close();
  });

  it('refuses a refused character in an edit, leaving the message as it was', async () => {
    const ws = await RawClient.authed(t.wsUrl, alice.token);
    const sent = await ws.request('message.send', {
      conversationId: group.id,
      clientId: 'to-edit',
      content: { type: 'text', text: 'original' },
    });
    const message = (sent as { data: { message: Message } }).data.message;
    const edit = await ws.request('message.edit', { messageId: message.id, text: 'new\u0007text' });
    expect(errorCode(edit)).toBe('invalid_text');
    expect(details(edit)).toMatchObject({ field: 'text', codePoint: 'U+0007' });
    const now = (await history(group.id)).find((m) => m.id === message.id);
    expect(now?.content).toEqual({ type: 'text', text: 'original' });
    expect(now?.editedAt).toBeUndefined();
    ws.close();
  });

  it('refuses a caption with a refused character, and a file name with one before any byte is stored', async () => {
    const fileId = await upload(t.url, alice.token, Buffer.from('hello'), { filename: 'notes.txt' });
    const res = await http<ErrorBody>(t.url, 'POST', `/v1/conversations/${group.id}/messages`, {
      token: alice.token,
      body: { clientId: 'caption-bad', content: { type: 'file', fileId, caption: 'see\u0002this' } },
    });
    expect(res.body.error).toMatchObject({ code: 'invalid_text', details: { field: 'caption', codePoint: 'U+0002' } });
    const created = await createUpload(t.url, alice.token, 5, { filename: 'bad\u0003name.txt' });
    expect(created.status).toBe(400);
    expect(JSON.parse(created.body)).toMatchObject({
      error: { code: 'invalid_text', details: { field: 'fileName', codePoint: 'U+0003' } },
    });
    expect(created.location).toBeNull();
    const typed = await createUpload(t.url, alice.token, 5, { filename: 'ok.txt', filetype: 'text/plain\u0000' });
    expect(typed.status).toBe(400);
    expect(JSON.parse(typed.body)).toMatchObject({ error: { code: 'bad_request' } });
  });

  it('stores CR LF and a lone CR as LF, and a resend with CR LF is the same message', async () => {
    const body = { clientId: 'crlf', content: { type: 'text', text: 'one\r\ntwo\rthree' } };
    const first = await http<{ message: Message; duplicate: boolean }>(
      t.url,
      'POST',
      `/v1/conversations/${group.id}/messages`,
      { token: alice.token, body },
    );
    expect(first.body.message.content).toEqual({ type: 'text', text: 'one\ntwo\nthree' });
    const again = await http<{ message: Message; duplicate: boolean }>(
      t.url,
      'POST',
      `/v1/conversations/${group.id}/messages`,
      { token: alice.token, body },
    );
    expect(again.body).toMatchObject({ duplicate: true, message: { id: first.body.message.id } });
  });

  it('treats a message of invisible characters as empty', async () => {
    const res = await http<ErrorBody>(t.url, 'POST', `/v1/conversations/${group.id}/messages`, {
      token: alice.token,
      body: { clientId: 'invisible', content: { type: 'text', text: '\u200B\u2060 \u2800' } },
    });
    expect(res.body.error.code).toBe('bad_request');
  });

  it('refuses refused characters in every other field a user writes, changing nothing', async () => {
    const { body: channel } = await http<{ conversation: Conversation }>(t.url, 'POST', '/v1/channels', {
      token: alice.token,
      body: { title: 'Lobby', visibility: 'public', topic: 'hi' },
    });
    const channelId = channel.conversation.id;
    await http(t.url, 'POST', `/v1/conversations/${channelId}/join`, { token: bob.token });
    const { body: posted } = await http<{ message: Message }>(
      t.url,
      'POST',
      `/v1/conversations/${channelId}/messages`,
      {
        token: bob.token,
        body: { clientId: 'reported', content: { type: 'text', text: 'report me' } },
      },
    );
    const bad = 'x\u0001y';
    const attempts: [string, string, string, unknown, string][] = [
      ['PATCH', '/v1/me', alice.token, { displayName: bad }, 'displayName'],
      ['PATCH', '/v1/me', alice.token, { statusText: bad }, 'statusText'],
      ['PATCH', '/v1/me', alice.token, { avatarUrl: `https://example.org/${bad}` }, 'avatarUrl'],
      ['POST', '/v1/conversations', alice.token, { title: bad, memberIds: [] }, 'title'],
      ['POST', '/v1/channels', alice.token, { title: 'ok', visibility: 'public', topic: bad }, 'topic'],
      ['POST', '/v1/channels', alice.token, { title: 'ok', visibility: 'public', description: bad }, 'description'],
      ['PATCH', `/v1/conversations/${channelId}`, alice.token, { title: bad }, 'title'],
      ['PATCH', `/v1/conversations/${channelId}`, alice.token, { topic: bad }, 'topic'],
      ['PATCH', `/v1/conversations/${channelId}`, alice.token, { description: bad }, 'description'],
      ['POST', `/v1/conversations/${channelId}/bans`, alice.token, { userId: bob.user.id, reason: bad }, 'reason'],
      [
        'POST',
        `/v1/conversations/${channelId}/reports`,
        alice.token,
        { messageId: posted.message.id, reason: bad },
        'reason',
      ],
      [
        'POST',
        '/v1/auth/login',
        '',
        { username: bob.user.username, password: 'correct horse battery', deviceName: bad },
        'deviceName',
      ],
      [
        'POST',
        '/v1/auth/register',
        '',
        { username: 'newbie', password: 'correct horse battery', displayName: bad },
        'displayName',
      ],
      ['GET', `/v1/channels?query=${encodeURIComponent(bad)}`, alice.token, undefined, 'query'],
      ['GET', `/v1/search?q=${encodeURIComponent(bad)}`, alice.token, undefined, 'query'],
    ];
    for (const [method, route, token, body, field] of attempts) {
      const res = await http<ErrorBody>(t.url, method, route, { ...(token ? { token } : {}), body });
      expect([route, res.status, res.body.error]).toMatchObject([
        route,
        400,
        { code: 'invalid_text', details: { field, codePoint: 'U+0001', index: field === 'avatarUrl' ? 21 : 1 } },
      ]);
    }
    const me = await get<{ user: User }>(alice.token, '/v1/me');
    expect(me.body.user).toMatchObject({ displayName: alice.user.displayName, statusText: null, avatarUrl: null });
    const now = await get<{ conversation: Conversation }>(alice.token, `/v1/conversations/${channelId}`);
    expect(now.body.conversation).toMatchObject({ title: 'Lobby', topic: 'hi', description: null });
    expect((await get<{ bans: unknown[] }>(alice.token, `/v1/conversations/${channelId}/bans`)).body.bans).toEqual([]);
    const reports = await get<{ reports: unknown[] }>(alice.token, `/v1/conversations/${channelId}/reports`);
    expect(reports.body.reports).toEqual([]);
    const newbie = await http(t.url, 'POST', '/v1/auth/login', {
      body: { username: 'newbie', password: 'correct horse battery' },
    });
    expect(newbie.status).toBe(401);
  });

  it('answers a login with U+0000 in the username as wrong credentials, not a server error', async () => {
    const res = await http<ErrorBody>(t.url, 'POST', '/v1/auth/login', {
      body: { username: 'ali\u0000ce', password: 'whatever it is' },
    });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_credentials');
  });

  it('normalizes names: NFC, no bidi controls, no invisible ends; a blank name falls back or is refused', async () => {
    const named = await http<{ user: User }>(t.url, 'PATCH', '/v1/me', {
      token: bob.token,
      body: { displayName: '\u200B\u200BCafe\u0301\u202E Bob\u200B\uFEFF' },
    });
    expect(named.body.user.displayName).toBe('Café Bob');
    const blank = await http<{ user: User }>(t.url, 'PATCH', '/v1/me', {
      token: bob.token,
      body: { displayName: '\u3164\u200B\u2800' },
    });
    expect(blank.body.user.displayName).toBe(bob.user.username);

    const titled = await http<{ conversation: Conversation }>(t.url, 'PATCH', `/v1/conversations/${group.id}`, {
      token: alice.token,
      body: { title: '\u2067Plans\u2069 \u200F2025\u200B' },
    });
    expect(titled.body.conversation.title).toBe('Plans 2025');
    const untitled = await http<ErrorBody>(t.url, 'PATCH', `/v1/conversations/${group.id}`, {
      token: alice.token,
      body: { title: '\u202E\u200B' },
    });
    expect(untitled.body.error.code).toBe('bad_request');

    const fileId = await upload(t.url, alice.token, Buffer.from('MZ not really'), {
      filename: 'C:\\Users\\me\\holiday\u202Egnp.exe',
    });
    const sent = await http<{ message: Message }>(t.url, 'POST', `/v1/conversations/${group.id}/messages`, {
      token: alice.token,
      body: { clientId: 'spoof-file', content: { type: 'file', fileId } },
    });
    expect(sent.body.message.content).toMatchObject({ type: 'file', name: 'holidaygnp.exe' });

    const device = await http<{ session: { deviceName: string } }>(t.url, 'POST', '/v1/auth/login', {
      body: { username: bob.user.username, password: 'correct horse battery', deviceName: '\u202EenohPi\u200B' },
    });
    expect(device.body.session.deviceName).toBe('enohPi');
  });
});
