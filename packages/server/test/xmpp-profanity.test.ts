/**
 * Interop with profanity (Debian's terminal XMPP client), driven as a person would
 * in tmux with a throwaway HOME: it connects with STARTTLS to loopback (accepting
 * the test certificate with `/tls allow`), its messages reach an @xmpp/client peer
 * from its full JID, it shows a message sent to its user, and when it quits while
 * another resource of its user stays online, contacts get `unavailable` from its
 * full JID only (RFC 6121 4). Under CI=true a missing profanity or tmux fails the
 * run; elsewhere the suite is skipped with a warning.
 */
import { xml, type Element } from '@xmpp/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from './harness';
import { Profanity, profanityAvailable as available } from './profanity';
import { jidOf, PASSWORD, startXmppServer, users, XmppTestClient } from './xmpp-helpers';

type Server = Awaited<ReturnType<typeof startXmppServer>>;
let t: Server;
const open: XmppTestClient[] = [];

beforeAll(async () => {
  if (available) t = await startXmppServer();
});
afterAll(async () => {
  for (const c of open) await c.stop();
  if (available) await t.stop();
});

describe.runIf(available)('XMPP with profanity', () => {
  it('chats from its full JID, and its resource comes and goes on its own', { timeout: 60_000 }, async () => {
    const [alice, bob] = await users(t, 'profa', 'profb');
    await http(t.url, 'PUT', `/v1/contacts/${bob!.user.id}`, { token: alice!.token }); // Bob may see Alice
    const desk = await XmppTestClient.connect(t.xmppPort, bob!, { resource: 'desk' });
    const phone = await XmppTestClient.connect(t.xmppPort, alice!, { resource: 'phone' });
    open.push(desk, phone);
    await desk.send(xml('presence'));
    await phone.send(xml('presence'));
    await desk.next((s) => s.name === 'presence' && s.attrs.from === `${jidOf(alice!)}/phone`);

    const prof = new Profanity();
    try {
      prof.start();
      await prof.waitFor(/Profanity|Welcome/i);
      prof.type(`/connect ${jidOf(alice!)} server 127.0.0.1 port ${t.xmppPort} tls force`);
      await prof.waitFor(/password/i);
      prof.type(PASSWORD);
      // The test certificate is self-signed: accept it once, as a person would.
      const asked = await prof.waitFor(/tls allow|logged in successfully/i);
      if (/tls allow/i.test(asked)) prof.type('/tls allow');
      await prof.waitFor(/logged in successfully/i);

      // Bob sees profanity's resource arrive from its full JID.
      const up = await desk.next(
        (s) =>
          s.name === 'presence' &&
          String(s.attrs.from).startsWith(`${jidOf(alice!)}/`) &&
          s.attrs.from !== `${jidOf(alice!)}/phone` &&
          s.attrs.type === undefined,
        15_000,
      );
      const profJid = String(up.attrs.from);

      // A message from profanity reaches Bob from that full JID.
      prof.type(`/msg ${jidOf(bob!)} hello from profanity`);
      const got = await desk.message((s: Element) => s.getChildText('body') === 'hello from profanity', 15_000);
      expect(got.attrs.from).toBe(profJid);

      // Bob answers: profanity shows it.
      await desk.send(xml('message', { type: 'chat', to: profJid, id: 'to-prof' }, xml('body', {}, 'hi profanity')));
      await prof.waitFor(/hi profanity/);

      // Profanity quits; Alice's phone stays: Bob gets unavailable from profanity's full JID only.
      prof.type('/quit');
      await desk.next(
        (s) => s.name === 'presence' && s.attrs.from === profJid && s.attrs.type === 'unavailable',
        15_000,
      );
      await desk.ping();
      expect(desk.stanzas.filter((s) => s.name === 'presence' && s.attrs.type === 'unavailable')).toEqual([]);
    } finally {
      prof.stop();
    }
  });
});
