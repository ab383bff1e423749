/**
 * XEP-0198 Stream Management against a real server with @xmpp/client (which
 * enables it with resumption by itself): acks both ways, and a dropped socket
 * resumed with the stanzas the client missed meanwhile, written again once.
 */
import { xml } from '@xmpp/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jidOf, startXmppServer, users, XmppTestClient } from './xmpp-helpers';

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

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('XEP-0198 stream management', () => {
  it('is enabled with resumption, and a dropped stream resumes with what it missed', async () => {
    const [alice, bob] = await users(t, 'sma', 'smb');
    const xa = await XmppTestClient.connect(t.xmppPort, alice!);
    const xb = await XmppTestClient.connect(t.xmppPort, bob!);
    open.push(xa, xb);
    await until(() => xa.xmpp.streamManagement.enabled);
    expect(xa.xmpp.streamManagement.id).not.toBe('');

    await xb.send(xml('message', { type: 'chat', to: jidOf(alice!), id: 'before' }, xml('body', {}, 'before drop')));
    await xa.message((s) => s.getChildText('body') === 'before drop');

    const resumed = new Promise<void>((resolve) => xa.xmpp.streamManagement.on('resumed', resolve));
    xa.xmpp.socket?.socket?.destroy();
    // Sent while Alice's socket is gone: kept by her detached session, unacknowledged.
    await xb.send(xml('message', { type: 'chat', to: jidOf(alice!), id: 'during' }, xml('body', {}, 'while away')));
    await xb.ping();
    await resumed;
    const missed = await xa.message((s) => s.getChildText('body') === 'while away');
    expect(missed.attrs.id).toBe('during');
    // The resumed stream is the same session: same resource, still receiving, nothing twice.
    expect(xa.xmpp.jid?.toString()).toBe(`${jidOf(alice!)}/test`);
    await xb.send(xml('message', { type: 'chat', to: jidOf(alice!), id: 'after' }, xml('body', {}, 'after')));
    await xa.message((s) => s.getChildText('body') === 'after');
    await xa.ping();
    expect(xa.stanzas.filter((s) => s.getChildText('body') === 'before drop')).toEqual([]);
    // Alice can still send on the resumed stream.
    await xa.send(xml('message', { type: 'chat', to: jidOf(bob!), id: 'back' }, xml('body', {}, 'i am back')));
    await xb.message((s) => s.getChildText('body') === 'i am back');
  });

  it('acknowledges what the client sent when asked (<r/> -> <a h/>)', async () => {
    const [carol, dave] = await users(t, 'smc', 'smd');
    const xc = await XmppTestClient.connect(t.xmppPort, carol!);
    open.push(xc);
    await until(() => xc.xmpp.streamManagement.enabled);
    for (let i = 0; i < 3; i++) {
      await xc.send(xml('message', { type: 'chat', to: jidOf(dave!), id: `ack-${i}` }, xml('body', {}, `n${i}`)));
    }
    // @xmpp/client asks for an ack after a burst and empties its queue when the server answers.
    await until(() => xc.xmpp.streamManagement.outbound >= 3 && xc.xmpp.streamManagement.outbound_q.length === 0);
  });
});
