/**
 * Link previews end to end (ADR 0017), against in-process servers and a real HTTP
 * server started here on loopback, which serves pages, an image, a plain text file,
 * a page too large, a page that never finishes and a redirect to an address that is
 * not allowed. Checked through the SDK: the post is acknowledged without its preview,
 * which then reaches every member as a `link_previews.set` update (title, description,
 * site, an image copied and served by Parley); a second message with the same URL is
 * served from the cache (the site is not asked again); limits (size, time, type) and
 * SSRF rules give no preview; the sender turns previews off per message or removes
 * them afterwards; a server with PARLEY_LINK_PREVIEWS=off and one without
 * PARLEY_OUTBOUND_ALLOW fetch nothing. "Nothing happened" is proven by waiting until
 * the durable path is empty (no event awaiting the dispatcher, no job), never by a pause.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Message } from '@parley/protocol';
import { createNodeClient, type ParleyClient } from '@parley/sdk/node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../src';
import type { Store } from '../src/ports/store';
import { LINK_PREVIEW_JOB } from '../src/services/link-previews';
import { createStore } from '../src/store/create-store';
import { startTestServer, type TestServer } from './harness';

const hits = new Map<string, number>();
const sites: Server[] = [];
let site = '';
/** The same site on 127.0.0.2, an internal address no test server allows. */
let otherSite = '';
let png: Buffer;

function page(title: string, extraHead = ''): string {
  return `<!doctype html><html><head><meta charset="utf-8">
<title>${title} (plain)</title>
<meta property="og:title" content="${title}">
<meta property="og:description" content="All about ${title}.">
<meta property="og:site_name" content="Test Site">
<meta property="og:image" content="/picture.png">${extraHead}
</head><body><p>${title}</p></body></html>`;
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = req.url ?? '/';
  hits.set(url, (hits.get(url) ?? 0) + 1);
  if (req.headers.cookie !== undefined) return void res.writeHead(400).end('a cookie was sent');
  if (url === '/picture.png') return void res.writeHead(200, { 'content-type': 'image/png' }).end(png);
  if (url === '/plain') return void res.writeHead(200, { 'content-type': 'text/plain' }).end(page('Plain'));
  // The head alone is larger than PARLEY_LINK_PREVIEW_MAX_BYTES (4096 here).
  if (url === '/big') {
    return void res
      .writeHead(200, { 'content-type': 'text/html' })
      .end(page('Big', `<meta name="x" content="${'x'.repeat(8000)}">`));
  }
  // Answers at once, then never finishes the body: the deadline ends it.
  if (url === '/slow') {
    res.writeHead(200, { 'content-type': 'text/html' });
    return void res.write('<html><head><meta property="og:title" content="Slow">');
  }
  if (url === '/to-internal') {
    return void res.writeHead(302, { location: `${otherSite}/article-internal` }).end();
  }
  if (url === '/moved') return void res.writeHead(301, { location: '/article-moved' }).end();
  if (url === '/to-file') return void res.writeHead(302, { location: 'file:///etc/passwd' }).end();
  // An "image" that is HTML by its bytes: the preview keeps its text and leaves the image out.
  if (url === '/fake.png') return void res.writeHead(200, { 'content-type': 'image/png' }).end('<html>no</html>');
  if (url === '/with-fake-image') {
    return void res
      .writeHead(200, { 'content-type': 'text/html' })
      .end(
        '<head><meta property="og:title" content="Fake image"><meta property="og:image" content="/fake.png"></head>',
      );
  }
  if (url.startsWith('/article')) {
    return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(url.slice(1)));
  }
  res.writeHead(404).end();
}

