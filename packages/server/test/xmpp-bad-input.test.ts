/**
 * Hardening of the XMPP listener: every bad stream gets its RFC 6120 stream
 * error and is closed, and a client connected meanwhile notices nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { rawSession, startXmppServer, STREAM_HEADER, users, XmppTestClient } from './xmpp-helpers';

type Server = Awaited<ReturnType<typeof startXmppServer>>;
let t: Server;
let bystander: XmppTestClient;

beforeAll(async () => {
  t = await startXmppServer();
  const [user] = await users(t, 'bystander');
  bystander = await XmppTestClient.connect(t.xmppPort, user!);
});

afterAll(async () => {
  await bystander.stop();
  await t.stop();
});

function streamError(received: string, condition: string): void {
  expect(received).toContain('<stream:error>');
  expect(received).toContain(`<${condition} xmlns="urn:ietf:params:xml:ns:xmpp-streams"/>`);
}

const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]>`;

describe('XMPP bad input', () => {
  it.each([
    ['malformed XML', `${STREAM_HEADER}<message><body>oops</message>`, 'not-well-formed'],
    ['billion laughs (a DTD)', `${laughs}${STREAM_HEADER}<message><body>&lol2;</body></message>`, 'restricted-xml'],
    ['a DTD inside the stream', `${STREAM_HEADER}<!DOCTYPE x>`, 'not-well-formed'],
    ['a comment', `${STREAM_HEADER}<!-- hi -->`, 'restricted-xml'],
    ['a processing instruction', `${STREAM_HEADER}<?evil x?>`, 'restricted-xml'],
    [
      'an oversized stanza',
      `${STREAM_HEADER}<message><body>${'a'.repeat(20_000)}</body></message>`,
      'policy-violation',
    ],
    ['elements nested too deep', `${STREAM_HEADER}<message>${'<x>'.repeat(100)}`, 'policy-violation'],
    [
      'a stanza before authentication',
      `${STREAM_HEADER}<message to='a@localhost'><body>hi</body></message>`,
      'not-authorized',
    ],
    [
      'the wrong stream namespace',
      `<stream:stream xmlns:stream='urn:wrong' xmlns='jabber:client'>`,
      'invalid-namespace',
    ],
    ['an unknown host', STREAM_HEADER.replace("to='localhost'", "to='elsewhere.example'"), 'host-unknown'],
  ])('%s gets its stream error and the stream closes', async (_name, input, condition) => {
    const received = await rawSession(t.xmppPort, (socket) => socket.write(input));
    streamError(received, condition);
    expect(received.trimEnd().endsWith('</stream:stream>')).toBe(true);
    await bystander.ping();
  });

  it.each([
    ['a byte that cannot start a character', [0xff]],
    ['a lead byte without its continuation', [0xc3, 0x28]],
    ['a continuation byte alone', [0x80]],
    ['an overlong encoding of "/"', [0xc0, 0xaf]],
    ['a UTF-16 surrogate encoded as UTF-8 (CESU-8)', [0xed, 0xa0, 0x80]],
    ['a code point past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ])('%s is not UTF-8: unsupported-encoding, never a silent U+FFFD', async (_name, bytes) => {
    const received = await rawSession(t.xmppPort, (socket) => {
      socket.write(STREAM_HEADER);
      socket.write(
        Buffer.concat([Buffer.from('<message><body>a'), Buffer.from(bytes), Buffer.from('b</body></message>')]),
      );
    });
    streamError(received, 'unsupported-encoding');
    expect(received).not.toContain('\uFFFD');
    expect(received.trimEnd().endsWith('</stream:stream>')).toBe(true);
    await bystander.ping();
  });

  it('over WebSocket, a text frame that is not UTF-8 closes the connection with 1007 (RFC 6455 8.1)', async () => {
    const ws = new WebSocket(`${t.url.replace(/^http/, 'ws')}/xmpp-websocket`, 'xmpp');
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send(Buffer.from([0x3c, 0x6f, 0xc3, 0x28, 0x2f, 0x3e]), { binary: false });
    expect(await closed).toBe(1007);
    await bystander.ping();
  });

  it('a wrong password gets SASL not-authorized; the stream stays usable for a retry', async () => {
    const [user] = await users(t, 'wrongpw');
    await expect(XmppTestClient.connect(t.xmppPort, user!, { password: 'not the password' })).rejects.toThrow(
      /not-authorized/,
    );
    const ok = await XmppTestClient.connect(t.xmppPort, user!);
    await ok.ping();
    await ok.stop();
    await bystander.ping();
  });

  it('a flood of stanzas is throttled, not dropped, and the bystander still gets answers', async () => {
    const [user] = await users(t, 'flood');
    const flooder = await XmppTestClient.connect(t.xmppPort, user!);
    const pings = Array.from({ length: 300 }, () => flooder.ping());
    await bystander.ping();
    await Promise.all(pings);
    await flooder.stop();
  });
});
