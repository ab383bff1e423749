/**
 * The profile over XMPP with @xmpp/client: vCards (XEP-0054) read and set, avatars
 * as vCard PHOTO and XEP-0153 hashes in presence, and presence `<status/>` as the
 * profile's status text.
 */
import { createHash } from 'node:crypto';
import { xml, type Element } from '@xmpp/client';
import type { AuthResponse, User } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { png } from './files-helpers';
import { http } from './harness';
import { jidOf, startXmppServer, users, XmppTestClient } from './xmpp-helpers';

const VCARD = 'vcard-temp';
const UPDATE = 'vcard-temp:x:update';

type Server = Awaited<ReturnType<typeof startXmppServer>>;
let t: Server;
const xmppClients: XmppTestClient[] = [];

beforeAll(async () => {
  t = await startXmppServer();
});
afterAll(async () => {
  for (const c of xmppClients) await c.stop();
  await t.stop();
});

async function xmppLogin(user: AuthResponse): Promise<XmppTestClient> {
  const c = await XmppTestClient.connect(t.xmppPort, user);
  xmppClients.push(c);
  return c;
}

async function me(user: AuthResponse): Promise<User> {
  return (await http<{ user: User }>(t.url, 'GET', '/v1/me', { token: user.token })).body.user;
}

function vcardOf(c: XmppTestClient, to?: string): Promise<Element> {
  return c
    .iq(xml('iq', { type: 'get', id: `vc-${Math.random()}`, ...(to ? { to } : {}) }, xml('vCard', { xmlns: VCARD })))
    .then((result) => result.getChild('vCard', VCARD)!);
}

/** An available presence from one of the user's resources (RFC 6121 4: presence comes per resource). */
const presenceFrom = (jid: string) => (s: Element) =>
  s.is('presence') && String(s.attrs.from).startsWith(`${jid}/`) && !s.attrs.type;

/** Alice shares her presence with Bob (she adds him as a contact); both are online over XMPP. */
async function pair(
  prefix: string,
): Promise<{ alice: AuthResponse; bob: AuthResponse; xa: XmppTestClient; xb: XmppTestClient }> {
  const [alice, bob] = await users(t, `${prefix}a`, `${prefix}b`);
  await http(t.url, 'PUT', `/v1/contacts/${bob!.user.id}`, { token: alice!.token });
  const xb = await xmppLogin(bob!);
  await xb.send(xml('presence'));
  const xa = await xmppLogin(alice!);
  await xa.send(xml('presence'));
  await xb.next(presenceFrom(jidOf(alice!)));
  return { alice: alice!, bob: bob!, xa, xb };
}

