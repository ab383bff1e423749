/**
 * The XMPP listener against a real server, driven by @xmpp/client from npm (a
 * client library we did not write): login, chat both ways, native <-> XMPP,
 * offline delivery, roster and subscriptions, presence, carbons, RFC 7395.
 */
import { xml } from '@xmpp/client';
import type { Conversation } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, RawClient } from './harness';
import { jidOf, startXmppServer, users, XmppTestClient } from './xmpp-helpers';

type Server = Awaited<ReturnType<typeof startXmppServer>>;
let t: Server;
const open: XmppTestClient[] = [];

async function login(...args: Parameters<typeof XmppTestClient.connect>): Promise<XmppTestClient> {
  const c = await XmppTestClient.connect(...args);
  open.push(c);
  return c;
}

beforeAll(async () => {
  t = await startXmppServer();
});

afterAll(async () => {
  for (const c of open) await c.stop();
  await t.stop();
});

describe('XMPP with @xmpp/client', () => {
  it('logs in over STARTTLS with SCRAM and chats both ways between two XMPP users', async () => {
    const [alice, bob] = await users(t, 'alice', 'bob');
    const xa = await login(t.xmppPort, alice!);
    const xb = await login(t.xmppPort, bob!);
    await xa.send(xml('message', { type: 'chat', to: jidOf(bob!), id: 'hello-1' }, xml('body', {}, 'hello bob')));
    const got = await xb.message((s) => s.getChildText('body') === 'hello bob');
    // RFC 6120 8.1.2.1: from the sender's full JID, resource included.
    expect(got.attrs.from).toBe(`${jidOf(alice!)}/test`);
    expect(got.attrs.type).toBe('chat');
    expect(got.attrs.id).toBe('hello-1');
    await xb.send(xml('message', { type: 'chat', to: jidOf(alice!), id: 'hi-1' }, xml('body', {}, 'hi alice')));
    expect((await xa.message((s) => s.getChildText('body') === 'hi alice')).attrs.from).toBe(`${jidOf(bob!)}/test`);
    // The sender's own resource does not get its message echoed back.
    expect(xa.stanzas.some((s) => s.getChildText('body') === 'hello bob')).toBe(false);
  });

  it('carries messages between native and XMPP users both ways', async () => {
    const [native, jabber] = await users(t, 'native', 'jabber');
    const { body } = await http<{ conversation: Conversation }>(t.url, 'POST', '/v1/conversations/direct', {
      token: native!.token,
      body: { userId: jabber!.user.id },
    });
    const conversationId = body.conversation.id;
    const ws = await RawClient.authed(t.wsUrl, native!.token);
    const xj = await login(t.xmppPort, jabber!);

    const sent = await ws.request('message.send', {
      conversationId,
      clientId: 'native-1',
      content: { type: 'text', text: 'from the web app' },
    });
    expect(sent.type).toBe('result');
    const got = await xj.message((s) => s.getChildText('body') === 'from the web app');
    // A native device is a resource too, derived from its session (which it does not reveal).
    expect(got.attrs.from).toMatch(new RegExp(`^${jidOf(native!)}/parley-[0-9a-f]{10}$`));
    expect(got.attrs.from).not.toContain(native!.session.id);

    await xj.send(xml('message', { type: 'chat', to: jidOf(native!), id: 'x-1' }, xml('body', {}, 'from xmpp')));
    const event = await ws.next(
      (f) =>
        f.type === 'message.new' &&
        f.data.message.content.type === 'text' &&
        f.data.message.content.text === 'from xmpp',
    );
    expect(event.type === 'message.new' && event.data.message.senderId).toBe(jabber!.user.id);
    ws.close();
  });

  it('answers delivery receipts and markers only for messages that asked for them (XEP-0184, XEP-0333)', async () => {
    const [native, jabber] = await users(t, 'rcpt-native', 'rcpt-jabber');
    const ws = await RawClient.authed(t.wsUrl, native!.token);
    const xj = await login(t.xmppPort, jabber!);
    const seqOf = async (text: string) => {
      const event = await ws.next(
        (f) =>
          f.type === 'message.new' && f.data.message.content.type === 'text' && f.data.message.content.text === text,
      );
      return event.type === 'message.new' ? event.data.message : undefined;
    };
    await xj.send(xml('message', { type: 'chat', to: jidOf(native!), id: 'plain-1' }, xml('body', {}, 'no receipt')));
    const plain = await seqOf('no receipt');
    await xj.send(
      xml(
        'message',
        { type: 'chat', to: jidOf(native!), id: 'asks-1' },
        xml('body', {}, 'receipt please'),
        xml('request', { xmlns: 'urn:xmpp:receipts' }),
        xml('markable', { xmlns: 'urn:xmpp:chat-markers:0' }),
      ),
    );
    const asks = await seqOf('receipt please');
    const receipt = (kind: string, seq: number) =>
      ws.request('receipt.set', { conversationId: asks!.conversationId, kind, seq });
    expect((await receipt('delivered', plain!.seq)).type).toBe('result');
    expect((await receipt('delivered', asks!.seq)).type).toBe('result');
    const received = await xj.message((s) => s.getChild('received', 'urn:xmpp:receipts') !== undefined);
    expect(received.getChild('received', 'urn:xmpp:receipts')?.attrs.id).toBe('asks-1');
    expect((await receipt('read', asks!.seq)).type).toBe('result');
    const displayed = await xj.message((s) => s.getChild('displayed', 'urn:xmpp:chat-markers:0') !== undefined);
    expect(displayed.getChild('displayed', 'urn:xmpp:chat-markers:0')?.attrs.id).toBe('asks-1');
    // Events reach the session in order: the unrequested one was handled (and dropped) before these.
    expect(xj.stanzas.some((s) => s.getChild('received', 'urn:xmpp:receipts')?.attrs.id === 'plain-1')).toBe(false);
    ws.close();
  });

  it('delivers messages sent while offline at login, with a delay stamp, once', async () => {
    const [sender, away] = await users(t, 'sender', 'away');
    const xs = await login(t.xmppPort, sender!);
    for (const text of ['one', 'two', 'three']) {
      await xs.send(xml('message', { type: 'chat', to: jidOf(away!), id: `off-${text}` }, xml('body', {}, text)));
    }
    await xs.send(xml('message', { type: 'chat', to: jidOf(away!), id: 'off-last' }, xml('body', {}, 'last')));
    await xs.ping(); // the sends above are handled in order before this answer
    const xa = await login(t.xmppPort, away!);
    const bodies: string[] = [];
    for (let i = 0; i < 4; i++) {
      const m = await xa.message((s) => s.getChildText('body') !== null);
      expect(m.getChild('delay', 'urn:xmpp:delay')).toBeDefined();
      bodies.push(m.getChildText('body') ?? '');
    }
    expect(bodies).toEqual(['one', 'two', 'three', 'last']);
    await xa.stop();
    // Delivered once: a second login gets nothing old.
    const again = await login(t.xmppPort, away!, { resource: 'second' });
    await again.ping();
    expect(again.stanzas.filter((s) => s.name === 'message')).toEqual([]);
  });

  it('takes a stanza id reused in a later session with other content as a new message', async () => {
    // Clients that number stanzas from 1 in every stream (RFC 6120 8.1.3 allows it) reuse ids.
    const [counter, reader] = await users(t, 'counter', 'reader');
    const xr = await login(t.xmppPort, reader!);
    const first = await login(t.xmppPort, counter!);
    await first.send(xml('message', { type: 'chat', to: jidOf(reader!), id: '1' }, xml('body', {}, 'first session')));
    await xr.message((s) => s.getChildText('body') === 'first session');
    await first.stop();
    const second = await login(t.xmppPort, counter!);
    await second.send(xml('message', { type: 'chat', to: jidOf(reader!), id: '1' }, xml('body', {}, 'second session')));
    await xr.message((s) => s.getChildText('body') === 'second session');
    await second.ping();
    expect(second.stanzas.filter((s) => s.name === 'message' && s.attrs.type === 'error')).toEqual([]);
  });

  it('maps the roster to contacts, with pushes and subscription states', async () => {
    const [alice, bob] = await users(t, 'ralice', 'rbob');
    const xa = await login(t.xmppPort, alice!);
    const xb = await login(t.xmppPort, bob!);
    const empty = await xa.iq(xml('iq', { type: 'get' }, xml('query', { xmlns: 'jabber:iq:roster' })));
    expect(empty.getChild('query')?.getChildren('item')).toEqual([]);
    // RFC 6121 2.1.6: a resource gets roster pushes once it requested the roster.
    await xb.iq(xml('iq', { type: 'get' }, xml('query', { xmlns: 'jabber:iq:roster' })));

    const push = xa.next((s) => s.name === 'iq' && s.attrs.type === 'set');
    await xa.iq(
      xml('iq', { type: 'set' }, xml('query', { xmlns: 'jabber:iq:roster' }, xml('item', { jid: jidOf(bob!) }))),
    );
    const pushed = (await push).getChild('query')?.getChild('item');
    expect(pushed?.attrs).toMatchObject({ jid: jidOf(bob!), subscription: 'from' });

    // Bob approves Alice: he adds her, so she now sees his presence too (a push and `subscribed` to her).
    const approved = xa.next((s) => s.name === 'iq' && s.attrs.type === 'set');
    await xb.send(xml('presence', { type: 'subscribed', to: jidOf(alice!) }));
    await xb.next((s) => s.name === 'iq' && s.attrs.type === 'set');
    expect((await approved).getChild('query')?.getChild('item')?.attrs.subscription).toBe('both');
    await xa.next((s) => s.name === 'presence' && s.attrs.type === 'subscribed' && s.attrs.from === jidOf(bob!));
    const roster = await xa.iq(xml('iq', { type: 'get' }, xml('query', { xmlns: 'jabber:iq:roster' })));
    expect(roster.getChild('query')?.getChild('item')?.attrs.subscription).toBe('both');

    // Presence: Alice comes online busy; Bob, available, sees "dnd".
    await xb.send(xml('presence'));
    await xa.send(xml('presence', {}, xml('show', {}, 'dnd')));
    // (An "online" may come first: the device connects, then sets its status.)
    const seen = await xb.next(
      (s) => s.name === 'presence' && s.attrs.from === `${jidOf(alice!)}/test` && s.getChildText('show') === 'dnd',
    );
    expect(seen.attrs.type).toBeUndefined();

    const removal = xa.next((s) => s.name === 'iq' && s.attrs.type === 'set');
    await xa.iq(
      xml(
        'iq',
        { type: 'set' },
        xml('query', { xmlns: 'jabber:iq:roster' }, xml('item', { jid: jidOf(bob!), subscription: 'remove' })),
      ),
    );
    // Alice stops sharing with Bob; Bob still shares with her (only he can change that): `to`.
    expect((await removal).getChild('query')?.getChild('item')?.attrs.subscription).toBe('to');
  });

  it('sends carbons of what one resource sent to the other resources that enabled them', async () => {
    const [alice, bob] = await users(t, 'calice', 'cbob');
    const phone = await login(t.xmppPort, alice!, { resource: 'phone' });
    const laptop = await login(t.xmppPort, alice!, { resource: 'laptop' });
    await laptop.iq(xml('iq', { type: 'set' }, xml('enable', { xmlns: 'urn:xmpp:carbons:2' })));
    const xb = await login(t.xmppPort, bob!);
    await phone.send(
      xml('message', { type: 'chat', to: jidOf(bob!), id: 'carbon-1' }, xml('body', {}, 'sent from phone')),
    );
    await xb.message((s) => s.getChildText('body') === 'sent from phone');
    const carbon = await laptop.message((s) => s.getChild('sent', 'urn:xmpp:carbons:2') !== undefined);
    const inner = carbon.getChild('sent')?.getChild('forwarded', 'urn:xmpp:forward:0')?.getChild('message');
    expect(inner?.attrs.to).toBe(jidOf(bob!));
    expect(inner?.getChildText('body')).toBe('sent from phone');
    // Incoming messages reach every resource.
    await xb.send(xml('message', { type: 'chat', to: jidOf(alice!), id: 'both-1' }, xml('body', {}, 'to both')));
    await phone.message((s) => s.getChildText('body') === 'to both');
    await laptop.message((s) => s.getChildText('body') === 'to both');
  });

  it('answers ping and disco, and service-unavailable for an unknown IQ', async () => {
    const [user] = await users(t, 'disco');
    const c = await login(t.xmppPort, user!);
    await c.ping();
    const info = await c.iq(
      xml('iq', { type: 'get', to: 'localhost' }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' })),
    );
    const features = info
      .getChild('query')
      ?.getChildren('feature')
      .map((f) => f.attrs.var);
    expect(features).toEqual(expect.arrayContaining(['urn:xmpp:ping', 'urn:xmpp:carbons:2', 'urn:xmpp:blocking']));
    await expect(c.iq(xml('iq', { type: 'get' }, xml('query', { xmlns: 'urn:example:nothing' })))).rejects.toThrow(
      /service-unavailable/,
    );
  });

  it('speaks RFC 7395 over WebSocket at /xmpp-websocket', async () => {
    const [alice, bob] = await users(t, 'walice', 'wbob');
    const service = `${t.url.replace(/^http/, 'ws')}/xmpp-websocket`;
    const wa = await login(t.xmppPort, alice!, { service });
    const xb = await login(t.xmppPort, bob!);
    await wa.send(xml('message', { type: 'chat', to: jidOf(bob!), id: 'ws-1' }, xml('body', {}, 'over websocket')));
    await xb.message((s) => s.getChildText('body') === 'over websocket');
    await xb.send(xml('message', { type: 'chat', to: jidOf(alice!), id: 'ws-2' }, xml('body', {}, 'back to ws')));
    await wa.message((s) => s.getChildText('body') === 'back to ws');
  });
});
