/**
 * XEP-0363 HTTP File Upload with @xmpp/client: discovery, a slot, the PUT, a message
 * whose body is the GET URL (a native user sees a file message), a native file
 * message reaching an XMPP client with a URL that opens, and the refusals.
 */
import { xml, type Element } from '@xmpp/client';
import { createNodeClient, type ParleyClient } from '@parley/sdk/node';
import type { AuthResponse, FileContent } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { png } from './files-helpers';
import { startTestServer } from './harness';
import { DOMAIN, jidOf, startXmppServer, users, XmppTestClient } from './xmpp-helpers';

const UPLOAD = 'urn:xmpp:http:upload:0';
const OOB = 'jabber:x:oob';

type Server = Awaited<ReturnType<typeof startXmppServer>>;
let t: Server;
const xmppClients: XmppTestClient[] = [];
const sdkClients: ParleyClient[] = [];

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

function slotRequest(c: XmppTestClient, filename: string, size: number, contentType?: string): Promise<Element> {
  return c.iq(
    xml(
      'iq',
      { type: 'get', to: DOMAIN, id: `slot-${Math.random()}` },
      xml('request', {
        xmlns: UPLOAD,
        filename,
        size: String(size),
        ...(contentType ? { 'content-type': contentType } : {}),
      }),
    ),
  );
}

async function slotError(c: XmppTestClient, filename: string, size: number): Promise<Element> {
  const error: unknown = await slotRequest(c, filename, size).then(
    () => null,
    (e: unknown) => e,
  );
  // @xmpp/client rejects with the <error/> element of the error iq.
  const stanza = (error as { element?: Element } | null)?.element;
  if (!stanza) throw new Error('the slot request was not refused');
  return stanza.is('error') ? stanza : stanza.getChild('error')!;
}

