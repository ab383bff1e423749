/**
 * Changes made by XMPP clients (@xmpp/client): XEP-0308 corrections, XEP-0424
 * retractions and XEP-0444 reaction sets, in a chat and in a room, naming the
 * original by the stanza id its sender gave it or by the server's stanza-id; what
 * the services refuse comes back as a stanza error. The state is read back over
 * the native API.
 */
import { xml, type Element } from '@xmpp/client';
import type { AuthResponse, Conversation, Message } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from './harness';
import { DOMAIN, jidOf, startXmppServer, users, XmppTestClient } from './xmpp-helpers';

type Server = Awaited<ReturnType<typeof startXmppServer>>;
let t: Server;
const open: XmppTestClient[] = [];
const CORRECT = 'urn:xmpp:message-correct:0';
const RETRACT = 'urn:xmpp:message-retract:1';
const REACTIONS = 'urn:xmpp:reactions:0';
const SID = 'urn:xmpp:sid:0';

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

/** The conversation's messages as the native API shows them now (current state). */
async function history(user: AuthResponse, conversationId: string): Promise<Message[]> {
  const { body } = await http<{ messages: Message[] }>(t.url, 'GET', `/v1/conversations/${conversationId}/messages`, {
    token: user.token,
  });
  return body.messages.filter((m) => m.content.type === 'text' || m.content.type === 'deleted');
}

async function directId(user: AuthResponse, other: AuthResponse): Promise<string> {
  const { body } = await http<{ conversation: Conversation }>(t.url, 'POST', '/v1/conversations/direct', {
    token: user.token,
    body: { userId: other.user.id },
  });
  return body.conversation.id;
}

const errorOf = (c: XmppTestClient, id: string) => c.next((s) => s.attrs.type === 'error' && s.attrs.id === id);
const condition = (s: Element) => s.getChild('error')?.children.map((c) => (typeof c === 'string' ? '' : c.name))[0];
const textOf = (m: Message | undefined) => (m?.content.type === 'text' ? m.content.text : m?.content.type);