describe('vCards and avatars (XEP-0054, XEP-0153)', () => {
  it('reads and sets your vCard: FN is the display name, PHOTO the avatar; others see it and the hash', async () => {
    const { alice, xa, xb } = await pair('xva');
    const empty = await vcardOf(xa);
    expect(empty.getChildText('FN')).toBe((await me(alice)).displayName);
    expect(empty.getChild('PHOTO')).toBeUndefined();

    const picture = await png(16, 16);
    const sha1 = createHash('sha1').update(picture).digest('hex');
    await xa.iq(
      xml(
        'iq',
        { type: 'set', id: 'vc-set' },
        xml(
          'vCard',
          { xmlns: VCARD },
          xml('FN', {}, 'Alice Liddell'),
          xml('PHOTO', {}, xml('TYPE', {}, 'image/png'), xml('BINVAL', {}, picture.toString('base64'))),
        ),
      ),
    );
    const profile = await me(alice);
    expect(profile.displayName).toBe('Alice Liddell');
    expect(profile.avatarUrl).toMatch(new RegExp(`^${t.url}/v1/avatars/`));
    const fetched = await fetch(profile.avatarUrl!);
    expect(fetched.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await fetched.arrayBuffer()).equals(picture)).toBe(true);

    // Bob gets her new presence with the XEP-0153 hash, and her vCard with the picture.
    const update = await xb.next(
      (s) => presenceFrom(jidOf(alice))(s) && s.getChild('x', UPDATE)?.getChildText('photo') === sha1,
    );
    expect(update.getChild('x', UPDATE)?.getChildText('photo')).toBe(sha1);
    const hers = await vcardOf(xb, jidOf(alice));
    expect(hers.getChildText('FN')).toBe('Alice Liddell');
    expect(hers.getChildText('NICKNAME')).toBe('Alice Liddell');
    expect(hers.getChild('PHOTO')?.getChildText('TYPE')).toBe('image/png');
    expect(Buffer.from(hers.getChild('PHOTO')!.getChildText('BINVAL')!, 'base64').equals(picture)).toBe(true);

    // An avatar URL set natively is an EXTVAL; a vCard without PHOTO removes the avatar.
    await http(t.url, 'PATCH', '/v1/me', { token: alice.token, body: { avatarUrl: 'https://example.org/a.png' } });
    expect((await vcardOf(xb, jidOf(alice))).getChild('PHOTO')?.getChildText('EXTVAL')).toBe(
      'https://example.org/a.png',
    );
    await xa.iq(xml('iq', { type: 'set', id: 'vc-set2' }, xml('vCard', { xmlns: VCARD }, xml('FN', {}, 'Alice'))));
    expect((await me(alice)).avatarUrl).toBeNull();
    expect((await fetch(profile.avatarUrl!)).status).toBe(200); // only Parley-stored avatars are deleted
  });

  it('marks a bot account in its vCard (ROLE bot), and nobody else', async () => {
    const [owner] = await users(t, 'botowner');
    const created = await http<{ bot: { user: User } }>(t.url, 'POST', '/v1/bots', {
      token: owner!.token,
      body: { username: `vbot${Math.random().toString(36).slice(2, 8)}` },
    });
    const xo = await xmppLogin(owner!);
    const card = await vcardOf(xo, jidOf({ ...owner!, user: created.body.bot.user }));
    expect(card.getChildText('FN')).toBe(created.body.bot.user.displayName);
    expect(card.getChildText('ROLE')).toBe('bot');
    expect((await vcardOf(xo)).getChild('ROLE')).toBeUndefined();
  });

  it('refuses a PHOTO that is not an image, and a vCard set for someone else', async () => {
    const [alice, bob] = await users(t, 'xvc', 'xvd');
    const xa = await xmppLogin(alice!);
    const notImage = await xa
      .iq(
        xml(
          'iq',
          { type: 'set', id: 'vc-bad' },
          xml('vCard', { xmlns: VCARD }, xml('PHOTO', {}, xml('BINVAL', {}, Buffer.from('hello').toString('base64')))),
        ),
      )
      .then(
        () => null,
        (e: unknown) => (e as { element?: Element }).element,
      );
    expect(notImage?.getChild('not-acceptable')).toBeDefined();
    const other = await xa
      .iq(xml('iq', { type: 'set', id: 'vc-other', to: jidOf(bob!) }, xml('vCard', { xmlns: VCARD })))
      .then(
        () => null,
        (e: unknown) => (e as { element?: Element }).element,
      );
    expect(other?.getChild('forbidden')).toBeDefined();
    expect((await me(alice!)).avatarUrl).toBeNull();
  });
});

describe('presence status text', () => {
  it('maps <status/> to the profile status text, which others see in the aggregated presence', async () => {
    const { alice, xa, xb } = await pair('xst');
    await xa.send(xml('presence', {}, xml('show', {}, 'away'), xml('status', {}, 'At lunch')));
    const away = await xb.next(
      (s) =>
        presenceFrom(jidOf(alice))(s) && s.getChildText('status') === 'At lunch' && s.getChildText('show') === 'away',
    );
    expect(away.getChildText('status')).toBe('At lunch');
    expect((await me(alice)).statusText).toBe('At lunch');
    // A presence without <status/> keeps it; an empty one clears it.
    await xa.send(xml('presence'));
    const back = await xb.next((s) => presenceFrom(jidOf(alice))(s) && s.getChild('show') === undefined);
    expect(back.getChildText('status')).toBe('At lunch');
    await xa.send(xml('presence', {}, xml('status')));
    await expect.poll(async () => (await me(alice)).statusText).toBeNull();
    // Set natively: the XMPP contact sees it.
    await http(t.url, 'PATCH', '/v1/me', { token: alice.token, body: { statusText: 'Writing' } });
    await xb.next((s) => presenceFrom(jidOf(alice))(s) && s.getChildText('status') === 'Writing');
  });
});

