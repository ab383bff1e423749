/**
 * Archiving and deleting groups and channels over real sockets (issue 13, ADR 0020):
 * who may (the matrix over HTTP, the admin API as plain user, moderator-free admin and
 * no token), what an archived channel refuses with `conversation_archived` over the
 * WebSocket and what it still allows, the events every member's devices get at once,
 * a device that was away learning from `sync`, and the erasure job leaving no row of
 * the conversation and no blob of its files.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { AuthResponse, Conversation, Message } from '@parley/protocol';
import { createNodeClient, type ParleyClient } from '@parley/sdk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../src';
import type { Store } from '../src/ports/store';
import { png, upload } from './files-helpers';
import { errorCode, http, RawClient, registerUser, startTestServer, type TestServer } from './harness';

let t: TestServer;
let store: Store;
let serverAdmin: AuthResponse;
const sockets: RawClient[] = [];
const clients: ParleyClient[] = [];

beforeAll(async () => {
  t = await startTestServer(
    { authAttemptsPerMinute: 1000, jobPollMs: 50, purgeBatchRows: 3, purgeBatchesPerRun: 2 },
    {
      store: async (config) => {
        store = await createStore({ db: 'sqlite', sqlitePath: config.sqlitePath ?? '', synchronous: 'normal' });
        return store;
      },
    },
  );
  // The first account of a fresh server is its admin.
  serverAdmin = await registerUser(t.url, 'root');
});
afterAll(async () => {
  sockets.forEach((s) => s.close());
  clients.forEach((c) => c.close());
  await t.stop();
});

type Body = { error?: { code: string }; conversation?: Conversation; message?: Message };
const code = (res: { status: number; body: unknown }): string =>
  (res.body as Body | undefined)?.error?.code ?? (res.status < 300 ? 'ok' : `status ${res.status}`);
const call = (token: string | undefined, method: string, route: string, body?: unknown) =>
  http<Body>(t.url, method, route, { ...(token ? { token } : {}), ...(body === undefined ? {} : { body }) });

async function socket(user: AuthResponse): Promise<RawClient> {
  const ws = await RawClient.authed(t.wsUrl, user.token);
  sockets.push(ws);
  return ws;
}

/** A channel with an owner, an admin, a moderator and a member (and an outsider). */
async function cast(kind: 'channel' | 'group' = 'channel') {
  const [owner, admin, moderator, member, outsider] = await Promise.all(
    ['owner', 'admin', 'mod', 'member', 'outsider'].map((p) => registerUser(t.url, p)),
  );
  const ids = [admin!.user.id, moderator!.user.id, member!.user.id];
  const created =
    kind === 'channel'
      ? await call(owner!.token, 'POST', '/v1/channels', { title: 'Lobby', visibility: 'public', memberIds: ids })
      : await call(owner!.token, 'POST', '/v1/conversations', { title: 'Team', memberIds: ids });
  const conversation = created.body.conversation!;
  for (const [user, role] of [
    [admin!, 'admin'],
    [moderator!, 'moderator'],
  ] as const) {
    const set = await call(owner!.token, 'PATCH', `/v1/conversations/${conversation.id}/members/${user.user.id}`, {
      role,
    });
    expect(code(set)).toBe('ok');
  }
  return { owner: owner!, admin: admin!, moderator: moderator!, member: member!, outsider: outsider!, conversation };
}

const post = (token: string, conversationId: string, text: string) =>
  call(token, 'POST', `/v1/conversations/${conversationId}/messages`, {
    clientId: `c${Math.random().toString(36).slice(2)}`,
    content: { type: 'text', text },
  });

