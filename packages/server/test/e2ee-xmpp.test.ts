/**
 * XMPP clients and end-to-end encrypted groups (docs/xmpp.md): the group is a room, each
 * encrypted message reaches an occupant as a notice (never ciphertext or plaintext), commits
 * send nothing, and a groupchat from XMPP is refused (it would be plaintext) with nothing stored.
 */
import { randomBytes } from 'node:crypto';
import { xml } from '@xmpp/client';
import { HttpClient } from '@parley/sdk';
import { E2eeDevice, MemoryKeyStore } from '@parley/sdk/e2ee';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ENCRYPTED_NOTICE } from '../src/domain/content-text';
import { DOMAIN, startXmppServer, users, XmppTestClient } from './xmpp-helpers';

let t: Awaited<ReturnType<typeof startXmppServer>>;
let xmppClient: XmppTestClient | undefined;

beforeAll(async () => {
  t = await startXmppServer();
});
afterAll(async () => {
  await xmppClient?.stop();
  await t.stop();
});

it('an XMPP occupant of an encrypted group gets a notice for each message, and cannot post plaintext', async () => {
  const [alice, bob] = await users(t, 'alice', 'bob');
  const http = new HttpClient({ baseUrl: t.url, getToken: () => alice!.token });
  const device = await E2eeDevice.open({
    http,
    userId: alice!.user.id,
    deviceId: alice!.session.id,
    keystore: new MemoryKeyStore(),
  });
  const conversation = await device.createGroup('Encrypted room', [bob!.user.id]);
  const room = `${conversation.id}@conference.${DOMAIN}`;
  xmppClient = await XmppTestClient.connect(t.xmppPort, bob!);
  await xmppClient.send(xml('presence', { to: `${room}/bob` }, xml('x', { xmlns: 'http://jabber.org/protocol/muc' })));
  await xmppClient.message((s) => s.attrs.type === 'groupchat' && s.getChild('subject') !== undefined);
  xmppClient.stanzas.splice(0);

  const secret = `secret-${randomBytes(4).toString('hex')}`;
  await device.send(conversation.id, secret);
  const got = await xmppClient.message((s) => s.attrs.type === 'groupchat' && s.getChild('body') !== undefined);
  expect(got.getChildText('body')).toBe(ENCRYPTED_NOTICE);
  expect(got.toString()).not.toContain(secret);

  const before = (await http.getConversation(conversation.id)).conversation.lastSeq;
  await xmppClient.send(xml('message', { to: room, type: 'groupchat', id: 'plain-1' }, xml('body', {}, 'plaintext')));
  const refused = await xmppClient.message((s) => s.attrs.type === 'error');
  expect(refused.getChild('error')?.getChild('not-acceptable')).toBeDefined();
  expect((await http.getConversation(conversation.id)).conversation.lastSeq).toBe(before);
});
