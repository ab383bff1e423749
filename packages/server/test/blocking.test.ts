/**
 * What a block does (issue 10), over real sockets: a blocked user cannot put the blocker
 * in a group or channel (natively or by an XMPP invitation; the error does not say
 * "blocked"), cannot reach them with typing, receipts, reactions or mentions, and the
 * two stop seeing each other's presence at once. Messages in conversations they share
 * still reach the blocker, in order (the sequence stays gapless); clients collapse them.
 */
import { xml, type Element } from '@xmpp/client';
import type { AuthResponse, Conversation, ConversationSummary, Message, Presence } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, RawClient, startTestServer, type TestServer } from './harness';
import { jidOf, users, XmppTestClient } from './xmpp-helpers';

let t: TestServer & { xmppPort: number };
const sockets: RawClient[] = [];
const xmppClients: XmppTestClient[] = [];

beforeAll(async () => {
  const server = await startTestServer({ xmppPort: 0, authAttemptsPerMinute: 1000, framesPerSecond: 1000 });
  t = Object.assign(server, { xmppPort: server.server.xmppPort ?? 0 });
});
afterAll(async () => {
  sockets.forEach((s) => s.close());
  for (const c of xmppClients) await c.stop();
  await t.stop();
});

type Answer<T> = { status: number; body: T & { error?: { code: string; message: string; details?: unknown } } };
const call = <T = unknown>(who: AuthResponse, method: string, route: string, body?: unknown) =>
  http<T>(t.url, method, route, { token: who.token, ...(body === undefined ? {} : { body }) }) as Promise<Answer<T>>;

async function ok<T>(answer: Promise<Answer<T>>): Promise<T> {
  const { status, body } = await answer;
  if (status >= 300) throw new Error(`${status} ${JSON.stringify(body)}`);
  return body;
}

async function ws(who: AuthResponse): Promise<RawClient> {
  const c = await RawClient.authed(t.wsUrl, who.token);
  sockets.push(c);
  return c;
}

let sent = 0;
const post = async (who: AuthResponse, conversationId: string, text: string) =>
  (
    await ok(
      call<{ message: Message }>(who, 'POST', `/v1/conversations/${conversationId}/messages`, {
        clientId: `bk${++sent}`,
        content: { type: 'text', text },
      }),
    )
  ).message;
const group = async (who: AuthResponse, others: AuthResponse[]) =>
  (
    await ok(
      call<{ conversation: Conversation }>(who, 'POST', '/v1/conversations', {
        title: 'g',
        memberIds: others.map((o) => o.user.id),
      }),
    )
  ).conversation;
const blockUser = (who: AuthResponse, other: AuthResponse) => ok(call(who, 'PUT', `/v1/blocks/${other.user.id}`));

const dataOf = (frame: RawClient['frames'][number]): unknown => (frame as { data?: unknown }).data;

/** Waits for a later frame on the same socket: anything published before it was delivered first. */
async function barrier(to: RawClient, from: AuthResponse, conversationId: string): Promise<void> {
  const text = `barrier ${++sent}`;
  await post(from, conversationId, text);
  await to.next((f) => f.type === 'message.new' && JSON.stringify(f).includes(text));
}

describe('a blocked user cannot put the blocker in a conversation', () => {
  it('is refused creating a group or channel with them, or adding them, without saying why', async () => {
    const [blocker, pest, friend] = await users(t, 'bb', 'bp', 'bf');
    await blockUser(blocker!, pest!);
    const before = (await ok(call<{ conversations: ConversationSummary[] }>(blocker!, 'GET', '/v1/conversations')))
      .conversations.length;

    const refusals = [
      await call(pest!, 'POST', '/v1/conversations', { title: 'trap', memberIds: [blocker!.user.id, friend!.user.id] }),
      await call(pest!, 'POST', '/v1/channels', {
        title: 'trap',
        visibility: 'private',
        memberIds: [blocker!.user.id],
      }),
      await call(pest!, 'POST', `/v1/conversations/${(await group(pest!, [friend!])).id}/members`, {
        userIds: [blocker!.user.id],
      }),
    ];
    for (const refusal of refusals) {
      expect(refusal.status).toBe(403);
      expect(refusal.body.error).toMatchObject({
        code: 'privacy_restricted',
        details: { userIds: [blocker!.user.id] },
      });
      expect(refusal.body.error?.message.toLowerCase()).not.toContain('block');
    }
    // Nothing was created with them in it.
    const after = await ok(call<{ conversations: ConversationSummary[] }>(blocker!, 'GET', '/v1/conversations'));
    expect(after.conversations).toHaveLength(before);

    // The blocker is told to unblock first; the friend, unrelated, is added fine.
    const own = await group(blocker!, [friend!]);
    const mine = await call(blocker!, 'POST', `/v1/conversations/${own.id}/members`, { userIds: [pest!.user.id] });
    expect(mine.body.error).toMatchObject({ code: 'blocked', details: { userIds: [pest!.user.id] } });
  });

  it('is refused inviting them into a room over XMPP (XEP-0045 mediated invitation)', async () => {
    const [blocker, pest, friend] = await users(t, 'xb', 'xp', 'xf');
    await blockUser(blocker!, pest!);
    const room = await group(pest!, [friend!]);
    const xp = await XmppTestClient.connect(t.xmppPort, pest!);
    xmppClients.push(xp);
    await xp.send(xml('presence'));
    const roomJid = `${room.id}@conference.localhost`;
    await xp.send(
      xml(
        'message',
        { to: roomJid, id: 'inv1' },
        xml('x', { xmlns: 'http://jabber.org/protocol/muc#user' }, xml('invite', { to: jidOf(blocker!) })),
      ),
    );
    const error = await xp.next((s) => s.name === 'message' && s.attrs.type === 'error' && s.attrs.id === 'inv1');
    expect(error.getChild('error')?.getChild('forbidden')).toBeDefined();
    const members = (await ok(call<{ conversation: Conversation }>(pest!, 'GET', `/v1/conversations/${room.id}`)))
      .conversation.members;
    expect(members.map((m) => m.userId)).not.toContain(blocker!.user.id);
  });
});

