/**
 * RFC 6121 2 roster items with names and groups, with @xmpp/client against a real
 * server: a roster set stores the name and groups as the contact's nickname and groups
 * (the native API sees them, and sets them back), pushes reach every resource that
 * requested the roster and no other, removal pushes `subscription='remove'`, bad items
 * get the RFC 6121 2.3.3 errors, and roster versioning (2.6) answers a current version
 * with an empty result.
 */
import { xml, type Element } from '@xmpp/client';
import type { AuthResponse, ContactsResponse } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from './harness';
import { jidOf, startXmppServer, users, XmppTestClient } from './xmpp-helpers';

type Server = Awaited<ReturnType<typeof startXmppServer>>;
let t: Server;
const open: XmppTestClient[] = [];
const ROSTER = 'jabber:iq:roster';

beforeAll(async () => {
  t = await startXmppServer();
});
afterAll(async () => {
  for (const c of open) await c.stop();
  await t.stop();
});

async function login(user: AuthResponse, resource: string): Promise<XmppTestClient> {
  const c = await XmppTestClient.connect(t.xmppPort, user, { resource });
  open.push(c);
  return c;
}

const isPush = (s: Element) => s.name === 'iq' && s.attrs.type === 'set' && s.getChild('query', ROSTER) !== undefined;
const pushedItem = (s: Element) => s.getChild('query', ROSTER)!.getChild('item')!;
const describeItem = (i: Element) => ({
  ...i.attrs,
  groups: i.getChildren('group').map((g) => g.getText()),
});

async function rosterGet(c: XmppTestClient, ver?: string): Promise<Element | undefined> {
  const attrs: Record<string, string> = ver === undefined ? { xmlns: ROSTER } : { xmlns: ROSTER, ver };
  const answer = await c.iq(xml('iq', { type: 'get' }, xml('query', attrs)));
  return answer.getChild('query', ROSTER);
}

function rosterSet(c: XmppTestClient, attrs: Record<string, string>, groups: string[] = []) {
  return c.iq(
    xml(
      'iq',
      { type: 'set' },
      xml('query', { xmlns: ROSTER }, xml('item', attrs, ...groups.map((g) => xml('group', {}, g)))),
    ),
  );
}

const contactsOf = async (who: AuthResponse) =>
  (await http<ContactsResponse>(t.url, 'GET', '/v1/contacts', { token: who.token })).body;

