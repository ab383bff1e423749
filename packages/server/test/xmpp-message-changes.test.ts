/**
 * Edits, deletes and reactions made with the native API reach XMPP clients as
 * XEP-0308 corrections, XEP-0424 retractions and XEP-0444 reactions (live, in
 * rooms and in MAM), never as chat bodies of their own; pins are not sent. File
 * messages are a body naming the file. A call record is a body that each change of
 * the call corrects.
 */
import { xml, type Element } from '@xmpp/client';
import { createNodeClient, type ParleyClient } from '@parley/sdk/node';
import type { AuthResponse, FileContent } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jidOf, startXmppServer, users, XmppTestClient } from './xmpp-helpers';

type Server = Awaited<ReturnType<typeof startXmppServer>>;
let t: Server;
const xmppClients: XmppTestClient[] = [];
const sdkClients: ParleyClient[] = [];
const MAM = 'urn:xmpp:mam:2';
const CORRECT = 'urn:xmpp:message-correct:0';
const RETRACT = 'urn:xmpp:message-retract:1';
const REACTIONS = 'urn:xmpp:reactions:0';

beforeAll(async () => {
  t = await startXmppServer();
});
afterAll(async () => {
  sdkClients.forEach((c) => c.close());
  for (const c of xmppClients) await c.stop();
  await t.stop();
});

async function xmppLogin(user: AuthResponse): Promise<XmppTestClient> {
  const c = await XmppTestClient.connect(t.xmppPort, user);
  xmppClients.push(c);
  return c;
}

async function native(user: AuthResponse): Promise<ParleyClient> {
  const c = createNodeClient({ baseUrl: t.url, token: user.token });
  sdkClients.push(c);
  await c.connect();
  return c;
}

const isChat = (s: Element) => s.is('message') && s.attrs.type === 'chat';

