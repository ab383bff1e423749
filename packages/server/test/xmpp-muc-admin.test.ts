/**
 * XEP-0045 administration over the core, with @xmpp/client against a real server:
 * rooms created by joining a new room JID (instant and reserved, locked until
 * configured), the configuration form over group and channel settings, affiliation
 * and role changes (admin, member, none, outcast, kick, voice), mediated invitations
 * and XEP-0425 moderated retraction. The result is read back over the native API.
 */
import { xml, type Element } from '@xmpp/client';
import type { AuthResponse, Ban, Conversation, Member, Message } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from './harness';
import { DOMAIN, jidOf, startXmppServer, users, XmppTestClient } from './xmpp-helpers';

type Server = Awaited<ReturnType<typeof startXmppServer>>;
let t: Server;
const open: XmppTestClient[] = [];
const CONFERENCE = `conference.${DOMAIN}`;
const MUC = 'http://jabber.org/protocol/muc';
const MUC_USER = 'http://jabber.org/protocol/muc#user';
const MUC_OWNER = 'http://jabber.org/protocol/muc#owner';
const MUC_ADMIN = 'http://jabber.org/protocol/muc#admin';
const RETRACT = 'urn:xmpp:message-retract:1';
const MODERATE = 'urn:xmpp:message-moderate:1';
const SID = 'urn:xmpp:sid:0';
const DISCO_INFO = 'http://jabber.org/protocol/disco#info';

beforeAll(async () => {
  t = await startXmppServer();
});
afterAll(async () => {
  for (const c of open) await c.stop();
  await t.stop();
});

async function login(user: AuthResponse): Promise<XmppTestClient> {
  const c = await XmppTestClient.connect(t.xmppPort, user);
  open.push(c);
  return c;
}

const codes = (presence: Element) =>
  (presence.getChild('x', MUC_USER)?.getChildren('status') ?? []).map((s) => s.attrs.code ?? '');
const conditionOf = (error: unknown) => String(error instanceof Error ? error.message : error);

async function conversation(user: AuthResponse, id: string): Promise<Conversation> {
  const { status, body } = await http<{ conversation: Conversation }>(t.url, 'GET', `/v1/conversations/${id}`, {
    token: user.token,
  });
  expect(status).toBe(200);
  return body.conversation;
}

async function members(user: AuthResponse, id: string): Promise<Member[]> {
  const { body } = await http<{ members: Member[] }>(t.url, 'GET', `/v1/conversations/${id}/members`, {
    token: user.token,
  });
  return body.members;
}

/** Joins an existing room and waits for the subject (sent last). */
async function join(c: XmppTestClient, room: string, nick: string): Promise<void> {
  await c.send(xml('presence', { to: `${room}/${nick}` }, xml('x', { xmlns: MUC })));
  await c.message((s) => s.attrs.type === 'groupchat' && s.getChild('subject') !== undefined);
}

function form(type: string, fields: Record<string, string> = {}): Element {
  return xml(
    'x',
    { xmlns: 'jabber:x:data', type },
    xml('field', { var: 'FORM_TYPE' }, xml('value', {}, 'http://jabber.org/protocol/muc#roomconfig')),
    ...Object.entries(fields).map(([name, value]) => xml('field', { var: name }, xml('value', {}, value))),
  );
}

const admin = (c: XmppTestClient, room: string, item: Record<string, string>, reason?: string) =>
  c.iq(
    xml(
      'iq',
      { type: 'set', to: room },
      xml('query', { xmlns: MUC_ADMIN }, xml('item', item, ...(reason ? [xml('reason', {}, reason)] : []))),
    ),
  );

