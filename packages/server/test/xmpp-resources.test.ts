/**
 * A user with several XMPP resources (RFC 6121 8.5, XEP-0280) with @xmpp/client: a
 * message comes from the sender's full JID; a message to a full JID goes to that
 * resource only and the other carbon-enabled resources get a `<received/>` carbon;
 * the sender's other resources get a `<sent/>` carbon naming both full JIDs; a full
 * JID whose resource is gone is treated as the bare JID. Presence comes per resource
 * (RFC 6121 4): each resource, native devices included, comes and goes from its full
 * JID, for the user's audience only, and a newly available contact is probed per resource.
 */
import { xml, type Element } from '@xmpp/client';
import type { AuthResponse } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, RawClient } from './harness';
import { jidOf, startXmppServer, users, XmppTestClient } from './xmpp-helpers';

type Server = Awaited<ReturnType<typeof startXmppServer>>;
let t: Server;
const open: XmppTestClient[] = [];
const CARBONS = 'urn:xmpp:carbons:2';

beforeAll(async () => {
  t = await startXmppServer();
});
afterAll(async () => {
  for (const c of open) await c.stop();
  await t.stop();
});

async function online(user: AuthResponse, resource: string, priority: number, carbons: boolean) {
  const c = await XmppTestClient.connect(t.xmppPort, user, { resource });
  open.push(c);
  if (carbons) await c.iq(xml('iq', { type: 'set' }, xml('enable', { xmlns: CARBONS })));
  await c.send(xml('presence', {}, xml('priority', {}, String(priority))));
  await c.ping();
  return c;
}

const body = (text: string) => (s: Element) => s.getChildText('body') === text;
const carbonOf = (kind: 'sent' | 'received', text: string) => (s: Element) =>
  s.getChild(kind, CARBONS)?.getChild('forwarded')?.getChild('message')?.getChildText('body') === text;
const innerOf = (s: Element, kind: 'sent' | 'received') =>
  s.getChild(kind, CARBONS)!.getChild('forwarded')!.getChild('message')!;

