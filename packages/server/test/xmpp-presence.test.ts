/**
 * RFC 6121 presence with @xmpp/client against a real server: subscription requests
 * held until the contact answers (roster `ask`, delivery at the contact's next initial
 * presence, deny, withdraw, approve = the contact adds the requester natively too), and
 * resource priorities (the highest non-negative priority gets chat messages to the bare
 * JID; others only `received` carbons; a negative priority gets nothing directly).
 */
import { xml, type Element } from '@xmpp/client';
import type { AuthResponse, User } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from './harness';
import { jidOf, startXmppServer, users, XmppTestClient } from './xmpp-helpers';

type Server = Awaited<ReturnType<typeof startXmppServer>>;
let t: Server;
const open: XmppTestClient[] = [];
const ROSTER = 'jabber:iq:roster';
const CARBONS = 'urn:xmpp:carbons:2';

beforeAll(async () => {
  t = await startXmppServer();
});
afterAll(async () => {
  for (const c of open) await c.stop();
  await t.stop();
});

async function login(user: AuthResponse, resource = 'test'): Promise<XmppTestClient> {
  const c = await XmppTestClient.connect(t.xmppPort, user, { resource });
  open.push(c);
  return c;
}

const isPush = (s: Element) => s.name === 'iq' && s.attrs.type === 'set' && s.getChild('query', ROSTER) !== undefined;
const pushedItem = (s: Element) => s.getChild('query', ROSTER)!.getChild('item')!.attrs;
const subscription = (type: string, from: string) => (s: Element) =>
  s.name === 'presence' && s.attrs.type === type && s.attrs.from === from;

async function rosterOf(c: XmppTestClient) {
  const answer = await c.iq(xml('iq', { type: 'get' }, xml('query', { xmlns: ROSTER })));
  return answer
    .getChild('query')!
    .getChildren('item')
    .map((i) => i.attrs);
}

describe('RFC 6121 presence', () => {
  it('holds a subscription request until the contact approves or denies it', async () => {
    const [alice, bob, carol] = await users(t, 'psa', 'psb', 'psc');
    const xa = await login(alice!);
    // As clients do: the roster first (RFC 6121 2.1.6: only then does the resource get pushes).
    expect(await rosterOf(xa)).toEqual([]);
    await xa.send(xml('presence'));

    // Bob is offline: the request waits, and Alice's roster says so.
    await xa.send(xml('presence', { type: 'subscribe', to: jidOf(bob!) }));
    expect(pushedItem(await xa.next(isPush))).toMatchObject({
      jid: jidOf(bob!),
      subscription: 'none',
      ask: 'subscribe',
    });
    expect(await rosterOf(xa)).toEqual([expect.objectContaining({ jid: jidOf(bob!), ask: 'subscribe' })]);

    // Delivered at Bob's initial presence; he denies.
    const xb = await login(bob!);
    await xb.send(xml('presence'));
    await xb.next(subscription('subscribe', jidOf(alice!)));
    await xb.send(xml('presence', { type: 'unsubscribed', to: jidOf(alice!) }));
    await xa.next(subscription('unsubscribed', jidOf(bob!)));
    expect(pushedItem(await xa.next(isPush))).toMatchObject({ jid: jidOf(bob!), subscription: 'remove' });

    // Carol asks and withdraws: Bob is told live, and nothing waits afterwards.
    const xc = await login(carol!);
    await xc.send(xml('presence', { type: 'subscribe', to: jidOf(bob!) }));
    await xb.next(subscription('subscribe', jidOf(carol!)));
    await xc.send(xml('presence', { type: 'unsubscribe', to: jidOf(bob!) }));
    await xb.next(subscription('unsubscribe', jidOf(carol!)));

    // Alice asks again, live this time; Bob approves, which adds her to his contacts.
    await xa.send(xml('presence', { type: 'subscribe', to: jidOf(bob!) }));
    await xa.next(isPush);
    await xb.next(subscription('subscribe', jidOf(alice!)));
    await xb.send(xml('presence', { type: 'subscribed', to: jidOf(alice!) }));
    await xa.next(subscription('subscribed', jidOf(bob!)));
    const approved = pushedItem(await xa.next(isPush));
    expect(approved).toMatchObject({ jid: jidOf(bob!), subscription: 'to' });
    expect(approved.ask).toBeUndefined();
    // Bob is online: Alice now gets his presence.
    await xa.next((s) => s.name === 'presence' && s.attrs.from === `${jidOf(bob!)}/test` && s.attrs.type === undefined);
    const { body } = await http<{ users: User[] }>(t.url, 'GET', '/v1/contacts', { token: bob!.token });
    expect(body.users.map((u) => u.id)).toEqual([alice!.user.id]);

    // A later login of Bob has no request left to answer; Alice's roster shows `to`, no ask.
    const again = await login(bob!, 'again');
    await again.send(xml('presence'));
    await again.ping();
    expect(again.stanzas.filter((s) => s.name === 'presence' && s.attrs.type === 'subscribe')).toEqual([]);
    expect(await rosterOf(xa)).toEqual([{ jid: jidOf(bob!), name: expect.any(String), subscription: 'to' }]);
  });

  it('gives chat messages to the bare JID to the highest-priority resource; carbons still copy', async () => {
    const [alice, bob] = await users(t, 'ppa', 'ppb');
    const phone = await login(alice!, 'phone');
    const laptop = await login(alice!, 'laptop');
    const tablet = await login(alice!, 'tablet');
    await laptop.iq(xml('iq', { type: 'set' }, xml('enable', { xmlns: CARBONS })));
    for (const [c, priority] of [
      [phone, '10'],
      [laptop, '5'],
      [tablet, '-1'],
    ] as const) {
      await c.send(xml('presence', {}, xml('priority', {}, priority)));
      await c.ping();
    }
    const xb = await login(bob!);
    await xb.send(xml('message', { type: 'chat', to: jidOf(alice!), id: 'p1' }, xml('body', {}, 'first')));
    const direct = await phone.message((s) => s.getChildText('body') === 'first');
    expect(direct.attrs.from).toBe(`${jidOf(bob!)}/test`);
    const carbon = await laptop.message((s) => s.getChild('received', CARBONS) !== undefined);
    const inner = carbon.getChild('received', CARBONS)!.getChild('forwarded')!.getChild('message')!;
    expect(inner.getChildText('body')).toBe('first');
    expect(inner.attrs).toMatchObject({ from: `${jidOf(bob!)}/test`, to: jidOf(alice!) });

    // The tablet raises its priority: it gets the next one, and never got the first.
    await tablet.send(xml('presence', {}, xml('priority', {}, '20')));
    await tablet.ping();
    await xb.send(xml('message', { type: 'chat', to: jidOf(alice!), id: 'p2' }, xml('body', {}, 'second')));
    await tablet.message((s) => s.getChildText('body') === 'second');
    expect(tablet.stanzas.filter((s) => s.name === 'message')).toEqual([]);
    await laptop.message(
      (s) =>
        s.getChild('received', CARBONS)?.getChild('forwarded')?.getChild('message')?.getChildText('body') === 'second',
    );
  });
});