describe('changes to messages over XMPP', () => {
  it('sends corrections, reactions and retractions live, and corrections and reactions in MAM', async () => {
    const [alice, bob] = await users(t, 'xca', 'xcb');
    const xb = await xmppLogin(bob!);
    const a = await native(alice!);
    const direct = await a.conversations.createDirect(bob!.user.id);
    const original = await a.messages.send(direct.id, 'see you at 5');
    const first = await xb.next((s) => isChat(s) && s.getChildText('body') === 'see you at 5');
    expect(first.attrs.id).toBe(original.id);

    await a.messages.edit(original.id, 'see you at 6');
    const correction = await xb.next((s) => isChat(s) && s.getChild('replace', CORRECT) !== undefined);
    expect(correction.getChild('replace', CORRECT)?.attrs.id).toBe(original.id);
    expect(correction.getChildText('body')).toBe('see you at 6');
    // XEP-0308 5: from the same full JID as the original (the native device's resource).
    expect(first.attrs.from).toMatch(new RegExp(`^${jidOf(alice!)}/parley-`));
    expect(correction.attrs.from).toBe(first.attrs.from);

    await a.messages.react(original.id, '👍');
    await a.messages.react(original.id, '🎉');
    await a.messages.pin(original.id);
    await a.messages.unreact(original.id, '👍');
    const sets: string[][] = [];
    for (let i = 0; i < 3; i++) {
      const stanza = await xb.next((s) => isChat(s) && s.getChild('reactions', REACTIONS) !== undefined);
      const reactions = stanza.getChild('reactions', REACTIONS)!;
      expect(reactions.attrs.id).toBe(original.id);
      expect(stanza.getChildText('body')).toBeNull();
      sets.push(reactions.getChildren('reaction').map((r) => r.getText()));
    }
    // The author's whole set, as it is now (XEP-0444 replaces the previous set).
    expect(sets.at(-1)).toEqual(['🎉']);

    // MAM: the message in its current state, then the changes in order; the pin has no stanza.
    const queryid = 'q1';
    const form = xml(
      'x',
      { xmlns: 'jabber:x:data', type: 'submit' },
      xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, MAM)),
      xml('field', { var: 'with' }, xml('value', {}, jidOf(alice!))),
    );
    await xb.iq(xml('iq', { type: 'set' }, xml('query', { xmlns: MAM, queryid }, form)));
    const inner = xb.stanzas
      .filter((s) => s.getChild('result', MAM)?.attrs.queryid === queryid)
      .map((s) => s.getChild('result', MAM)!.getChild('forwarded', 'urn:xmpp:forward:0')!.getChild('message')!);
    const kinds = inner.map((m) =>
      m.getChild('replace', CORRECT) ? 'correction' : m.getChild('reactions', REACTIONS) ? 'reactions' : 'body',
    );
    expect(kinds).toEqual(['body', 'correction', 'reactions', 'reactions', 'reactions']);
    expect(inner[0]?.getChildText('body')).toBe('see you at 6');

    await a.messages.delete(original.id);
    const retraction = await xb.next((s) => isChat(s) && s.getChild('retract', RETRACT) !== undefined);
    expect(retraction.getChild('retract', RETRACT)?.attrs.id).toBe(original.id);
    // No stanza ever carried an update entry as text.
    expect(xb.stanzas.some((s) => (s.getChildText('body') ?? '').includes('"type":"update"'))).toBe(false);
  });

  it('sends them to the occupants of a room, from the author’s nick', async () => {
    const [alice, bob] = await users(t, 'xra', 'xrb');
    const xb = await xmppLogin(bob!);
    const a = await native(alice!);
    const group = await a.conversations.createGroup('room', [bob!.user.id]);
    const room = `${group.id}@conference.localhost`;
    await xb.send(
      xml('presence', { to: `${room}/${bob!.user.username}` }, xml('x', { xmlns: 'http://jabber.org/protocol/muc' })),
    );
    await xb.next((s) => s.is('message') && s.getChild('subject') !== undefined);
    const isGroupchat = (s: Element) => s.is('message') && s.attrs.type === 'groupchat';
    const original = await a.messages.send(group.id, 'agenda: one item');
    await xb.next((s) => isGroupchat(s) && s.getChildText('body') === 'agenda: one item');
    await a.messages.edit(original.id, 'agenda: two items');
    await a.messages.react(original.id, '✅');
    await a.messages.delete(original.id);
    const correction = await xb.next((s) => isGroupchat(s) && s.getChild('replace', CORRECT) !== undefined);
    expect(correction.attrs.from).toBe(`${room}/${alice!.user.username}`);
    expect(correction.getChild('replace', CORRECT)?.attrs.id).toBe(original.id);
    const reaction = await xb.next((s) => isGroupchat(s) && s.getChild('reactions', REACTIONS) !== undefined);
    // Applied after the delete (which removed the reactions): the set as it is now.
    expect(reaction.getChild('reactions', REACTIONS)?.attrs.id).toBe(original.id);
    const retraction = await xb.next((s) => isGroupchat(s) && s.getChild('retract', RETRACT) !== undefined);
    expect(retraction.getChild('retract', RETRACT)?.attrs.id).toBe(original.id);
  });

  it('sends file messages as a body with their link (and XEP-0066), in chats and rooms, and a caption edit as a correction', async () => {
    const [alice, bob] = await users(t, 'xfa', 'xfb');
    const xb = await xmppLogin(bob!);
    const a = await native(alice!);
    const direct = await a.conversations.createDirect(bob!.user.id);
    const { fileId } = await a.files.upload(new Uint8Array(1500), { name: 'minutes.bin' });
    const sent = await a.messages.sendFile(direct.id, fileId, { caption: 'the minutes' });
    const chat = await xb.next((s) => isChat(s) && s.attrs.id === sent.id);
    const url = chat.getChild('x', 'jabber:x:oob')?.getChildText('url') ?? '';
    expect(url).toMatch(new RegExp(`^${t.url}/v1/xmpp-files/${fileId}/[A-Za-z0-9_-]+/minutes\\.bin$`));
    expect(chat.getChildText('body')).toBe(`the minutes\n${url}`);
    await a.messages.edit(sent.id, 'the final minutes');
    const correction = await xb.next((s) => isChat(s) && s.getChild('replace', CORRECT) !== undefined);
    expect(correction.getChild('replace', CORRECT)?.attrs.id).toBe(sent.id);
    expect(correction.getChildText('body')).toBe(`the final minutes\n${url}`);
    // Alice corrects it from an XMPP client, editing the body she got: the file line is not part of the caption.
    const xa = await xmppLogin(alice!);
    await xa.send(
      xml(
        'message',
        { type: 'chat', to: jidOf(bob!), id: 'fix-file' },
        xml('body', {}, `the approved minutes\n${url}`),
        xml('replace', { xmlns: CORRECT, id: sent.id }),
      ),
    );
    await expect
      .poll(async () => {
        const { messages } = await a.messages.history(direct.id);
        return (messages.find((m) => m.id === sent.id)?.content as FileContent).caption;
      })
      .toBe('the approved minutes');

    const group = await a.conversations.createGroup('file room', [bob!.user.id]);
    const room = `${group.id}@conference.localhost`;
    await xb.send(
      xml('presence', { to: `${room}/${bob!.user.username}` }, xml('x', { xmlns: 'http://jabber.org/protocol/muc' })),
    );
    await xb.next((s) => s.is('message') && s.getChild('subject') !== undefined);
    const voice = await a.files.upload(new Uint8Array(10), { name: 'hello.bin' });
    const inRoom = await a.messages.sendFile(group.id, voice.fileId);
    const stanza = await xb.next((s) => s.is('message') && s.attrs.type === 'groupchat' && s.attrs.id === inRoom.id);
    const roomUrl = stanza.getChild('x', 'jabber:x:oob')?.getChildText('url');
    expect(roomUrl).toContain(`/v1/xmpp-files/${voice.fileId}/`);
    expect(stanza.getChildText('body')).toBe(roomUrl);
    // The link opens without credentials.
    const fetched = await fetch(roomUrl!);
    expect(fetched.status).toBe(200);
    expect((await fetched.arrayBuffer()).byteLength).toBe(10);
  });

  it('shows a call record as a body that each change of the call corrects', async () => {
    const [alice, bob] = await users(t, 'xcc', 'xcd');
    const xb = await xmppLogin(bob!);
    const a = await native(alice!);
    const direct = await a.conversations.createDirect(bob!.user.id);
    const call = await a.calls.start(direct.id, 'video');
    const record = await xb.next((s) => isChat(s) && s.getChildText('body') === 'Video call (ringing)');
    expect(record.attrs.id).toBe(call.messageId);
    await a.calls.hangup(call.id);
    const correction = await xb.next((s) => isChat(s) && s.getChild('replace', CORRECT) !== undefined);
    expect(correction.getChild('replace', CORRECT)?.attrs.id).toBe(call.messageId);
    expect(correction.getChildText('body')).toBe('Video call (cancelled)');
  });
});