describe('changes sent by XMPP clients', () => {
  it('edits, reacts to and retracts in a chat, by stanza id or stanza-id, with errors for the rest', async () => {
    const [alice, bob] = await users(t, 'ica', 'icb');
    const xa = await login(alice!);
    const xb = await login(bob!);
    const chat = (attrs: Record<string, string>, ...children: Element[]) =>
      xml('message', { type: 'chat', ...attrs }, ...children);
    await xa.send(chat({ to: jidOf(bob!), id: 'orig-1' }, xml('body', {}, 'helo')));
    const received = await xb.message((s) => s.getChildText('body') === 'helo');
    const serverId = received.getChild('stanza-id', SID)!.attrs.id!;

    // XEP-0308 by the id alice sent; bob gets the correction.
    await xa.send(
      chat(
        { to: jidOf(bob!), id: 'fix-1' },
        xml('body', {}, 'hello'),
        xml('replace', { xmlns: CORRECT, id: 'orig-1' }),
      ),
    );
    const correction = await xb.message((s) => s.getChild('replace', CORRECT) !== undefined);
    expect(correction.getChild('replace', CORRECT)?.attrs.id).toBe('orig-1');
    expect(correction.getChildText('body')).toBe('hello');
    const conversationId = await directId(alice!, bob!);
    expect((await history(alice!, conversationId)).map(textOf)).toEqual(['hello']);

    // XEP-0444: bob's whole set, naming alice's message by her stanza id, then by the server's.
    const react = (id: string, ...emoji: string[]) =>
      xb.send(
        chat(
          { to: jidOf(alice!), id: `r-${emoji.length}-${id}` },
          xml('reactions', { xmlns: REACTIONS, id }, ...emoji.map((e) => xml('reaction', {}, e))),
        ),
      );
    await react('orig-1', '👍', '🎉');
    await react(serverId, '🎉', '❤️');
    await xb.ping();
    const [message] = await history(alice!, conversationId);
    expect(message?.reactions?.map((r) => [r.emoji, r.count])).toEqual([
      ['🎉', 1],
      ['❤️', 1],
    ]);
    await react(serverId);
    await xb.ping();
    expect((await history(alice!, conversationId))[0]?.reactions ?? []).toEqual([]);

    // Refusals: bob may not correct or retract alice's message; unknown ids; a non-emoji reaction.
    await xb.send(
      chat(
        { to: jidOf(alice!), id: 'e1' },
        xml('body', {}, 'mine now'),
        xml('replace', { xmlns: CORRECT, id: serverId }),
      ),
    );
    expect(condition(await errorOf(xb, 'e1'))).toBe('forbidden');
    await xb.send(chat({ to: jidOf(alice!), id: 'e2' }, xml('retract', { xmlns: RETRACT, id: serverId })));
    expect(condition(await errorOf(xb, 'e2'))).toBe('forbidden');
    await xa.send(
      chat({ to: jidOf(bob!), id: 'e3' }, xml('body', {}, 'x'), xml('replace', { xmlns: CORRECT, id: 'no-such-id' })),
    );
    expect(condition(await errorOf(xa, 'e3'))).toBe('item-not-found');
    await xb.send(
      chat(
        { to: jidOf(alice!), id: 'e4' },
        xml('reactions', { xmlns: REACTIONS, id: serverId }, xml('reaction', {}, 'not an emoji')),
      ),
    );
    expect(condition(await errorOf(xb, 'e4'))).toBe('bad-request');

    // XEP-0424 by the author: a tombstone, and bob is told (the fallback body is not a new message).
    await xa.send(
      chat(
        { to: jidOf(bob!), id: 'del-1' },
        xml('retract', { xmlns: RETRACT, id: 'orig-1' }),
        xml('body', {}, 'This person attempted to retract a previous message'),
      ),
    );
    const retraction = await xb.message((s) => s.getChild('retract', RETRACT) !== undefined);
    expect(retraction.getChild('retract', RETRACT)?.attrs.id).toBe('orig-1');
    expect((await history(bob!, conversationId)).map(textOf)).toEqual(['deleted']);
  });

  it('does the same in a room, reflected to the occupants', async () => {
    const [owner, member] = await users(t, 'icr', 'icm');
    const { body } = await http<{ conversation: Conversation }>(t.url, 'POST', '/v1/conversations', {
      token: owner!.token,
      body: { title: 'changes', memberIds: [member!.user.id] },
    });
    const room = `${body.conversation.id}@conference.${DOMAIN}`;
    const xo = await login(owner!);
    const xm = await login(member!);
    for (const [c, user] of [
      [xo, owner!],
      [xm, member!],
    ] as const) {
      await c.send(xml('presence', { to: `${room}/${user.user.username}` }));
      await c.message((s) => s.getChild('subject') !== undefined);
    }
    const groupchat = (...children: Element[]) => xml('message', { type: 'groupchat', to: room }, ...children);
    await xm.send(groupchat(xml('body', {}, 'frist'), xml('origin-id', { xmlns: SID, id: 'g-1' })));
    const seen = await xo.message((s) => s.getChildText('body') === 'frist');
    const stanzaId = seen.getChild('stanza-id', SID)!.attrs.id!;

    await xm.send(groupchat(xml('body', {}, 'first'), xml('replace', { xmlns: CORRECT, id: 'g-1' })));
    const correction = await xo.message((s) => s.getChild('replace', CORRECT) !== undefined);
    expect(correction.attrs.from).toBe(`${room}/${member!.user.username}`);
    expect(correction.getChildText('body')).toBe('first');
    // The author's own resource gets the reflection too (XEP-0045 7.4).
    await xm.message((s) => s.getChild('replace', CORRECT) !== undefined);

    await xo.send(groupchat(xml('reactions', { xmlns: REACTIONS, id: stanzaId }, xml('reaction', {}, '👀'))));
    const reactions = await xm.message((s) => s.getChild('reactions', REACTIONS) !== undefined);
    expect(reactions.attrs.from).toBe(`${room}/${owner!.user.username}`);
    expect(
      reactions
        .getChild('reactions', REACTIONS)!
        .getChildren('reaction')
        .map((r) => r.getText()),
    ).toEqual(['👀']);

    await xm.send(groupchat(xml('retract', { xmlns: RETRACT, id: stanzaId })));
    await xo.message((s) => s.getChild('retract', RETRACT) !== undefined);
    expect((await history(owner!, body.conversation.id)).map(textOf)).toEqual(['deleted']);
  });
});