describe('RFC 6121 roster names and groups', () => {
  it('stores a roster set’s name and groups as the contact’s, pushes them to interested resources only', async () => {
    const [alice, bob] = await users(t, 'rna', 'rnb');
    const laptop = await login(alice!, 'laptop');
    const phone = await login(alice!, 'phone');
    const watch = await login(alice!, 'watch'); // never asks for the roster
    expect((await rosterGet(laptop))?.getChildren('item')).toEqual([]);
    await rosterGet(phone);

    await rosterSet(laptop, { jid: jidOf(bob!), name: 'Bobby' }, ['Friends', 'Chess club']);
    for (const c of [laptop, phone]) {
      const item = pushedItem(await c.next(isPush));
      expect(describeItem(item)).toEqual({
        jid: jidOf(bob!),
        name: 'Bobby',
        subscription: 'from',
        groups: ['Friends', 'Chess club'],
      });
    }
    const items = (await rosterGet(phone))!.getChildren('item').map(describeItem);
    expect(items).toEqual([expect.objectContaining({ name: 'Bobby', groups: ['Friends', 'Chess club'] })]);
    // The native API sees the same details.
    expect((await contactsOf(alice!)).contacts).toEqual([
      expect.objectContaining({ userId: bob!.user.id, nickname: 'Bobby', groups: ['Friends', 'Chess club'] }),
    ]);

    // A change from the native API (another device) is pushed too.
    await http(t.url, 'PATCH', `/v1/contacts/${bob!.user.id}`, {
      token: alice!.token,
      body: { nickname: 'Robert', groups: ['Work'] },
    });
    for (const c of [laptop, phone]) {
      expect(describeItem(pushedItem(await c.next(isPush)))).toMatchObject({ name: 'Robert', groups: ['Work'] });
    }

    // A set replaces the item whole: no name, no group.
    await rosterSet(phone, { jid: jidOf(bob!) });
    const cleared = pushedItem(await laptop.next(isPush));
    expect(describeItem(cleared)).toMatchObject({ name: bob!.user.displayName, groups: [] });
    await phone.next(isPush);
    expect((await contactsOf(alice!)).contacts[0]).toMatchObject({ nickname: null, groups: [] });

    // Removal: nothing is left between them, so the push says `remove`.
    await rosterSet(laptop, { jid: jidOf(bob!), subscription: 'remove' });
    for (const c of [laptop, phone]) {
      expect(pushedItem(await c.next(isPush)).attrs).toEqual({ jid: jidOf(bob!), subscription: 'remove' });
    }
    await watch.ping();
    expect(watch.stanzas.filter(isPush)).toEqual([]);
  });

  it('refuses repeated, empty and too long groups and names with the RFC 6121 2.3.3 errors', async () => {
    const [carol, dave] = await users(t, 'rbc', 'rbd');
    const xc = await login(carol!, 'r');
    const refusal = async (attrs: Record<string, string>, groups: string[]) => {
      const error = await rosterSet(xc, { jid: jidOf(dave!), ...attrs }, groups).then(
        () => null,
        (e: { condition?: string; element?: Element }) => e,
      );
      return { condition: error?.condition, text: error?.element?.getChildText('text') };
    };
    expect((await refusal({}, ['A', 'A'])).condition).toBe('bad-request');
    expect(await refusal({}, [''])).toMatchObject({
      condition: 'not-acceptable',
      text: expect.stringMatching(/blank/),
    });
    expect(await refusal({ name: 'n'.repeat(101) }, [])).toMatchObject({
      condition: 'not-acceptable',
      text: expect.stringMatching(/at most 100/),
    });
    expect((await refusal({}, ['g'.repeat(65)])).condition).toBe('not-acceptable');
    // Nothing was written by any of them.
    expect((await contactsOf(carol!)).contacts).toEqual([]);
  });

  it('versions the roster: a current version gets an empty result, pushes carry the next one', async () => {
    const [erin, frank, gina] = await users(t, 'rve', 'rvf', 'rvg');
    const xe = await login(erin!, 'r');
    const first = await rosterGet(xe, '');
    const ver = first?.attrs.ver;
    expect(ver).toMatch(/^[A-Za-z0-9_-]{8,}$/);
    // RFC 6121 2.6.3: the cached version is current: an empty IQ result.
    expect(await rosterGet(xe, ver)).toBeUndefined();

    await rosterSet(xe, { jid: jidOf(frank!), name: 'F' });
    const push = (await xe.next(isPush)).getChild('query', ROSTER)!;
    expect(push.attrs.ver).not.toBe(ver);
    // The version a push carries is the roster's: asking with it gets nothing new.
    expect(await rosterGet(xe, push.attrs.ver)).toBeUndefined();
    // Asking with the old one gets the whole roster and the current version.
    const full = await rosterGet(xe, ver);
    expect(full?.attrs.ver).toBe(push.attrs.ver);
    expect(full?.getChildren('item').map((i) => i.attrs.name)).toEqual(['F']);
    // A change from the other side (Gina adds Erin: Erin now sees her) changes the version too.
    await http(t.url, 'PUT', `/v1/contacts/${erin!.user.id}`, { token: gina!.token });
    const second = (await xe.next(isPush)).getChild('query', ROSTER)!;
    expect(second.attrs.ver).not.toBe(push.attrs.ver);
    expect(describeItem(second.getChild('item')!)).toMatchObject({ jid: jidOf(gina!), subscription: 'to' });
  });
});