describe('in conversations they already share', () => {
  it('delivers the blocked user’s messages to the blocker, in order, but no typing, receipts or mentions', async () => {
    const [owner, blocker, pest] = await users(t, 'so', 'sb', 'sp');
    const shared = await group(owner!, [blocker!, pest!]);
    await post(blocker!, shared.id, 'hello all');
    await post(pest!, shared.id, 'hello all');
    const direct = (
      await ok(
        call<{ conversation: Conversation }>(pest!, 'POST', '/v1/conversations/direct', { userId: blocker!.user.id }),
      )
    ).conversation;
    await post(pest!, direct.id, 'old chat');
    await blockUser(blocker!, pest!);

    const [bWs, pWs, oWs] = [await ws(blocker!), await ws(pest!), await ws(owner!)];
    // Typing: refused in the direct conversation like a post would be; in the group, it reaches
    // the owner but not the blocker (and the blocker's typing does not reach the pest either).
    const refused = await pWs.request('typing.set', { conversationId: direct.id, typing: true });
    expect(refused).toMatchObject({ type: 'error', error: { code: 'blocked' } });
    expect(await pWs.request('typing.set', { conversationId: shared.id, typing: true })).toMatchObject({
      type: 'result',
    });
    await oWs.next((f) => f.type === 'typing' && JSON.stringify(f).includes(pest!.user.id));
    expect(await bWs.request('typing.set', { conversationId: shared.id, typing: true })).toMatchObject({
      type: 'result',
    });
    await oWs.next((f) => f.type === 'typing' && JSON.stringify(f).includes(blocker!.user.id));

    // A mention of the blocker by the pest is not recorded; the message itself still arrives.
    const mention = await post(pest!, shared.id, `@${blocker!.user.username} @here look`);
    expect(mention.mentions?.userIds ?? []).not.toContain(blocker!.user.id);
    await bWs.next((f) => f.type === 'message.new' && JSON.stringify(f).includes(mention.id));

    // Receipts: the pest reads; the owner is told, the blocker is not.
    await pWs.request('receipt.set', { conversationId: shared.id, kind: 'read', seq: mention.seq });
    await oWs.next((f) => f.type === 'receipt' && JSON.stringify(f).includes(pest!.user.id));
    await barrier(bWs, owner!, shared.id);
    await barrier(pWs, owner!, shared.id);
    const about = (frames: RawClient['frames'], userId: string, type: string) =>
      frames.filter((f) => f.type === type && JSON.stringify(f).includes(userId));
    expect(about(bWs.frames, pest!.user.id, 'typing')).toEqual([]);
    expect(about(bWs.frames, pest!.user.id, 'receipt')).toEqual([]);
    expect(about(pWs.frames, blocker!.user.id, 'typing')).toEqual([]);

    // The blocker's counts: every message is unread, none from the pest is a mention (even @here).
    const summary = (
      await ok(call<{ conversations: ConversationSummary[] }>(blocker!, 'GET', '/v1/conversations'))
    ).conversations.find((s) => s.conversation.id === shared.id);
    expect(summary?.mentionCount).toBe(0);
    // The sequence the blocker holds is gapless.
    const history = await ok(call<{ messages: Message[] }>(blocker!, 'GET', `/v1/conversations/${shared.id}/messages`));
    expect(history.messages.map((m) => m.seq)).toEqual(history.messages.map((_, i) => i + 1));
  });

  it('refuses the blocked user’s reactions to the blocker’s messages (not to others’)', async () => {
    const [owner, blocker, pest] = await users(t, 'ro', 'rb', 'rp');
    const shared = await group(owner!, [blocker!, pest!]);
    const theirs = await post(blocker!, shared.id, 'mine');
    const owners = await post(owner!, shared.id, 'the owner’s');
    await blockUser(blocker!, pest!);
    const pWs = await ws(pest!);
    const refused = await pWs.request('reaction.set', { messageId: theirs.id, emoji: '👎', reacted: true });
    expect(refused).toMatchObject({ type: 'error', error: { code: 'privacy_restricted' } });
    expect(JSON.stringify(refused).toLowerCase()).not.toContain('block');
    expect(await pWs.request('reaction.set', { messageId: owners.id, emoji: '👍', reacted: true })).toMatchObject({
      type: 'result',
    });
    // Nothing was appended for the refused one.
    const history = await ok(call<{ messages: Message[] }>(blocker!, 'GET', `/v1/conversations/${shared.id}/messages`));
    expect(history.messages.find((m) => m.id === theirs.id)?.reactions).toBeUndefined();
  });
});

