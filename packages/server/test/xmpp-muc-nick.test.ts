/**
 * XEP-0045 room nicknames with @xmpp/client: an occupant joins under a nickname
 * of its choice and is seen and heard under it; a nickname another member holds,
 * in any case, or another user's username is a conflict (409) and nothing is
 * joined; a refused nickname is not-acceptable (406); a nick change (7.6) shows
 * as 303 then the new nick to everyone; the user's other resource gets the stored
 * nickname (210).
 */
import { xml, type Element } from '@xmpp/client';
import type { AuthResponse, Conversation } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from './harness';
import { DOMAIN, jidOf, startXmppServer, users, XmppTestClient } from './xmpp-helpers';

type Server = Awaited<ReturnType<typeof startXmppServer>>;
let t: Server;
const open: XmppTestClient[] = [];
const MUC = 'http://jabber.org/protocol/muc';
const MUC_USER = 'http://jabber.org/protocol/muc#user';
const STANZAS = 'urn:ietf:params:xml:ns:xmpp-stanzas';

async function login(user: AuthResponse, resource = 'test'): Promise<XmppTestClient> {
  const c = await XmppTestClient.connect(t.xmppPort, user, { resource });
  open.push(c);
  return c;
}

async function room(owner: AuthResponse, members: AuthResponse[]): Promise<string> {
  const { body } = await http<{ conversation: Conversation }>(t.url, 'POST', '/v1/conversations', {
    token: owner.token,
    body: { title: 'Nick room', memberIds: members.map((m) => m.user.id) },
  });
  return `${body.conversation.id}@conference.${DOMAIN}`;
}

const codes = (p: Element): string[] =>
  (p.getChild('x', MUC_USER)?.getChildren('status') ?? []).map((s) => s.attrs.code ?? '');

/** Joins as `nick`: the self-presence (110) or the presence error. */
async function join(c: XmppTestClient, roomJid: string, nick: string, maxstanzas = '0'): Promise<Element> {
  await c.send(xml('presence', { to: `${roomJid}/${nick}` }, xml('x', { xmlns: MUC }, xml('history', { maxstanzas }))));
  const answer = await c.next((s) => s.name === 'presence' && (s.attrs.type === 'error' || codes(s).includes('110')));
  if (answer.attrs.type !== 'error') await c.message((s) => s.getChild('subject') !== undefined);
  return answer;
}

const errorOf = (p: Element): string | undefined =>
  p
    .getChild('error')
    ?.children.find((e): e is Element => typeof e !== 'string' && e.attrs.xmlns === STANZAS && e.name !== 'text')?.name;

beforeAll(async () => {
  t = await startXmppServer();
});

afterAll(async () => {
  for (const c of open) await c.stop();
  await t.stop();
});