describe('XEP-0045 administration', () => {
  it('creates an instant room (an open room: a public channel) by joining a new room JID, then configures it', async () => {
    const [owner, guest] = await users(t, 'mco', 'mcg');
    const xo = await login(owner!);
    const name = `team-${owner!.user.username}`;
    const room = `${name}@${CONFERENCE}`;
    await xo.send(xml('presence', { to: `${room}/anything` }, xml('x', { xmlns: MUC })));
    const self = await xo.next((s) => s.is('presence') && codes(s).includes('201'));
    expect(codes(self)).toEqual(['110', '201']);
    expect(self.getChild('x', MUC_USER)?.getChild('item')?.attrs).toMatchObject({
      affiliation: 'owner',
      role: 'moderator',
    });
    // Locked until configured: nobody may talk in it yet.
    await xo.send(xml('message', { type: 'groupchat', to: room, id: 'early' }, xml('body', {}, 'too early')));
    await xo.next((s) => s.attrs.type === 'error' && s.attrs.id === 'early');
    // The new room's form offers an open room.
    const offered = await xo.iq(xml('iq', { type: 'get', to: room }, xml('query', { xmlns: MUC_OWNER })));
    const offeredFields = offered.getChild('query')!.getChild('x')!.getChildren('field');
    expect(offeredFields.find((f) => f.attrs.var === 'muc#roomconfig_membersonly')?.getChildText('value')).toBe('0');

    // XEP-0045 10.1.2: the instant room is open (XEP-0045 clients expect that by default).
    await xo.iq(xml('iq', { type: 'set', to: room }, xml('query', { xmlns: MUC_OWNER }, form('submit'))));
    await xo.message((s) => s.getChild('subject') !== undefined);
    const created = await conversation(owner!, name);
    expect(created).toMatchObject({ id: name, kind: 'channel', visibility: 'public', title: name });
    await xo.send(xml('message', { type: 'groupchat', to: room }, xml('body', {}, 'first words')));
    await xo.message((s) => s.getChildText('body') === 'first words');

    // The configuration form: read, then title and description changed.
    const got = await xo.iq(xml('iq', { type: 'get', to: room }, xml('query', { xmlns: MUC_OWNER })));
    const fields = got.getChild('query')!.getChild('x')!.getChildren('field');
    expect(fields.find((f) => f.attrs.var === 'muc#roomconfig_roomname')?.getChildText('value')).toBe(name);
    await xo.iq(
      xml(
        'iq',
        { type: 'set', to: room },
        xml(
          'query',
          { xmlns: MUC_OWNER },
          form('submit', { 'muc#roomconfig_roomname': 'Team X', 'muc#roomconfig_roomdesc': 'the x team' }),
        ),
      ),
    );
    expect(await conversation(owner!, name)).toMatchObject({ title: 'Team X', description: 'the x team' });

    // Anyone may join an open room (and becomes a member); configuring it is the owner's.
    const xg = await login(guest!);
    await join(xg, room, guest!.user.username);
    expect((await members(owner!, name)).map((m) => m.userId)).toContain(guest!.user.id);
    const denied = await xg
      .iq(xml('iq', { type: 'get', to: room }, xml('query', { xmlns: MUC_OWNER })))
      .catch((e: unknown) => e);
    expect(conditionOf(denied)).toMatch(/forbidden/);
    const info = await xg.iq(xml('iq', { type: 'get', to: room }, xml('query', { xmlns: DISCO_INFO })));
    const features = info
      .getChild('query')!
      .getChildren('feature')
      .map((f) => f.attrs.var);
    expect(features).toEqual(expect.arrayContaining(['muc_open', 'muc_public']));
  });

  it('creates a members-only room (a group) from a reserved room form; others need membership', async () => {
    const [owner, guest] = await users(t, 'mcm', 'mcn');
    const xo = await login(owner!);
    const name = `club-${owner!.user.username}`;
    const room = `${name}@${CONFERENCE}`;
    await xo.send(xml('presence', { to: `${room}/${owner!.user.username}` }, xml('x', { xmlns: MUC })));
    await xo.next((s) => s.is('presence') && codes(s).includes('201'));
    // XEP-0045 10.1.3: the reserved room, configured before it opens.
    await xo.iq(
      xml(
        'iq',
        { type: 'set', to: room },
        xml('query', { xmlns: MUC_OWNER }, form('submit', { 'muc#roomconfig_membersonly': '1' })),
      ),
    );
    await xo.message((s) => s.getChild('subject') !== undefined);
    expect(await conversation(owner!, name)).toMatchObject({ id: name, kind: 'group' });
    const publicGroup = xml(
      'iq',
      { type: 'set', to: room },
      xml('query', { xmlns: MUC_OWNER }, form('submit', { 'muc#roomconfig_publicroom': '1' })),
    );
    expect(conditionOf(await xo.iq(publicGroup).catch((e: unknown) => e))).toMatch(/not-acceptable/);

    // XEP-0045 7.2.6: not a member, not in.
    const xg = await login(guest!);
    await xg.send(xml('presence', { to: `${room}/${guest!.user.username}` }, xml('x', { xmlns: MUC })));
    const refused = await xg.next((s) => s.is('presence') && s.attrs.type === 'error');
    expect(refused.getChild('error')?.getChild('registration-required')).toBeDefined();
    // Granted membership (XEP-0045 9.3), the guest enters.
    await admin(xo, room, { affiliation: 'member', jid: jidOf(guest!) });
    await join(xg, room, guest!.user.username);
    const info = await xg.iq(xml('iq', { type: 'get', to: room }, xml('query', { xmlns: DISCO_INFO })));
    const features = info
      .getChild('query')!
      .getChildren('feature')
      .map((f) => f.attrs.var);
    expect(features).toEqual(expect.arrayContaining(['muc_membersonly', 'muc_hidden']));
  });

  it('creates a public, moderated room (a broadcast channel) from a reserved room form', async () => {
    const [owner, passer] = await users(t, 'mcp', 'mcq');
    const xo = await login(owner!);
    const name = `news-${owner!.user.username}`;
    const room = `${name}@${CONFERENCE}`;
    await xo.send(xml('presence', { to: `${room}/${owner!.user.username}` }, xml('x', { xmlns: MUC })));
    await xo.next((s) => s.is('presence') && codes(s).includes('201'));
    const blank = await xo.iq(xml('iq', { type: 'get', to: room }, xml('query', { xmlns: MUC_OWNER })));
    expect(blank.getChild('query')?.getChild('x')?.attrs.type).toBe('form');
    await xo.iq(
      xml(
        'iq',
        { type: 'set', to: room },
        xml(
          'query',
          { xmlns: MUC_OWNER },
          form('submit', {
            'muc#roomconfig_roomname': 'News',
            'muc#roomconfig_publicroom': '1',
            'muc#roomconfig_membersonly': '0',
            'muc#roomconfig_moderatedroom': '1',
          }),
        ),
      ),
    );
    await xo.message((s) => s.getChild('subject') !== undefined);
    expect(await conversation(owner!, name)).toMatchObject({
      kind: 'channel',
      title: 'News',
      visibility: 'public',
      postPolicy: 'admins',
    });
    // A public room admits anyone who joins; in a moderated one only owners and admins speak.
    const xp = await login(passer!);
    await join(xp, room, passer!.user.username);
    await xp.send(xml('message', { type: 'groupchat', to: room, id: 'talk' }, xml('body', {}, 'may I?')));
    const refused = await xp.next((s) => s.attrs.type === 'error' && s.attrs.id === 'talk');
    expect(refused.getChild('error')?.getChild('forbidden')).toBeDefined();
    const info = await xp.iq(
      xml('iq', { type: 'get', to: room }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' })),
    );
    const features = info
      .getChild('query')!
      .getChildren('feature')
      .map((f) => f.attrs.var);
    expect(features).toEqual(expect.arrayContaining(['muc_public', 'muc_open', 'muc_moderated', MODERATE]));
  });

  it('maps invitations, affiliations and roles to members, roles, mutes, kicks and bans', async () => {
    const [owner, mate, guest] = await users(t, 'mao', 'mam', 'mag');
    const { body } = await http<{ conversation: Conversation }>(t.url, 'POST', '/v1/conversations', {
      token: owner!.token,
      body: { title: 'admin', memberIds: [mate!.user.id] },
    });
    const id = body.conversation.id;
    const room = `${id}@${CONFERENCE}`;
    const xo = await login(owner!);
    const xg = await login(guest!);
    await join(xo, room, owner!.user.username);

    // XEP-0045 7.8.2: the mediated invitation makes the guest a member, and the guest is told.
    await xo.send(xml('message', { to: room }, xml('x', { xmlns: MUC_USER }, xml('invite', { to: jidOf(guest!) }))));
    const invitation = await xg.message((s) => s.getChild('x', MUC_USER)?.getChild('invite') !== undefined);
    expect(invitation.attrs.from).toBe(room);
    expect(invitation.getChild('x', MUC_USER)?.getChild('invite')?.attrs.from).toBe(jidOf(owner!));
    await join(xg, room, guest!.user.username);

    const roleOf = async (userId: string) => (await members(owner!, id)).find((m) => m.userId === userId);
    await admin(xo, room, { nick: mate!.user.username, affiliation: 'admin' });
    expect((await roleOf(mate!.user.id))?.role).toBe('admin');
    await admin(xo, room, { jid: jidOf(mate!), affiliation: 'member' });
    expect((await roleOf(mate!.user.id))?.role).toBe('member');
    await admin(xo, room, { nick: mate!.user.username, role: 'moderator' });
    expect((await roleOf(mate!.user.id))?.role).toBe('moderator');

    // Voice: revoked = muted (the guest cannot post), granted = unmuted.
    await admin(xo, room, { nick: guest!.user.username, role: 'visitor' });
    expect((await roleOf(guest!.user.id))?.mutedUntil).toBeGreaterThan(Date.now());
    const roleIn = (s: Element) => s.getChild('x', MUC_USER)?.getChild('item')?.attrs.role;
    const guestNick = `${room}/${guest!.user.username}`;
    await xo.next((s) => s.is('presence') && s.attrs.from === guestNick && roleIn(s) === 'visitor');
    await xg.next(
      (s) => s.is('presence') && s.attrs.from === guestNick && roleIn(s) === 'visitor' && codes(s).includes('110'),
    );
    await xg.send(xml('message', { type: 'groupchat', to: room, id: 'muted' }, xml('body', {}, 'hello?')));
    await xg.next((s) => s.attrs.type === 'error' && s.attrs.id === 'muted');
    await admin(xo, room, { nick: guest!.user.username, role: 'participant' });
    expect((await roleOf(guest!.user.id))?.mutedUntil).toBeNull();
    await xo.next((s) => s.is('presence') && s.attrs.from === guestNick && roleIn(s) === 'participant');

    // Members may not kick; the owner kicks (role none) and the guest's resource is out.
    const xm = await login(mate!);
    await admin(xo, room, { nick: mate!.user.username, role: 'participant' });
    expect(
      conditionOf(await admin(xm, room, { nick: guest!.user.username, role: 'none' }).catch((e: unknown) => e)),
    ).toMatch(/forbidden/);
    await admin(xo, room, { nick: guest!.user.username, role: 'none' }, 'too loud');
    const out = await xg.next((s) => s.is('presence') && s.attrs.type === 'unavailable' && codes(s).includes('110'));
    expect(out.attrs.from).toBe(`${room}/${guest!.user.username}`);
    expect(codes(out)).toEqual(['110', '307']);
    const seenOut = await xo.next(
      (s) => s.is('presence') && s.attrs.type === 'unavailable' && s.attrs.from === guestNick,
    );
    expect(codes(seenOut)).toEqual(['307']);
    expect(await roleOf(guest!.user.id)).toBeUndefined();

    // Outcast = ban (listed), none = unbanned; ownership cannot be given away.
    await admin(xo, room, { jid: jidOf(guest!), affiliation: 'outcast' }, 'spam');
    const { body: bans } = await http<{ bans: Ban[] }>(t.url, 'GET', `/v1/conversations/${id}/bans`, {
      token: owner!.token,
    });
    expect(bans.bans.map((b) => [b.userId, b.reason])).toEqual([[guest!.user.id, 'spam']]);
    const outcasts = await xo.iq(
      xml('iq', { type: 'get', to: room }, xml('query', { xmlns: MUC_ADMIN }, xml('item', { affiliation: 'outcast' }))),
    );
    expect(
      outcasts
        .getChild('query')!
        .getChildren('item')
        .map((i) => i.attrs.jid),
    ).toEqual([jidOf(guest!)]);
    await admin(xo, room, { jid: jidOf(guest!), affiliation: 'none' });
    const { body: after } = await http<{ bans: Ban[] }>(t.url, 'GET', `/v1/conversations/${id}/bans`, {
      token: owner!.token,
    });
    expect(after.bans).toEqual([]);
    const owners = await xo.iq(
      xml('iq', { type: 'get', to: room }, xml('query', { xmlns: MUC_ADMIN }, xml('item', { affiliation: 'member' }))),
    );
    expect(
      owners
        .getChild('query')!
        .getChildren('item')
        .map((i) => i.attrs.nick),
    ).toEqual([mate!.user.username]);
    expect(
      conditionOf(await admin(xo, room, { nick: mate!.user.username, affiliation: 'owner' }).catch((e: unknown) => e)),
    ).toMatch(/not-allowed/);
  });

  it('retracts a message for everyone on a moderator’s XEP-0425 request', async () => {
    const [owner, mate] = await users(t, 'mro', 'mrm');
    const { body } = await http<{ conversation: Conversation }>(t.url, 'POST', '/v1/conversations', {
      token: owner!.token,
      body: { title: 'moderated', memberIds: [mate!.user.id] },
    });
    const room = `${body.conversation.id}@${CONFERENCE}`;
    const xo = await login(owner!);
    const xm = await login(mate!);
    await join(xo, room, owner!.user.username);
    await join(xm, room, mate!.user.username);
    await xm.send(xml('message', { type: 'groupchat', to: room }, xml('body', {}, 'something rude')));
    const seen = await xo.message((s) => s.getChildText('body') === 'something rude');
    const stanzaId = seen.getChild('stanza-id', SID)!.attrs.id!;
    await xo.send(xml('message', { type: 'groupchat', to: room }, xml('body', {}, 'owner speaks')));
    const ownerSays = await xm.message((s) => s.getChildText('body') === 'owner speaks');
    const moderate = (c: XmppTestClient, id: string) =>
      c.iq(
        xml(
          'iq',
          { type: 'set', to: room },
          xml('moderate', { xmlns: MODERATE, id }, xml('retract', { xmlns: RETRACT }), xml('reason', {}, 'rude')),
        ),
      );
    expect(
      conditionOf(await moderate(xm, ownerSays.getChild('stanza-id', SID)!.attrs.id!).catch((e: unknown) => e)),
    ).toMatch(/forbidden/);
    await moderate(xo, stanzaId);
    const retraction = await xm.message((s) => s.getChild('retract', RETRACT) !== undefined);
    expect(retraction.getChild('retract', RETRACT)?.attrs.id).toBe(stanzaId);
    expect(retraction.getChild('retract', RETRACT)?.getChild('moderated', MODERATE)?.attrs.by).toBe(
      `${room}/${owner!.user.username}`,
    );
    const { body: history } = await http<{ messages: Message[] }>(
      t.url,
      'GET',
      `/v1/conversations/${body.conversation.id}/messages`,
      { token: mate!.token },
    );
    expect(history.messages.find((m) => m.id === stanzaId)?.content.type).toBe('deleted');
  });

  it('answers a XEP-0410 self-ping while joined, and not-acceptable after leaving', async () => {
    const [owner] = await users(t, 'msp');
    const { body } = await http<{ conversation: Conversation }>(t.url, 'POST', '/v1/conversations', {
      token: owner!.token,
      body: { title: 'ping', memberIds: [] },
    });
    const room = `${body.conversation.id}@${CONFERENCE}`;
    const xo = await login(owner!);
    const selfPing = () =>
      xo.iq(xml('iq', { type: 'get', to: `${room}/${owner!.user.username}` }, xml('ping', { xmlns: 'urn:xmpp:ping' })));
    expect(conditionOf(await selfPing().catch((e: unknown) => e))).toMatch(/not-acceptable/);
    await join(xo, room, owner!.user.username);
    await selfPing();
    await xo.send(xml('presence', { to: `${room}/${owner!.user.username}`, type: 'unavailable' }));
    await xo.next((s) => s.is('presence') && s.attrs.type === 'unavailable');
    expect(conditionOf(await selfPing().catch((e: unknown) => e))).toMatch(/not-acceptable/);
  });
});
