/**
 * The text rules over XMPP, with @xmpp/client against a real server. XML itself
 * cannot carry what free text refuses (the parser ends such a stream), so what is
 * left to check here is what XML can carry: a carriage return sent as `&#13;` is
 * stored as a line feed, a body of invisible characters is empty (`bad-request`,
 * nothing stored), and names (room subjects, vCard names, upload file names) are
 * normalized like on every other way in.
 */
import { xml } from '@xmpp/client';
import type { Conversation, Message, User } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../src/domain/errors';
import { toStanzaError } from '../src/gateways/xmpp/router';
import { http } from './harness';
import { DOMAIN, jidOf, startXmppServer, users, XmppTestClient } from './xmpp-helpers';

type Server = Awaited<ReturnType<typeof startXmppServer>>;
let t: Server;
const open: XmppTestClient[] = [];

beforeAll(async () => {
  t = await startXmppServer();
});
afterAll(async () => {
  for (const c of open) await c.stop();
  await t.stop();
});

async function login(user: Parameters<typeof XmppTestClient.connect>[1]): Promise<XmppTestClient> {
  const c = await XmppTestClient.connect(t.xmppPort, user);
  open.push(c);
  return c;
}

describe('text rules over XMPP', () => {
  it('stores a body sent with &#13; line ends with line feeds', async () => {
    const [ann, ben] = await users(t, 'crann', 'crben');
    const x = await login(ann!);
    await x.xmpp.write(
      `<message type="chat" to="${jidOf(ben!)}" id="cr-1"><body>one&#13;&#10;two&#13;three</body></message>`,
    );
    await x.ping();
    const direct = await http<{ conversation: Conversation }>(t.url, 'POST', '/v1/conversations/direct', {
      token: ben!.token,
      body: { userId: ann!.user.id },
    });
    const history = await http<{ messages: Message[] }>(
      t.url,
      'GET',
      `/v1/conversations/${direct.body.conversation.id}/messages`,
      { token: ben!.token },
    );
    expect(history.body.messages.at(-1)?.content).toEqual({ type: 'text', text: 'one\ntwo\nthree' });
  });

  it('answers a body of invisible characters with bad-request and stores nothing', async () => {
    const [ann, ben] = await users(t, 'invann', 'invben');
    const x = await login(ann!);
    await x.send(xml('message', { type: 'chat', to: jidOf(ben!), id: 'blank-1' }, xml('body', {}, '\u200B\u2060 ')));
    const error = await x.message((s) => s.attrs.type === 'error' && s.attrs.id === 'blank-1');
    expect(error.getChild('error')?.getChild('bad-request')).toBeDefined();
    const direct = await http<{ conversation: Conversation }>(t.url, 'POST', '/v1/conversations/direct', {
      token: ben!.token,
      body: { userId: ann!.user.id },
    });
    expect(direct.body.conversation.lastSeq).toBe(0);
  });

  it('normalizes a room subject, and refuses one that is blank once invisible characters go', async () => {
    const [owner] = await users(t, 'subjowner');
    const { body } = await http<{ conversation: Conversation }>(t.url, 'POST', '/v1/conversations', {
      token: owner!.token,
      body: { title: 'Before', memberIds: [] },
    });
    const room = `${body.conversation.id}@conference.${DOMAIN}`;
    const x = await login(owner!);
    await x.send(xml('presence', { to: `${room}/owner` }, xml('x', { xmlns: 'http://jabber.org/protocol/muc' })));
    await x.message((s) => s.getChild('subject') !== undefined);
    await x.send(xml('message', { type: 'groupchat', to: room, id: 's-1' }, xml('subject', {}, '\u202E\u200B ')));
    const refused = await x.message((s) => s.attrs.type === 'error' && s.attrs.id === 's-1');
    expect(refused.getChild('error')?.getChild('bad-request')).toBeDefined();
    await x.send(
      xml('message', { type: 'groupchat', to: room, id: 's-2' }, xml('subject', {}, '\u200BCafe\u0301 \u202Eplans')),
    );
    const renamed = await x.message((s) => s.getChildText('subject') === 'Café plans');
    expect(renamed.attrs.type).toBe('groupchat');
    const now = await http<{ conversation: Conversation }>(t.url, 'GET', `/v1/conversations/${body.conversation.id}`, {
      token: owner!.token,
    });
    expect(now.body.conversation.title).toBe('Café plans');
  });

  it('normalizes a vCard name and an upload slot file name', async () => {
    const [ann] = await users(t, 'vcardann');
    const x = await login(ann!);
    await x.iq(
      xml('iq', { type: 'set' }, xml('vCard', { xmlns: 'vcard-temp' }, xml('FN', {}, '\u200B\u202EAnn\u200B'))),
    );
    const me = await http<{ user: User }>(t.url, 'GET', '/v1/me', { token: ann!.token });
    expect(me.body.user.displayName).toBe('Ann');
    const slot = await x.iq(
      xml(
        'iq',
        { type: 'get', to: DOMAIN },
        xml('request', { xmlns: 'urn:xmpp:http:upload:0', filename: 'holiday\u202Egnp.exe', size: '5' }),
      ),
    );
    const get = slot.getChild('slot')?.getChild('get')?.attrs.url ?? '';
    expect(decodeURIComponent(get.split('/').pop() ?? '')).toBe('holidaygnp.exe');
  });

  it('maps invalid_text to the not-acceptable stanza error', () => {
    const error = toStanzaError(new AppError('invalid_text', 'The text contains U+0001.'));
    expect(error).toMatchObject({ condition: 'not-acceptable', type: 'modify' });
  });
});
