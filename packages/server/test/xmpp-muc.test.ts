/**
 * XEP-0045 MUC against a real server with @xmpp/client: Parley groups as rooms
 * at conference.localhost (disco), joining with history and subject, groupchat
 * both ways with native users, members-only refusal, leaving without leaving
 * the group.
 */
import { xml, type Element } from '@xmpp/client';
import type { AuthResponse, Conversation } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, RawClient } from './harness';
import { DOMAIN, jidOf, startXmppServer, users, XmppTestClient } from './xmpp-helpers';

type Server = Awaited<ReturnType<typeof startXmppServer>>;
let t: Server;
const open: XmppTestClient[] = [];
const CONFERENCE = `conference.${DOMAIN}`;
const MUC_USER = 'http://jabber.org/protocol/muc#user';

async function login(user: AuthResponse, resource = 'test'): Promise<XmppTestClient> {
  const c = await XmppTestClient.connect(t.xmppPort, user, { resource });
  open.push(c);
  return c;
}

async function group(owner: AuthResponse, title: string, members: AuthResponse[]): Promise<Conversation> {
  const { body } = await http<{ conversation: Conversation }>(t.url, 'POST', '/v1/conversations', {
    token: owner.token,
    body: { title, memberIds: members.map((m) => m.user.id) },
  });
  return body.conversation;
}

async function nativeSend(user: AuthResponse, conversationId: string, text: string, clientId: string) {
  const ws = await RawClient.authed(t.wsUrl, user.token);
  const sent = await ws.request('message.send', { conversationId, clientId, content: { type: 'text', text } });
  ws.close();
  expect(sent.type).toBe('result');
}

function codes(presence: Element): string[] {
  return (presence.getChild('x', MUC_USER)?.getChildren('status') ?? []).map((s) => s.attrs.code ?? '');
}

/** Joins and collects everything up to the subject (which XEP-0045 sends last). */
async function join(c: XmppTestClient, room: string, nick: string, history?: Record<string, string>) {
  const x = xml('x', { xmlns: 'http://jabber.org/protocol/muc' }, ...(history ? [xml('history', history)] : []));
  await c.send(xml('presence', { to: `${room}/${nick}` }, x));
  const subject = await c.message((s) => s.attrs.type === 'groupchat' && s.getChild('subject') !== undefined);
  const before = c.stanzas.splice(0);
  return { subject, before };
}

beforeAll(async () => {
  t = await startXmppServer();
});

afterAll(async () => {
  for (const c of open) await c.stop();
  await t.stop();
});