describe('presence and the block list, live', () => {
  it('hides each from the other at once, tells the blocker’s other devices, and undoes it on unblock', async () => {
    const [blocker, pest] = await users(t, 'lb', 'lp');
    const direct = (
      await ok(
        call<{ conversation: Conversation }>(blocker!, 'POST', '/v1/conversations/direct', { userId: pest!.user.id }),
      )
    ).conversation;
    await post(pest!, direct.id, 'hi');
    const [bWs, bWs2, pWs] = [await ws(blocker!), await ws(blocker!), await ws(pest!)];
    const get = async (c: RawClient, id: string) =>
      ((await c.request('presence.get', { userIds: [id] })) as { data: { presences: Presence[] } }).data.presences[0];
    expect(await get(bWs, pest!.user.id)).toMatchObject({ status: 'online' });
    expect(await get(pWs, blocker!.user.id)).toMatchObject({ status: 'online' });

    const presenceOf = (id: string) => (f: RawClient['frames'][number]) =>
      f.type === 'presence' && f.data.userId === id;
    for (const c of [bWs, bWs2, pWs]) c.frames.length = 0;
    await blockUser(blocker!, pest!);
    expect(dataOf(await pWs.next(presenceOf(blocker!.user.id)))).toEqual({
      userId: blocker!.user.id,
      status: 'offline',
      lastSeenAt: null,
    });
    expect(dataOf(await bWs.next(presenceOf(pest!.user.id)))).toEqual({
      userId: pest!.user.id,
      status: 'offline',
      lastSeenAt: null,
    });
    expect(dataOf(await bWs2.event('block.updated'))).toEqual({ userId: pest!.user.id, blocked: true });

    for (const c of [bWs, bWs2, pWs]) c.frames.length = 0;
    await ok(call(blocker!, 'DELETE', `/v1/blocks/${pest!.user.id}`));
    expect(dataOf(await pWs.next(presenceOf(blocker!.user.id)))).toMatchObject({ status: 'online' });
    expect(dataOf(await bWs.next(presenceOf(pest!.user.id)))).toMatchObject({ status: 'online' });
    expect(dataOf(await bWs2.event('block.updated'))).toEqual({ userId: pest!.user.id, blocked: false });
  });

  it('pushes blocks and unblocks to the blocker’s XMPP resources (XEP-0191)', async () => {
    const [blocker, pest] = await users(t, 'pb', 'pp');
    const xb = await XmppTestClient.connect(t.xmppPort, blocker!);
    xmppClients.push(xb);
    await xb.send(xml('presence'));
    const isPush = (name: string) => (s: Element) =>
      s.name === 'iq' && s.attrs.type === 'set' && s.getChild(name, 'urn:xmpp:blocking') !== undefined;
    await blockUser(blocker!, pest!);
    const push = await xb.next(isPush('block'));
    expect(push.getChild('block')?.getChild('item')?.attrs.jid).toBe(jidOf(pest!));
    await ok(call(blocker!, 'DELETE', `/v1/blocks/${pest!.user.id}`));
    await xb.next(isPush('unblock'));
  });

  it('drops a blocked user’s XMPP chat states, unanswered', async () => {
    const [blocker, pest, friend] = await users(t, 'cb', 'cp', 'cf');
    const direct = (
      await ok(
        call<{ conversation: Conversation }>(pest!, 'POST', '/v1/conversations/direct', { userId: blocker!.user.id }),
      )
    ).conversation;
    await post(pest!, direct.id, 'before the block');
    await blockUser(blocker!, pest!);
    const withFriend = (
      await ok(
        call<{ conversation: Conversation }>(friend!, 'POST', '/v1/conversations/direct', { userId: blocker!.user.id }),
      )
    ).conversation;
    const bWs = await ws(blocker!);
    const xp = await XmppTestClient.connect(t.xmppPort, pest!);
    xmppClients.push(xp);
    await xp.send(xml('presence'));
    await xp.send(
      xml(
        'message',
        { type: 'chat', to: jidOf(blocker!), id: 'cs1' },
        xml('composing', { xmlns: 'http://jabber.org/protocol/chatstates' }),
      ),
    );
    await xp.ping();
    await barrier(bWs, friend!, withFriend.id);
    expect(bWs.frames.filter((f) => f.type === 'typing')).toEqual([]);
    expect(xp.stanzas.filter((s) => s.name === 'message' && s.attrs.type === 'error')).toEqual([]);
  });
});