describe('User Avatar on PEP (XEP-0084, XEP-0163)', () => {
  const PUBSUB = 'http://jabber.org/protocol/pubsub';
  const EVENT = 'http://jabber.org/protocol/pubsub#event';
  const DATA = 'urn:xmpp:avatar:data';
  const METADATA = 'urn:xmpp:avatar:metadata';

  const publish = (c: XmppTestClient, node: string, id: string, payload: Element) =>
    c.iq(
      xml(
        'iq',
        { type: 'set', id: `pub-${Math.random()}` },
        xml('pubsub', { xmlns: PUBSUB }, xml('publish', { node }, xml('item', { id }, payload))),
      ),
    );
  const itemsOf = (c: XmppTestClient, to: string, node: string) =>
    c
      .iq(
        xml(
          'iq',
          { type: 'get', to, id: `items-${Math.random()}` },
          xml('pubsub', { xmlns: PUBSUB }, xml('items', { node })),
        ),
      )
      .then((r) => r.getChild('pubsub', PUBSUB)!.getChild('items')!.getChildren('item'));
  const isEvent = (from: string) => (s: Element) =>
    s.is('message') && s.attrs.from === from && s.getChild('event', EVENT) !== undefined;

  it('publishes data and metadata as the profile avatar, notifies, and serves both nodes and the vCard', async () => {
    const { alice, xa, xb } = await pair('xpe');
    const info = await xb.iq(
      xml(
        'iq',
        { type: 'get', to: jidOf(alice), id: 'disco-pep' },
        xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' }),
      ),
    );
    const query = info.getChild('query')!;
    expect(query.getChildren('identity').some((i) => i.attrs.category === 'pubsub' && i.attrs.type === 'pep')).toBe(
      true,
    );
    expect(query.getChildren('feature').map((f) => f.attrs.var)).toContain(`${METADATA}+notify`);

    const picture = await png(12, 12);
    const sha1 = createHash('sha1').update(picture).digest('hex');
    // An item id that is not the data's SHA-1 is refused.
    const wrong = await publish(
      xa,
      DATA,
      'f'.repeat(40),
      xml('data', { xmlns: DATA }, picture.toString('base64')),
    ).then(
      () => null,
      (e: unknown) => (e as { element?: Element }).element,
    );
    expect(wrong?.getChild('bad-request')).toBeDefined();
    await publish(xa, DATA, sha1, xml('data', { xmlns: DATA }, picture.toString('base64')));
    await publish(
      xa,
      METADATA,
      sha1,
      xml(
        'metadata',
        { xmlns: METADATA },
        xml('info', { id: sha1, bytes: String(picture.byteLength), type: 'image/png' }),
      ),
    );
    const profile = await me(alice);
    expect(profile.avatarUrl).toMatch(new RegExp(`/v1/avatars/.+/${sha1}\\.png$`));

    const event = await xb.next(
      (s) =>
        isEvent(jidOf(alice))(s) && s.getChild('event', EVENT)!.getChild('items')!.getChild('item')?.attrs.id === sha1,
    );
    const notified = event.getChild('event', EVENT)!.getChild('items')!;
    expect(notified.attrs.node).toBe(METADATA);
    expect(notified.getChild('item')!.getChild('metadata', METADATA)!.getChild('info')!.attrs.bytes).toBe(
      String(picture.byteLength),
    );
    const [metadataItem] = await itemsOf(xb, jidOf(alice), METADATA);
    expect(metadataItem?.attrs.id).toBe(sha1);
    const [dataItem] = await itemsOf(xb, jidOf(alice), DATA);
    expect(Buffer.from(dataItem!.getChildText('data')!, 'base64').equals(picture)).toBe(true);
    const vcard = await vcardOf(xb, jidOf(alice));
    expect(Buffer.from(vcard.getChild('PHOTO')!.getChildText('BINVAL')!, 'base64').equals(picture)).toBe(true);

    // An empty <metadata/> removes the avatar; the contact is told.
    await publish(xa, METADATA, 'none', xml('metadata', { xmlns: METADATA }));
    expect((await me(alice)).avatarUrl).toBeNull();
    await xb.next(
      (s) =>
        isEvent(jidOf(alice))(s) &&
        s
          .getChild('event', EVENT)!
          .getChild('items')!
          .getChild('item')!
          .getChild('metadata', METADATA)!
          .getChildren('info').length === 0,
    );
    expect(await itemsOf(xb, jidOf(alice), METADATA)).toHaveLength(0);
  });
});