async function waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 400; i += 1) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('who may archive, unarchive and delete (the matrix, over HTTP)', () => {
  for (const kind of ['channel', 'group'] as const) {
    it(`in a ${kind}`, async () => {
      const c = await cast(kind);
      const id = c.conversation.id;
      const tryAs = async (user: AuthResponse, method: string, route: string) =>
        code(await call(user.token, method, route));
      const archive = `/v1/conversations/${id}/archive`;
      const unarchive = `/v1/conversations/${id}/unarchive`;
      expect({
        member: await tryAs(c.member, 'POST', archive),
        moderator: await tryAs(c.moderator, 'POST', archive),
        outsider: await tryAs(c.outsider, 'POST', archive),
      }).toEqual({ member: 'forbidden', moderator: 'forbidden', outsider: 'not_member' });
      expect(await tryAs(c.admin, 'POST', archive)).toBe('ok');
      expect({
        admin: await tryAs(c.admin, 'POST', unarchive),
        member: await tryAs(c.member, 'POST', unarchive),
      }).toEqual({ admin: 'forbidden', member: 'forbidden' });
      expect(await tryAs(c.owner, 'POST', unarchive)).toBe('ok');
      expect(await tryAs(c.owner, 'POST', archive)).toBe('ok');
      expect({
        admin: await tryAs(c.admin, 'DELETE', `/v1/conversations/${id}`),
        moderator: await tryAs(c.moderator, 'DELETE', `/v1/conversations/${id}`),
        member: await tryAs(c.member, 'DELETE', `/v1/conversations/${id}`),
        outsider: await tryAs(c.outsider, 'DELETE', `/v1/conversations/${id}`),
      }).toEqual({ admin: 'forbidden', moderator: 'forbidden', member: 'forbidden', outsider: 'not_member' });
      expect(await tryAs(c.owner, 'DELETE', `/v1/conversations/${id}`)).toBe('ok');
      expect(await tryAs(c.owner, 'GET', `/v1/conversations/${id}`)).toBe('not_found');
      expect(await tryAs(c.owner, 'DELETE', `/v1/conversations/${id}`)).toBe('not_found');
    });
  }

  it('a direct conversation is neither archived nor deleted', async () => {
    const [a, b] = await Promise.all([registerUser(t.url, 'a'), registerUser(t.url, 'b')]);
    const direct = (await call(a.token, 'POST', '/v1/conversations/direct', { userId: b.user.id })).body.conversation!;
    expect(code(await call(a.token, 'POST', `/v1/conversations/${direct.id}/archive`))).toBe('invalid_operation');
    expect(code(await call(a.token, 'DELETE', `/v1/conversations/${direct.id}`))).toBe('invalid_operation');
  });
});

describe('an archived channel over the WebSocket', () => {
  it('tells every member at once, refuses writes with conversation_archived, and stays readable and searchable', async () => {
    const c = await cast();
    const id = c.conversation.id;
    const word = `ledger${Math.random().toString(36).slice(2, 8)}`;
    const before = await post(c.member.token, id, `the ${word} before archiving`);
    const messageId = before.body.message!.id;
    const [memberWs, moderatorWs] = await Promise.all([socket(c.member), socket(c.moderator)]);
    const invite = await call(c.owner.token, 'POST', `/v1/conversations/${id}/invites`, { maxUses: 1 });
    const inviteCode = (invite.body as { invite: { code: string } }).invite.code;

    expect(code(await call(c.admin.token, 'POST', `/v1/conversations/${id}/archive`))).toBe('ok');
    const updated = await memberWs.next(
      (f) => f.type === 'conversation.updated' && f.data.conversation.archivedAt !== undefined,
    );
    expect(updated.type === 'conversation.updated' && updated.data.conversation.id).toBe(id);
    const line = await moderatorWs.next((f) => f.type === 'message.new' && f.data.message.content.type === 'system');
    expect(line.type === 'message.new' && line.data.message.content).toEqual({ type: 'system', action: 'archived' });

    const refused = {
      send: errorCode(
        await memberWs.request('message.send', {
          conversationId: id,
          clientId: 'c-archived-1',
          content: { type: 'text', text: 'anyone?' },
        }),
      ),
      react: errorCode(await memberWs.request('reaction.set', { messageId, emoji: '👍', reacted: true })),
      edit: errorCode(await memberWs.request('message.edit', { messageId, text: 'changed' })),
      pin: errorCode(await moderatorWs.request('message.pin', { messageId, pinned: true })),
      join: code(await call(c.outsider.token, 'POST', `/v1/conversations/${id}/join`)),
      invite: code(await call(c.outsider.token, 'POST', `/v1/invites/${inviteCode}/accept`)),
      rename: code(await call(c.owner.token, 'PATCH', `/v1/conversations/${id}`, { title: 'New' })),
      httpPost: code(await post(c.owner.token, id, 'owner too')),
    };
    expect(refused).toEqual({
      send: 'conversation_archived',
      react: 'conversation_archived',
      edit: 'conversation_archived',
      pin: 'conversation_archived',
      join: 'conversation_archived',
      invite: 'conversation_archived',
      rename: 'conversation_archived',
      httpPost: 'conversation_archived',
    });
    // Still readable and searchable; reading moves the cursor.
    const history = await memberWs.request('history', { conversationId: id, limit: 50 });
    expect(history.type === 'result' && (history.data as { messages: Message[] }).messages.map((m) => m.id)).toContain(
      messageId,
    );
    const search = await memberWs.request('search', { query: word });
    expect(search.type === 'result' && (search.data as { hits: { message: Message }[] }).hits[0]?.message.id).toBe(
      messageId,
    );
    expect(errorCode(await memberWs.request('receipt.set', { conversationId: id, kind: 'read', seq: 1 }))).toBe(
      undefined,
    );
    const listed = await call(c.member.token, 'GET', '/v1/conversations');
    const entry = (listed.body as { conversations: { conversation: Conversation }[] }).conversations.find(
      (s) => s.conversation.id === id,
    );
    expect(entry?.conversation.archivedAt).toEqual(expect.any(Number));

    expect(code(await call(c.owner.token, 'POST', `/v1/conversations/${id}/unarchive`))).toBe('ok');
    const back = await memberWs.next(
      (f) => f.type === 'conversation.updated' && f.data.conversation.archivedAt === undefined,
    );
    expect(back.type).toBe('conversation.updated');
    const sent = await memberWs.request('message.send', {
      conversationId: id,
      clientId: 'c-archived-2',
      content: { type: 'text', text: 'open again' },
    });
    expect(sent.type).toBe('result');
    // The refused acceptance spent none of the invite's single use.
    expect(code(await call(c.outsider.token, 'POST', `/v1/invites/${inviteCode}/accept`))).toBe('ok');
  });
});