describe('XEP-0045 room nicknames', () => {
  it('joins under a chosen nickname, seen in presence and messages; conflicts (409) in any case; 406 for a bad one', async () => {
    const [owner, bob, carol] = await users(t, 'nkowner', 'nkbob', 'nkcarol');
    const roomJid = await room(owner!, [bob!, carol!]);
    const xo = await login(owner!);
    expect(codes(await join(xo, roomJid, owner!.user.username))).toContain('110');

    const xb = await login(bob!);
    const self = await join(xb, roomJid, 'Captain Ｂob');
    // Stored as given (NFC), no 210: the service kept the nick asked for.
    expect(self.attrs.from).toBe(`${roomJid}/Captain Ｂob`);
    expect(codes(self)).not.toContain('210');
    // The owner, who listed bob under his username, sees the nick change (303) then the new nick.
    const gone = await xo.next(
      (s) =>
        s.name === 'presence' && s.attrs.from === `${roomJid}/${bob!.user.username}` && s.attrs.type === 'unavailable',
    );
    expect(gone.attrs.type).toBe('unavailable');
    expect(codes(gone)).toContain('303');
    expect(gone.getChild('x', MUC_USER)?.getChild('item')?.attrs.nick).toBe('Captain Ｂob');
    const arrived = await xo.next((s) => s.name === 'presence' && s.attrs.from === `${roomJid}/Captain Ｂob`);
    expect(arrived.attrs.type).toBeUndefined();
    expect(arrived.getChild('x', MUC_USER)?.getChild('item')?.attrs.jid).toBe(jidOf(bob!));

    await xb.send(xml('message', { type: 'groupchat', to: roomJid, id: 'nk-1' }, xml('body', {}, 'ahoy')));
    expect((await xo.message((s) => s.getChildText('body') === 'ahoy')).attrs.from).toBe(`${roomJid}/Captain Ｂob`);

    // Carol: bob's nickname in another case and compatibility form, then bob's username: conflict, not joined.
    const xc = await login(carol!);
    for (const taken of ['CAPTAIN BOB', owner!.user.username.toUpperCase()]) {
      const refused = await join(xc, roomJid, taken);
      expect(refused.attrs.type).toBe('error');
      expect(refused.attrs.from).toBe(`${roomJid}/${taken}`);
      expect(refused.getChild('error')?.attrs.type).toBe('cancel');
      expect(errorOf(refused)).toBe('conflict');
    }
    await xc.send(xml('message', { type: 'groupchat', to: roomJid, id: 'nk-out' }, xml('body', {}, 'sneak')));
    const notIn = await xc.message((s) => s.attrs.id === 'nk-out');
    expect(notIn.attrs.type).toBe('error');
    // Blank once normalized (a zero-width space), or longer than 64 characters: not-acceptable with the reason.
    for (const [bad, why] of [
      ['\u200B ', 'blank'],
      ['n'.repeat(65), 'at most 64'],
    ]) {
      const refused = await join(xc, roomJid, bad!);
      expect(errorOf(refused)).toBe('not-acceptable');
      expect(refused.getChild('error')?.getChildText('text', STANZAS)).toContain(why);
    }
    expect(codes(await join(xc, roomJid, 'Carol C', '5'))).toContain('110');
    // The history and muc#admin lists name bob by his nickname too.
    expect((await xc.message((s) => s.getChildText('body') === 'ahoy')).attrs.from).toBe(`${roomJid}/Captain Ｂob`);
    const list = await xo.iq(
      xml(
        'iq',
        { type: 'get', to: roomJid },
        xml('query', { xmlns: 'http://jabber.org/protocol/muc#admin' }, xml('item', { affiliation: 'member' })),
      ),
    );
    const items = list.getChild('query')?.getChildren('item') ?? [];
    expect(items.find((i) => i.attrs.jid === jidOf(bob!))?.attrs.nick).toBe('Captain Ｂob');
    expect(items.find((i) => i.attrs.jid === jidOf(carol!))?.attrs.nick).toBe('Carol C');
  });

  it('changes nick (7.6) with 303 for everyone, refuses a taken one, and gives another resource the stored nick (210)', async () => {
    const [owner, dave] = await users(t, 'nkowner2', 'nkdave');
    const roomJid = await room(owner!, [dave!]);
    const xo = await login(owner!);
    await join(xo, roomJid, 'Boss');
    const xd = await login(dave!);
    await join(xd, roomJid, 'dave one');
    await xo.next((s) => s.name === 'presence' && s.attrs.from === `${roomJid}/dave one`);

    // Taken (the owner's nickname, another case): conflict from the new nick, still in the room as before.
    await xd.send(xml('presence', { to: `${roomJid}/BOSS` }));
    const refused = await xd.next((s) => s.name === 'presence' && s.attrs.type === 'error');
    expect(refused.attrs.from).toBe(`${roomJid}/BOSS`);
    expect(errorOf(refused)).toBe('conflict');

    await xd.send(xml('presence', { to: `${roomJid}/Dave Two` }));
    for (const c of [xd, xo]) {
      const gone = await c.next((s) => s.name === 'presence' && s.attrs.from === `${roomJid}/dave one`);
      expect(gone.attrs.type).toBe('unavailable');
      expect(codes(gone)).toContain('303');
      expect(codes(gone).includes('110')).toBe(c === xd);
      expect(gone.getChild('x', MUC_USER)?.getChild('item')?.attrs.nick).toBe('Dave Two');
      const back = await c.next((s) => s.name === 'presence' && s.attrs.from === `${roomJid}/Dave Two`);
      expect(back.attrs.type).toBeUndefined();
    }
    await xd.send(xml('message', { type: 'groupchat', to: roomJid, id: 'nk-2' }, xml('body', {}, 'renamed')));
    expect((await xo.message((s) => s.getChildText('body') === 'renamed')).attrs.from).toBe(`${roomJid}/Dave Two`);

    // Another resource of dave asking for another nick gets the stored one, with 210.
    const xd2 = await login(dave!, 'second');
    const second = await join(xd2, roomJid, 'dave three');
    expect(second.attrs.from).toBe(`${roomJid}/Dave Two`);
    expect(codes(second)).toEqual(expect.arrayContaining(['110', '210']));
    // The old nickname is free again.
    const [erin] = await users(t, 'nkerin');
    await http(t.url, 'POST', `/v1/conversations/${roomJid.split('@')[0]}/members`, {
      token: owner!.token,
      body: { userIds: [erin!.user.id] },
    });
    const xe = await login(erin!);
    expect((await join(xe, roomJid, 'Dave One')).attrs.from).toBe(`${roomJid}/Dave One`);
  });
});