describe('XEP-0045 MUC', () => {
  it('lists the user’s groups as rooms and describes a room', async () => {
    const [owner, member] = await users(t, 'mdisco', 'mdisco2');
    const g = await group(owner!, 'Disco room', [member!]);
    const x = await login(member!);
    const server = await x.iq(
      xml('iq', { type: 'get', to: DOMAIN }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#items' })),
    );
    expect(
      server
        .getChild('query')
        ?.getChildren('item')
        .map((i) => i.attrs.jid),
    ).toContain(CONFERENCE);
    const items = await x.iq(
      xml('iq', { type: 'get', to: CONFERENCE }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#items' })),
    );
    expect(
      items
        .getChild('query')
        ?.getChildren('item')
        .map((i) => i.attrs),
    ).toContainEqual({
      jid: `${g.id}@${CONFERENCE}`,
      name: 'Disco room',
    });
    const info = await x.iq(
      xml(
        'iq',
        { type: 'get', to: `${g.id}@${CONFERENCE}` },
        xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' }),
      ),
    );
    const query = info.getChild('query');
    expect(query?.getChild('identity')?.attrs).toMatchObject({ category: 'conference', type: 'text' });
    const features = query?.getChildren('feature').map((f) => f.attrs.var);
    expect(features).toEqual(expect.arrayContaining(['http://jabber.org/protocol/muc', 'muc_membersonly']));
  });

  it('joins with occupants, self-presence codes, history (maxstanzas) and subject; groupchat both ways', async () => {
    const [owner, member, native] = await users(t, 'mowner', 'mmember', 'mnative');
    const g = await group(owner!, 'Team room', [member!, native!]);
    const room = `${g.id}@${CONFERENCE}`;
    for (const i of [1, 2, 3]) await nativeSend(native!, g.id, `old ${i}`, `old-${i}`);

    const xm = await login(member!);
    const { subject, before } = await join(xm, room, member!.user.username, { maxstanzas: '2' });
    expect(subject.getChildText('subject')).toBe('Team room');
    expect(subject.attrs.from).toBe(room);
    const presences = before.filter((s) => s.name === 'presence');
    const self = presences.find((p) => codes(p).includes('110'));
    expect(self?.attrs.from).toBe(`${room}/${member!.user.username}`);
    expect(codes(self!)).toEqual(expect.arrayContaining(['110', '100']));
    const ownerPresence = presences.find((p) => p.attrs.from === `${room}/${owner!.user.username}`);
    expect(ownerPresence?.getChild('x', MUC_USER)?.getChild('item')?.attrs).toMatchObject({
      affiliation: 'owner',
      role: 'moderator',
      jid: jidOf(owner!),
    });
    // Occupants first, then self, then history, then the subject.
    const history = before.filter((s) => s.name === 'message');
    expect(presences.at(-1)).toBe(self);
    expect(before.indexOf(self!)).toBeLessThan(before.indexOf(history[0]!));
    expect(history.map((m) => m.getChildText('body'))).toEqual(['old 2', 'old 3']);
    expect(history[0]?.getChild('delay', 'urn:xmpp:delay')).toBeDefined();
    expect(history[0]?.attrs.from).toBe(`${room}/${native!.user.username}`);

    const xo = await login(owner!);
    await join(xo, room, owner!.user.username, { maxstanzas: '0' });

    // XMPP -> room: reflected to the sender with its id, delivered to others and to native members.
    const ws = await RawClient.authed(t.wsUrl, native!.token);
    await xm.send(xml('message', { type: 'groupchat', to: room, id: 'gc-1' }, xml('body', {}, 'hello room')));
    const reflected = await xm.message((s) => s.getChildText('body') === 'hello room');
    expect(reflected.attrs).toMatchObject({ id: 'gc-1', type: 'groupchat', from: `${room}/${member!.user.username}` });
    expect((await xo.message((s) => s.getChildText('body') === 'hello room')).attrs.type).toBe('groupchat');
    await ws.next(
      (f) =>
        f.type === 'message.new' &&
        f.data.message.content.type === 'text' &&
        f.data.message.content.text === 'hello room',
    );
    ws.close();
    // Native -> room.
    await nativeSend(native!, g.id, 'from the web', 'web-1');
    const live = await xo.message((s) => s.getChildText('body') === 'from the web');
    expect(live.attrs.from).toBe(`${room}/${native!.user.username}`);
    expect(live.getChild('delay', 'urn:xmpp:delay')).toBeUndefined();

    // Leaving stops delivery to that resource but keeps the Parley membership.
    await xm.send(xml('presence', { to: `${room}/${member!.user.username}`, type: 'unavailable' }));
    const gone = await xm.next((s) => s.name === 'presence' && s.attrs.type === 'unavailable');
    expect(codes(gone)).toContain('110');
    await nativeSend(native!, g.id, 'after leave', 'web-2');
    await xo.message((s) => s.getChildText('body') === 'after leave');
    await xm.ping();
    expect(xm.stanzas.some((s) => s.getChildText('body') === 'after leave')).toBe(false);
    const still = await http<{ conversation: Conversation }>(t.url, 'GET', `/v1/conversations/${g.id}`, {
      token: member!.token,
    });
    expect(still.status).toBe(200);
  });

  it('refuses a non-member with registration-required and an unknown room with item-not-found', async () => {
    const [owner, outsider] = await users(t, 'mown2', 'mout');
    const g = await group(owner!, 'Closed', []);
    const x = await login(outsider!);
    await x.send(xml('presence', { to: `${g.id}@${CONFERENCE}/${outsider!.user.username}` }));
    const refused = await x.next((s) => s.name === 'presence' && s.attrs.type === 'error');
    expect(refused.getChild('error')?.getChild('registration-required')).toBeDefined();
    await x.send(xml('presence', { to: `c_nosuchroom@${CONFERENCE}/nick` }));
    const unknown = await x.next((s) => s.name === 'presence' && s.attrs.type === 'error');
    expect(unknown.getChild('error')?.getChild('item-not-found')).toBeDefined();
    // Not joined: groupchat is refused.
    await x.send(xml('message', { type: 'groupchat', to: `${g.id}@${CONFERENCE}`, id: 'no' }, xml('body', {}, 'x')));
    const error = await x.message((s) => s.attrs.type === 'error');
    expect(error.getChild('error')?.getChild('not-acceptable')).toBeDefined();
  });

  it('shows a member added natively to joined occupants, and renames through the subject', async () => {
    const [owner, later] = await users(t, 'mown3', 'mlater');
    const g = await group(owner!, 'Before', []);
    const room = `${g.id}@${CONFERENCE}`;
    const xo = await login(owner!);
    await join(xo, room, owner!.user.username);
    await http(t.url, 'POST', `/v1/conversations/${g.id}/members`, {
      token: owner!.token,
      body: { userIds: [later!.user.id] },
    });
    const arrived = await xo.next((s) => s.name === 'presence' && s.attrs.from === `${room}/${later!.user.username}`);
    expect(arrived.getChild('x', MUC_USER)?.getChild('item')?.attrs.affiliation).toBe('member');
    await xo.send(xml('message', { type: 'groupchat', to: room }, xml('subject', {}, 'After')));
    const subject = await xo.message((s) => s.getChildText('subject') === 'After');
    expect(subject.attrs.from).toBe(`${room}/${owner!.user.username}`);
    const { body } = await http<{ conversation: Conversation }>(t.url, 'GET', `/v1/conversations/${g.id}`, {
      token: owner!.token,
    });
    expect(body.conversation.title).toBe('After');
  });
});