describe('XEP-0363 HTTP File Upload', () => {
  it('advertises the upload service with its size limit', async () => {
    const [alice] = await users(t, 'xua');
    const xa = await xmppLogin(alice!);
    const info = await xa.iq(
      xml(
        'iq',
        { type: 'get', to: DOMAIN, id: 'disco1' },
        xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' }),
      ),
    );
    const query = info.getChild('query')!;
    expect(query.getChildren('identity').some((i) => i.attrs.category === 'store' && i.attrs.type === 'file')).toBe(
      true,
    );
    expect(query.getChildren('feature').map((f) => f.attrs.var)).toContain(UPLOAD);
    const form = query.getChild('x', 'jabber:x:data')!;
    const fields = form.getChildren('field');
    expect(fields.find((f) => f.attrs.var === 'FORM_TYPE')?.getChildText('value')).toBe(UPLOAD);
    expect(Number(fields.find((f) => f.attrs.var === 'max-file-size')?.getChildText('value'))).toBeGreaterThan(0);
  });

  it('uploads through a slot; the GET URL sent as a body is a file message for native users', async () => {
    const [alice, bob] = await users(t, 'xub', 'xuc');
    const xa = await xmppLogin(alice!);
    const b = await native(bob!);
    const received: FileContent[] = [];
    let conversationId = '';
    b.on('message', (m) => {
      conversationId = m.conversationId;
      if (m.content.type === 'file') received.push(m.content);
    });
    const image = new Uint8Array(await png(40, 30));
    const result = await slotRequest(xa, 'beach.png', image.byteLength, 'image/png');
    const slot = result.getChild('slot', UPLOAD)!;
    const putUrl = slot.getChild('put')!.attrs.url as string;
    const getUrl = slot.getChild('get')!.attrs.url as string;
    expect(putUrl.startsWith(`${t.url}/`)).toBe(true);
    expect(getUrl.startsWith(`${t.url}/`)).toBe(true);

    // A wrong size is refused; the right one is stored; a second PUT is refused (one-shot).
    const short = await fetch(putUrl, { method: 'PUT', body: image.subarray(0, 10) });
    expect(short.status).toBe(400);
    const put = await fetch(putUrl, { method: 'PUT', body: image, headers: { 'content-type': 'image/png' } });
    expect(put.status).toBe(201);
    const again = await fetch(putUrl, { method: 'PUT', body: image });
    expect(again.status).toBe(403);
    const fetched = await fetch(getUrl);
    expect(fetched.status).toBe(200);
    expect(fetched.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await fetched.arrayBuffer()).byteLength).toBeGreaterThan(0);

    await xa.send(
      xml(
        'message',
        { type: 'chat', to: jidOf(bob!), id: 'upl-1' },
        xml('body', {}, getUrl),
        xml('x', { xmlns: OOB }, xml('url', {}, getUrl)),
      ),
    );
    await expect.poll(() => received.length).toBe(1);
    expect(received[0]).toMatchObject({ type: 'file', name: 'beach.png', mime: 'image/png', kind: 'image', width: 40 });
    expect(received[0]!.caption).toBeUndefined();
    // The native user downloads it with its token, like any file.
    const download = await fetch(`${t.url}/v1/files/${received[0]!.fileId}`, {
      headers: { authorization: `Bearer ${bob!.token}` },
    });
    expect(download.status).toBe(200);
    await download.arrayBuffer();

    // A URL with a wrong capability (or any other text) stays text.
    const forged = getUrl.replace(/\/v1\/xmpp-files\/([^/]+)\/[^/]+\//, '/v1/xmpp-files/$1/AAAA/');
    await xa.send(xml('message', { type: 'chat', to: jidOf(bob!), id: 'upl-2' }, xml('body', {}, forged)));
    await expect
      .poll(async () => {
        const history = await b.messages.history(conversationId);
        return history.messages.some((m) => m.content.type === 'text' && m.content.text === forged);
      })
      .toBe(true);
  });

  it('delivers a native file message to an XMPP client with a URL it can fetch', async () => {
    const [alice, bob] = await users(t, 'xud', 'xue');
    const xb = await xmppLogin(bob!);
    const a = await native(alice!);
    const direct = await a.conversations.createDirect(bob!.user.id);
    const bytes = await png(20, 20);
    const { fileId } = await a.files.upload(bytes, { name: 'dot.png' });
    const sent = await a.messages.sendFile(direct.id, fileId);
    const stanza = await xb.next((s) => s.is('message') && s.attrs.id === sent.id);
    const url = stanza.getChild('x', OOB)?.getChildText('url');
    expect(url).toBeDefined();
    expect(stanza.getChildText('body')).toBe(url);
    const response = await fetch(url!);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(0);
    // A forged capability opens nothing.
    const forged = url!.replace(/\/v1\/xmpp-files\/([^/]+)\/[^/]+\//, '/v1/xmpp-files/$1/AAAA/');
    expect((await fetch(forged)).status).toBe(404);
  });

  it('refuses a slot over the size limit with file-too-large, and a bad request', async () => {
    const [alice] = await users(t, 'xuf');
    const xa = await xmppLogin(alice!);
    const info = await xa.iq(
      xml(
        'iq',
        { type: 'get', to: DOMAIN, id: 'disco2' },
        xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' }),
      ),
    );
    const max = Number(
      info
        .getChild('query')!
        .getChild('x', 'jabber:x:data')!
        .getChildren('field')
        .find((f) => f.attrs.var === 'max-file-size')!
        .getChildText('value'),
    );
    const error = await slotError(xa, 'huge.bin', max + 1);
    const condition = error;
    expect(condition.attrs.type).toBe('modify');
    expect(condition.getChild('not-acceptable')).toBeDefined();
    expect(condition.getChild('file-too-large', UPLOAD)?.getChildText('max-file-size')).toBe(String(max));
    const bad = await slotError(xa, '', 10);
    expect(bad.getChild('bad-request')).toBeDefined();
  });

  it('refuses a slot beyond the quota with resource-constraint, counting slots already given', async () => {
    const small = await startTestServer({ xmppPort: 0, xmppMaxStanzaBytes: 8192, userQuotaBytes: 5000 });
    try {
      const [alice] = await users(small, 'xug');
      const xa = await XmppTestClient.connect(small.server.xmppPort!, alice!);
      try {
        await slotRequest(xa, 'first.bin', 3000);
        const error = await slotError(xa, 'second.bin', 3000);
        expect(error.attrs.type).toBe('wait');
        expect(error.getChild('resource-constraint')).toBeDefined();
      } finally {
        await xa.stop();
      }
    } finally {
      await small.stop();
    }
  });
});