describe('deleting a channel', () => {
  it('drops it from every device at once, tells a device that was away through sync, and erases every row and blob', async () => {
    const c = await cast();
    const id = c.conversation.id;
    for (let i = 0; i < 10; i += 1) await post(c.member.token, id, `message ${i}`);
    const fileId = await upload(t.url, c.member.token, new TextEncoder().encode('only here'), { filename: 'a.txt' });
    const sentFile = await call(c.member.token, 'POST', `/v1/conversations/${id}/messages`, {
      clientId: 'c-file',
      content: { type: 'file', fileId },
    });
    expect(code(sentFile)).toBe('ok');
    const messageIds = (await store.listMessages(id, { after: 0, limit: 100 })).map((m) => m.id);
    const blobDir = path.join(t.dataDir, 'files', 'blobs');
    const blobsOf = (id: string) =>
      existsSync(blobDir) ? readdirSync(blobDir, { recursive: true }).filter((f) => String(f).includes(id)) : [];
    expect(blobsOf(fileId).length).toBeGreaterThan(0);
    const picture = await fetch(`${t.url}/v1/conversations/${id}/avatar`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${c.owner.token}`, 'content-type': 'image/png' },
      body: new Uint8Array(await png()),
    });
    expect(picture.status).toBe(200);
    const pictures = () => blobsOf(id).filter((f) => String(f).endsWith('.webp'));
    expect(pictures()).toHaveLength(1);

    // The member's phone holds the channel, then goes away.
    const phone = createNodeClient({ baseUrl: t.url, backoff: { initialDelayMs: 20, maxDelayMs: 100 } });
    clients.push(phone);
    await phone.connect(c.member.token);
    const held = await waitFor(
      'the phone to hold the channel',
      () => Promise.resolve(phone.cursors()),
      (cursors) => cursors[id] !== undefined,
    );
    const cursorsAway = { ...held };
    phone.close();

    const [memberWs, moderatorWs] = await Promise.all([socket(c.member), socket(c.moderator)]);
    expect(code(await call(c.owner.token, 'DELETE', `/v1/conversations/${id}`))).toBe('ok');
    for (const ws of [memberWs, moderatorWs]) {
      const event = await ws.event('conversation.deleted');
      expect(event.type === 'conversation.deleted' && event.data.conversationId).toBe(id);
    }
    expect(code(await call(c.member.token, 'GET', `/v1/conversations/${id}/messages`))).toBe('not_found');
    expect(
      errorCode(
        await memberWs.request('message.send', {
          conversationId: id,
          clientId: 'late',
          content: { type: 'text', text: 'x' },
        }),
      ),
    ).toBe('not_found');

    // A device that was away sends its cursors and hears the channel is gone.
    const laptop = createNodeClient({
      baseUrl: t.url,
      backoff: { initialDelayMs: 20, maxDelayMs: 100 },
      cursors: cursorsAway,
    });
    clients.push(laptop);
    const removed = new Promise<string>((resolve) =>
      laptop.on('conversation.removed', (e) => resolve(e.conversationId)),
    );
    await laptop.connect(c.member.token);
    expect(await removed).toBe(id);
    expect(laptop.cursors()[id]).toBeUndefined();

    // The job erases it in batches (3 rows, 2 batches a run here): nothing of it is left. The
    // files and the picture go after the last rows, and the job ends after that: wait for the end.
    await waitFor(
      'the erasure job to finish',
      () => store.countJobs('conversation.purge'),
      (jobs) => jobs === 0,
    );
    const rows = await store.countConversationRows(id, messageIds);
    expect(Object.entries(rows).filter(([, n]) => n > 0)).toEqual([]);
    expect(await store.getFile(fileId)).toBeUndefined();
    expect(blobsOf(fileId)).toEqual([]);
    expect(pictures()).toEqual([]);
    const audit = await t.server.services.admin.asCli().listAudit({ action: 'conversation.deleted' });
    expect(audit.entries.map((e) => [e.target, e.actorId])).toContainEqual([id, c.owner.user.id]);
  });
});

describe('the admin API', () => {
  it('archives, unarchives and deletes any group or channel, audited; refused to others', async () => {
    const c = await cast();
    const id = c.conversation.id;
    const routes = [
      ['POST', `/v1/admin/conversations/${id}/archive`],
      ['POST', `/v1/admin/conversations/${id}/unarchive`],
      ['DELETE', `/v1/admin/conversations/${id}`],
    ] as const;
    for (const [method, route] of routes) {
      expect({
        none: code(await call(undefined, method, route)),
        owner: code(await call(c.owner.token, method, route)),
      }).toEqual({ none: 'unauthenticated', owner: 'admin_required' });
    }
    const ws = await socket(c.member);
    const archived = await call(serverAdmin.token, 'POST', routes[0][1]);
    expect(archived.body.conversation?.archivedAt).toEqual(expect.any(Number));
    await ws.next((f) => f.type === 'conversation.updated' && f.data.conversation.archivedAt !== undefined);
    expect(code(await post(c.owner.token, id, 'no'))).toBe('conversation_archived');
    expect((await call(serverAdmin.token, 'POST', routes[1][1])).body.conversation?.archivedAt).toBeUndefined();
    expect(code(await call(serverAdmin.token, 'DELETE', routes[2][1]))).toBe('ok');
    await ws.event('conversation.deleted');
    const audit = await t.server.services.admin.asCli().listAudit({ user: serverAdmin.user.id });
    expect(audit.entries.filter((e) => e.target === id).map((e) => [e.action, e.actorId])).toEqual([
      ['conversation.deleted', serverAdmin.user.id],
      ['conversation.unarchived', serverAdmin.user.id],
      ['conversation.archived', serverAdmin.user.id],
    ]);
  });
});

describe('the SDK', () => {
  it('archives, unarchives and deletes, with typed events on another member', async () => {
    const [owner, bob] = await Promise.all([registerUser(t.url, 'sdkowner'), registerUser(t.url, 'sdkbob')]);
    const make = async (user: AuthResponse) => {
      const client = createNodeClient({ baseUrl: t.url, backoff: { initialDelayMs: 20, maxDelayMs: 100 } });
      clients.push(client);
      await client.connect(user.token);
      return client;
    };
    const [alice, bobby] = await Promise.all([make(owner), make(bob)]);
    const group = await alice.conversations.createGroup('SDK team', [bob.user.id]);
    const seen = new Promise<Conversation>((resolve) =>
      bobby.on('conversation', (conversation) => {
        if (conversation.id === group.id && conversation.archivedAt !== undefined) resolve(conversation);
      }),
    );
    expect((await alice.conversations.archive(group.id)).archivedAt).toEqual(expect.any(Number));
    expect((await seen).archivedAt).toEqual(expect.any(Number));
    await expect(bobby.conversations.archive(group.id)).rejects.toMatchObject({ code: 'forbidden' });
    expect((await alice.conversations.unarchive(group.id)).archivedAt).toBeUndefined();
    const deleted = new Promise<string>((resolve) =>
      bobby.on('conversation.deleted', (e) => resolve(e.conversationId)),
    );
    await alice.conversations.delete(group.id);
    expect(await deleted).toBe(group.id);
  });
});
