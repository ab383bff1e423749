/**
 * Archived and deleted rooms over XMPP with @xmpp/client (ADR 0020): a groupchat
 * message to an archived room is refused with a `<forbidden/>` error stanza (type
 * auth) and reaches nobody; once unarchived it goes through again; deleting the
 * group destroys the room for its occupants (XEP-0045 10.9: unavailable presence
 * with `<destroy/>`). A newcomer joining an archived open room gets `<forbidden/>`.
 */
import { xml } from '@xmpp/client';
import type { AuthResponse, Conversation } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from './harness';
import { DOMAIN, startXmppServer, users, XmppTestClient } from './xmpp-helpers';

type Server = Awaited<ReturnType<typeof startXmppServer>>;
let t: Server;
const open: XmppTestClient[] = [];
const MUC_USER = 'http://jabber.org/protocol/muc#user';

beforeAll(async () => {
  t = await startXmppServer();
});

afterAll(async () => {
  for (const c of open) await c.stop();
  await t.stop();
});

async function login(user: AuthResponse): Promise<XmppTestClient> {
  const c = await XmppTestClient.connect(t.xmppPort, user, { resource: 'archive' });
  open.push(c);
  return c;
}

async function join(c: XmppTestClient, room: string, nick: string): Promise<void> {
  await c.send(xml('presence', { to: `${room}/${nick}` }, xml('x', { xmlns: 'http://jabber.org/protocol/muc' })));
  await c.message((s) => s.attrs.type === 'groupchat' && s.getChild('subject') !== undefined);
  c.stanzas.splice(0);
}

describe('archived and deleted rooms (XEP-0045)', () => {
  it('refuses a newcomer joining an archived open room', async () => {
    const [owner, newcomer] = await users(t, 'xopen', 'xopen2');
    const { body } = await http<{ conversation: Conversation }>(t.url, 'POST', '/v1/channels', {
      token: owner!.token,
      body: { title: 'Archived open room', visibility: 'public' },
    });
    await http(t.url, 'POST', `/v1/conversations/${body.conversation.id}/archive`, { token: owner!.token });
    const x = await login(newcomer!);
    const room = `${body.conversation.id}@conference.${DOMAIN}`;
    await x.send(xml('presence', { to: `${room}/newcomer` }, xml('x', { xmlns: 'http://jabber.org/protocol/muc' })));
    const refused = await x.next((s) => s.name === 'presence' && s.attrs.type === 'error');
    expect(refused.getChild('error')?.getChild('forbidden')).toBeDefined();
    expect(refused.getChild('error')?.getChildText('text')).toMatch(/archived/);
  });

  it('refuses a post to an archived room with an error stanza, and destroys a deleted room', async () => {
    const [owner, member] = await users(t, 'xarch', 'xarch2');
    const { body } = await http<{ conversation: Conversation }>(t.url, 'POST', '/v1/conversations', {
      token: owner!.token,
      body: { title: 'Archived room', memberIds: [member!.user.id] },
    });
    const room = `${body.conversation.id}@conference.${DOMAIN}`;
    const [x, o] = [await login(member!), await login(owner!)];
    await join(x, room, 'member');
    await join(o, room, 'owner');

    const archived = await http(t.url, 'POST', `/v1/conversations/${body.conversation.id}/archive`, {
      token: owner!.token,
    });
    expect(archived.status).toBe(200);
    await x.send(xml('message', { to: room, type: 'groupchat', id: 'arch-1' }, xml('body', {}, 'still there?')));
    const error = await x.message((s) => s.attrs.type === 'error' && s.attrs.id === 'arch-1');
    const condition = error.getChild('error');
    expect(condition?.attrs.type).toBe('auth');
    expect(condition?.getChild('forbidden')).toBeDefined();
    expect(condition?.getChildText('text')).toMatch(/archived/);

    await http(t.url, 'POST', `/v1/conversations/${body.conversation.id}/unarchive`, { token: owner!.token });
    await x.send(xml('message', { to: room, type: 'groupchat', id: 'arch-2' }, xml('body', {}, 'open again')));
    const echoed = await o.message((s) => s.attrs.type === 'groupchat' && s.getChildText('body') === 'open again');
    expect(echoed.attrs.from).toBe(`${room}/member`);
    // The refused one never reached the other occupant.
    expect(o.stanzas.some((s) => s.getChildText('body') === 'still there?')).toBe(false);

    const deleted = await http(t.url, 'DELETE', `/v1/conversations/${body.conversation.id}`, { token: owner!.token });
    expect(deleted.status).toBe(204);
    for (const [c, nick] of [
      [x, 'member'],
      [o, 'owner'],
    ] as const) {
      const gone = await c.next(
        (s) => s.name === 'presence' && s.attrs.type === 'unavailable' && s.attrs.from === `${room}/${nick}`,
      );
      const destroy = gone.getChild('x', MUC_USER)?.getChild('destroy');
      expect(destroy).toBeDefined();
      expect(destroy?.getChildText('reason')).toBe('The room was deleted.');
      expect(gone.getChild('x', MUC_USER)?.getChild('item')?.attrs).toEqual({ affiliation: 'none', role: 'none' });
    }
    // The room is gone: joining it again finds nothing.
    await x.send(xml('presence', { to: `${room}/member` }, xml('x', { xmlns: 'http://jabber.org/protocol/muc' })));
    const refused = await x.next((s) => s.name === 'presence' && s.attrs.type === 'error');
    expect(refused.getChild('error')?.getChild('item-not-found')).toBeDefined();
  });
});