async function listen(host: string, port = 0): Promise<string> {
  const server = createServer(handle);
  sites.push(server);
  server.listen(port, host);
  await once(server, 'listening');
  return `http://${host}:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  png = await sharp({ create: { width: 1200, height: 630, channels: 3, background: '#3366cc' } })
    .png()
    .toBuffer();
  site = await listen('127.0.0.1');
  otherSite = await listen('127.0.0.2', Number(new URL(site).port));
});

afterAll(() => {
  for (const server of sites) {
    server.closeAllConnections();
    server.close();
  }
});

interface Setup {
  t: TestServer;
  store: Store;
  clients: ParleyClient[];
}

async function setup(overrides: Partial<Config>): Promise<Setup> {
  let store: Store | undefined;
  const t = await startTestServer(
    { jobPollMs: 50, linkPreviewTimeoutMs: 1000, linkPreviewMaxBytes: 4096, ...overrides },
    {
      store: async (config) => {
        store = await createStore({ db: 'sqlite', sqlitePath: config.sqlitePath!, synchronous: 'normal' });
        await store.migrate();
        return store;
      },
    },
  );
  return { t, store: store!, clients: [] };
}

async function teardown(s: Setup | undefined): Promise<void> {
  s?.clients.forEach((c) => c.close());
  await s?.t.stop();
}

let n = 0;
async function person(s: Setup, name: string): Promise<ParleyClient> {
  const c = createNodeClient({ baseUrl: s.t.url, backoff: { initialDelayMs: 20, maxDelayMs: 100 } });
  s.clients.push(c);
  await c.register({ username: `${name}${++n}${Math.random().toString(36).slice(2, 6)}`, password: 'preview pw 123' });
  await c.connect();
  return c;
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Until the durable path is empty: no committed entry waits for the dispatcher (read
 * first: the dispatcher turns an entry into its job in one transaction) and no preview
 * job is queued or running. After that, nothing more will happen to what was sent.
 */
async function settled(store: Store): Promise<void> {
  await until('the event path to be empty', async () =>
    (await store.countEvents()) === 0 && (await store.countJobs(LINK_PREVIEW_JOB)) === 0 ? true : undefined,
  );
}

/** The updates this client received live. */
function updatesOf(client: ParleyClient): Message[] {
  const seen: Message[] = [];
  client.on('message', (m) => {
    if (m.content.type === 'update') seen.push(m);
  });
  return seen;
}

describe('link previews with loopback allowed (PARLEY_OUTBOUND_ALLOW=127.0.0.1)', () => {
  let s: Setup | undefined;
  beforeAll(async () => {
    s = await setup({ outboundAllow: '127.0.0.1' });
  });
  afterAll(() => teardown(s));

  it('acks the post at once, then every member gets the preview as an update; the image is Parley’s copy', async () => {
    const alice = await person(s!, 'alice');
    const bob = await person(s!, 'bob');
    const group = await alice.conversations.createGroup('Links', [bob.user!.id]);
    const bobSaw = updatesOf(bob);
    const sent = await alice.messages.send(group.id, `look: ${site}/article-one.`);
    expect(sent.linkPreviews).toBeUndefined();

    const update = await until('bob to get the preview', () =>
      bobSaw.find((m) => m.content.type === 'update' && m.content.messageId === sent.id),
    );
    expect(update.content).toMatchObject({ action: 'link_previews.set', messageId: sent.id });
    const stored = await bob.messages.get(sent.id);
    expect(stored.linkPreviews).toEqual([
      {
        url: `${site}/article-one`,
        title: 'article-one',
        description: 'All about article-one.',
        siteName: 'Test Site',
        image: {
          url: expect.stringMatching(/^\/v1\/link-previews\/images\/[0-9a-f]{64}\.webp$/),
          width: 480,
          height: 252,
        },
      },
    ]);
    const image = await fetch(`${s!.t.url}${stored.linkPreviews![0]!.image!.url}`);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/webp');
    expect((await sharp(Buffer.from(await image.arrayBuffer())).metadata()).format).toBe('webp');
    expect(hits.get('/picture.png')).toBe(1);
  });

  it('serves a second message with the same URL from the cache, and follows a redirect on loopback', async () => {
    const alice = await person(s!, 'alice');
    const group = await alice.conversations.createGroup('Cache');
    const first = await alice.messages.send(group.id, `${site}/article-cached`);
    await until('the first preview', async () => (await alice.messages.get(first.id)).linkPreviews);
    const second = await alice.messages.send(group.id, `again ${site}/article-cached`);
    const again = await until('the second preview', async () => (await alice.messages.get(second.id)).linkPreviews);
    expect(again[0]?.title).toBe('article-cached');
    expect(hits.get('/article-cached')).toBe(1);

    const moved = await alice.messages.send(group.id, `${site}/moved`);
    const previews = await until('the moved preview', async () => (await alice.messages.get(moved.id)).linkPreviews);
    expect(previews[0]).toMatchObject({ url: `${site}/moved`, title: 'article-moved' });
  });

  it('gives no preview for a page too large, too slow, not HTML, or redirecting to an address not allowed', async () => {
    const alice = await person(s!, 'alice');
    const group = await alice.conversations.createGroup('Limits');
    const sent: Message[] = [];
    for (const route of ['/big', '/slow', '/plain', '/to-internal', '/to-file']) {
      sent.push(await alice.messages.send(group.id, `${site}${route}`));
    }
    await settled(s!.store);
    for (const [i, route] of ['/big', '/slow', '/plain', '/to-internal', '/to-file'].entries()) {
      expect(hits.get(route), route).toBe(1);
      expect((await alice.messages.get(sent[i]!.id)).linkPreviews, route).toBeUndefined();
      // The outcome (none) is cached, so the next message with it does not ask again.
      expect((await s!.store.getCachedLinkPreview(`${site}${route}`))?.preview, route).toBeNull();
    }
    // 127.0.0.2 listens too, but the redirect to it was refused before any connection.
    expect(hits.get('/article-internal')).toBeUndefined();

    const fake = await alice.messages.send(group.id, `${site}/with-fake-image`);
    const previews = await until(
      'the preview without its image',
      async () => (await alice.messages.get(fake.id)).linkPreviews,
    );
    expect(hits.get('/fake.png')).toBe(1);
    expect(previews).toEqual([{ url: `${site}/with-fake-image`, title: 'Fake image', siteName: '127.0.0.1' }]);
  });

  it('fetches again for an edit: a new link gets its preview, a text without links loses it', async () => {
    const alice = await person(s!, 'alice');
    const group = await alice.conversations.createGroup('Edits');
    const sent = await alice.messages.send(group.id, `${site}/article-before`);
    await until('the first preview', async () => (await alice.messages.get(sent.id)).linkPreviews);
    await alice.messages.edit(sent.id, `now ${site}/article-after`);
    await until('the new preview', async () => {
      const previews = (await alice.messages.get(sent.id)).linkPreviews;
      return previews?.[0]?.title === 'article-after' ? previews : undefined;
    });
    await alice.messages.edit(sent.id, 'no link any more');
    await until('no preview', async () =>
      (await alice.messages.get(sent.id)).linkPreviews === undefined ? true : undefined,
    );
  });

  it('sends without previews when asked, and lets the sender remove them afterwards', async () => {
    const alice = await person(s!, 'alice');
    const bob = await person(s!, 'bob');
    const group = await alice.conversations.createGroup('Off', [bob.user!.id]);
    const off = await alice.messages.send(group.id, `${site}/article-off`, { linkPreviews: false });
    expect(off.linkPreviewsOff).toBe(true);
    await settled(s!.store);
    expect(hits.get('/article-off')).toBeUndefined();
    expect((await bob.messages.get(off.id)).linkPreviews).toBeUndefined();

    const bobSaw = updatesOf(bob);
    const shown = await alice.messages.send(group.id, `${site}/article-removed`);
    await until('the preview', async () => (await alice.messages.get(shown.id)).linkPreviews);
    await expect(bob.messages.removeLinkPreviews(shown.id)).rejects.toMatchObject({ code: 'forbidden' });
    const removed = await alice.messages.removeLinkPreviews(shown.id);
    expect(removed.linkPreviews).toBeUndefined();
    expect(removed.linkPreviewsOff).toBe(true);
    await until('bob to see the removal', () =>
      bobSaw.find((m) => m.content.type === 'update' && m.content.action === 'link_previews.removed'),
    );
    // An edit afterwards brings none back.
    await alice.messages.edit(shown.id, `edited ${site}/article-removed`);
    await settled(s!.store);
    expect((await bob.messages.get(shown.id)).linkPreviews).toBeUndefined();
  });
});

describe('a server that may not reach internal addresses (no PARLEY_OUTBOUND_ALLOW)', () => {
  let s: Setup | undefined;
  beforeAll(async () => {
    s = await setup({});
  });
  afterAll(() => teardown(s));

  it('refuses the loopback URL: no request reaches it, and no preview appears', async () => {
    const alice = await person(s!, 'alice');
    const group = await alice.conversations.createGroup('Refused');
    const sent = await alice.messages.send(group.id, `${site}/article-refused`);
    await settled(s!.store);
    expect((await s!.store.getCachedLinkPreview(`${site}/article-refused`))?.preview).toBeNull();
    expect(hits.get('/article-refused')).toBeUndefined();
    expect((await alice.messages.get(sent.id)).linkPreviews).toBeUndefined();
  });
});

describe('a server with PARLEY_LINK_PREVIEWS=off', () => {
  let s: Setup | undefined;
  beforeAll(async () => {
    s = await setup({ outboundAllow: '127.0.0.1', linkPreviews: 'off' });
  });
  afterAll(() => teardown(s));

  it('fetches nothing and says so in its limits', async () => {
    const alice = await person(s!, 'alice');
    const state = alice.state;
    expect(state.state === 'connected' && state.limits.linkPreviews).toBe(false);
    const group = await alice.conversations.createGroup('Server off');
    const sent = await alice.messages.send(group.id, `${site}/article-server-off`);
    await settled(s!.store);
    expect(await s!.store.getCachedLinkPreview(`${site}/article-server-off`)).toBeUndefined();
    expect(hits.get('/article-server-off')).toBeUndefined();
    expect((await alice.messages.get(sent.id)).linkPreviews).toBeUndefined();
  });
});