describe('XMPP resources', () => {
  it('delivers a message to a full JID to that resource only; the others get a received carbon', async () => {
    const [alice, bob] = await users(t, 'rfa', 'rfb');
    const phone = await online(alice!, 'phone', 0, true);
    const laptop = await online(alice!, 'laptop', 10, true);
    const tablet = await online(alice!, 'tablet', 5, false);
    const desk = await online(bob!, 'desk', 0, false);

    // To the phone, although the laptop has the highest priority.
    await desk.send(
      xml('message', { type: 'chat', to: `${jidOf(alice!)}/phone`, id: 'f1' }, xml('body', {}, 'to you')),
    );
    const direct = await phone.message(body('to you'));
    expect(direct.attrs).toMatchObject({ from: `${jidOf(bob!)}/desk`, to: `${jidOf(alice!)}/phone` });
    const carbon = await laptop.message(carbonOf('received', 'to you'));
    expect(innerOf(carbon, 'received').attrs).toMatchObject({
      from: `${jidOf(bob!)}/desk`,
      to: `${jidOf(alice!)}/phone`,
    });
    // The tablet enabled no carbons: nothing at all (a ping answered after the message proves it came first).
    await tablet.ping();
    await laptop.ping();
    expect(tablet.stanzas.filter((s) => s.name === 'message')).toEqual([]);
    expect(laptop.stanzas.filter((s) => s.name === 'message' && s.getChildText('body') === 'to you')).toEqual([]);
    expect(phone.stanzas.filter((s) => s.getChild('received', CARBONS))).toEqual([]);

    // To the bare JID: the highest priority (the laptop) directly; the phone a carbon.
    await desk.send(xml('message', { type: 'chat', to: jidOf(alice!), id: 'f2' }, xml('body', {}, 'to all')));
    expect((await laptop.message(body('to all'))).attrs.from).toBe(`${jidOf(bob!)}/desk`);
    expect(innerOf(await phone.message(carbonOf('received', 'to all')), 'received').attrs.to).toBe(jidOf(alice!));

    // A full JID whose resource is gone counts as the bare JID (RFC 6121 8.5.3.2.1).
    await desk.send(xml('message', { type: 'chat', to: `${jidOf(alice!)}/gone`, id: 'f3' }, xml('body', {}, 'lost')));
    await laptop.message(body('lost'));
    await phone.message(carbonOf('received', 'lost'));
  });

  it("sends a sent carbon naming both full JIDs to the sender's other resources", async () => {
    const [alice, bob] = await users(t, 'rsa', 'rsb');
    const phone = await online(alice!, 'phone', 0, true);
    const laptop = await online(alice!, 'laptop', 0, true);
    const desk = await online(bob!, 'desk', 1, true);
    const pocket = await online(bob!, 'pocket', 9, true);

    await phone.send(
      xml('message', { type: 'chat', to: `${jidOf(bob!)}/desk`, id: 's1' }, xml('body', {}, 'hey desk')),
    );
    const sent = await laptop.message(carbonOf('sent', 'hey desk'));
    expect(innerOf(sent, 'sent').attrs).toMatchObject({ from: `${jidOf(alice!)}/phone`, to: `${jidOf(bob!)}/desk` });
    expect((await desk.message(body('hey desk'))).attrs.from).toBe(`${jidOf(alice!)}/phone`);
    await pocket.message(carbonOf('received', 'hey desk'));
    // The sending resource gets neither its message nor a carbon of it.
    await phone.ping();
    expect(phone.stanzas.filter((s) => s.name === 'message')).toEqual([]);
  });

  it('shows each resource come and go from its full JID, to the audience only', async () => {
    const [alice, bob, carol] = await users(t, 'rpa', 'rpb', 'rpc');
    await http(t.url, 'PUT', `/v1/contacts/${bob!.user.id}`, { token: alice!.token }); // Bob may see Alice
    const desk = await online(bob!, 'desk', 0, false);
    const stranger = await online(carol!, 'home', 0, false);
    const from = (resource: string, type?: string) => (s: Element) =>
      s.name === 'presence' && s.attrs.from === `${jidOf(alice!)}/${resource}` && s.attrs.type === type;

    const phone = await XmppTestClient.connect(t.xmppPort, alice!, { resource: 'phone' });
    open.push(phone);
    await phone.send(xml('presence', {}, xml('show', {}, 'away'), xml('status', {}, 'on the bus')));
    const phoneUp = await desk.next((s) => from('phone')(s) && s.getChildText('show') === 'away');
    expect(phoneUp.getChildText('status')).toBe('on the bus');
    const laptop = await online(alice!, 'laptop', 5, false);
    const laptopUp = await desk.next(from('laptop'));
    expect(laptopUp.getChildText('priority')).toBe('5');
    expect(laptopUp.getChildText('show')).toBeNull();
    // Alice's own phone sees her laptop too (RFC 6121 4.2.2).
    await phone.next(from('laptop'));

    // A native device is a resource as well.
    const web = await RawClient.authed(t.wsUrl, alice!.token);
    const nativeUp = await desk.next(
      (s) => s.name === 'presence' && /\/parley-[0-9a-f]{10}$/.test(String(s.attrs.from)) && !s.attrs.type,
    );
    expect(nativeUp.attrs.from).toMatch(new RegExp(`^${jidOf(alice!)}/`));

    // The laptop leaves while the phone stays: unavailable from the laptop's full JID only.
    await laptop.send(xml('presence', { type: 'unavailable' }));
    await desk.next(from('laptop', 'unavailable'));
    await desk.ping();
    expect(desk.stanzas.filter((s) => s.name === 'presence' && s.attrs.type === 'unavailable')).toEqual([]);

    // A new resource of Bob is probed: each of Alice's available resources, one presence each.
    const late = await online(bob!, 'late', 0, false);
    await late.next((s) => from('phone')(s) && s.getChildText('status') === 'on the bus');
    await late.next((s) => s.name === 'presence' && /\/parley-[0-9a-f]{10}$/.test(String(s.attrs.from)));
    await late.ping();
    expect(late.stanzas.filter(from('laptop'))).toEqual([]);

    web.close();
    await desk.next(
      (s) =>
        s.name === 'presence' && /\/parley-[0-9a-f]{10}$/.test(String(s.attrs.from)) && s.attrs.type === 'unavailable',
    );
    // Carol may not see Alice: nothing from any of her resources.
    await stranger.ping();
    expect(stranger.stanzas.filter((s) => String(s.attrs.from).startsWith(jidOf(alice!)))).toEqual([]);
  });

  it('sends directed presence to someone outside the audience, and its unavailable when the resource leaves', async () => {
    const [alice, carol, dave] = await users(t, 'rda', 'rdc', 'rdd');
    const home = await online(carol!, 'home', 0, false);
    const other = await online(dave!, 'desk', 0, false);
    const phone = await XmppTestClient.connect(t.xmppPort, alice!, { resource: 'phone' });
    const laptop = await online(alice!, 'laptop', 0, false);
    open.push(phone);
    await phone.send(xml('presence'));
    // Carol may not see Alice's presence (a stranger); Alice's phone shows it to her directly (RFC 6121 4.6).
    await phone.send(xml('presence', { to: jidOf(carol!) }, xml('show', {}, 'dnd'), xml('status', {}, 'for you')));
    const shown = await home.next((s) => s.name === 'presence' && s.attrs.from === `${jidOf(alice!)}/phone`);
    expect(shown.attrs.type).toBeUndefined();
    expect(shown.getChildText('show')).toBe('dnd');
    expect(shown.getChildText('status')).toBe('for you');
    // The phone's stream ends: Carol learns it left; nobody else heard of it.
    await phone.stop();
    await home.next(
      (s) => s.name === 'presence' && s.attrs.from === `${jidOf(alice!)}/phone` && s.attrs.type === 'unavailable',
    );
    await Promise.all([home.ping(), other.ping(), laptop.ping()]);
    expect(home.stanzas.filter((s) => String(s.attrs.from).startsWith(jidOf(alice!)))).toEqual([]);
    expect(other.stanzas.filter((s) => String(s.attrs.from).startsWith(jidOf(alice!)))).toEqual([]);
  });
});
