/**
 * Whatever the store holds, the XMPP listener writes XML 1.0. Text that no service
 * would accept (C0 controls, lone surrogates, noncharacters: what an older server
 * stored, or a bug) is written straight into the store, behind the services' back,
 * into every place XMPP shows: display name, status text, conversation title, a
 * direct message, a room message, a file message's name and caption. Then a real
 * client, slixmpp (Debian's python3-slixmpp, whose expat parser drops the stream
 * on one such character), catches up as a phone does after a night offline:
 * roster, vCard, its whole archive (MAM), the room's history and subject, and a
 * ping at the end proves the stream survived all of it.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuthResponse, Conversation, Message } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../src';
import type { Store } from '../src/ports/store';
import { upload } from './files-helpers';
import { http, RawClient, startTestServer, type TestServer } from './harness';
import { jidOf, PASSWORD, users } from './xmpp-helpers';

const PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'xmpp-slixmpp-catchup.py');
const ci = process.env.CI === 'true' || process.env.CI === '1';
const available = spawnSync(PYTHON, ['-c', 'import slixmpp'], { stdio: 'ignore' }).status === 0;
if (!available && ci) throw new Error('python3-slixmpp is missing: .ci/run installs it');
if (!available) process.stderr.write('WARNING: python3-slixmpp not installed; skipping the stored-text XMPP test\n');

type Event = Record<string, unknown>;

function runSlixmpp(args: string[]): Promise<{ code: number | null; events: Event[] }> {
  return new Promise((resolve) => {
    const child = spawn(PYTHON, [SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const events = out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Event);
      resolve({ code, events });
    });
  });
}

/** What the serializer makes of the stored texts: every refused character a U+FFFD, CR kept. */
const R = '\uFFFD';

describe.runIf(available)('XMPP output of text stored before the text rules', () => {
  let t: TestServer & { xmppPort: number };
  let store: Store;
  let reader: AuthResponse;
  let mallory: AuthResponse;
  let group: Conversation;
  let mallorySocket: RawClient;

  beforeAll(async () => {
    const started = await startTestServer(
      { xmppPort: 0 },
      {
        store: async (config) => {
          store = await createStore({ db: 'sqlite', sqlitePath: config.sqlitePath ?? '', synchronous: 'normal' });
          return store;
        },
      },
    );
    t = Object.assign(started, { xmppPort: started.server.xmppPort ?? 0 });
    const [r, m] = await users(t, 'reader', 'mallory');
    reader = r!;
    mallory = m!;
    const auth = (user: AuthResponse) => ({ token: user.token });
    for (const [a, b] of [
      [reader, mallory],
      [mallory, reader],
    ] as const) {
      await http(t.url, 'PUT', `/v1/contacts/${b.user.id}`, auth(a));
    }
    const direct = await http<{ conversation: Conversation }>(t.url, 'POST', '/v1/conversations/direct', {
      ...auth(mallory),
      body: { userId: reader.user.id },
    });
    const created = await http<{ conversation: Conversation }>(t.url, 'POST', '/v1/conversations', {
      ...auth(mallory),
      body: { title: 'placeholder', memberIds: [reader.user.id] },
    });
    group = created.body.conversation;
    const fileId = await upload(t.url, mallory.token, Buffer.from('plain text file'), { filename: 'notes.txt' });
    const sent = await http<{ message: Message }>(
      t.url,
      'POST',
      `/v1/conversations/${direct.body.conversation.id}/messages`,
      {
        ...auth(mallory),
        body: { clientId: 'file-1', content: { type: 'file', fileId } },
      },
    );
    const file = sent.body.message.content;
    if (file.type !== 'file') throw new Error('not a file message');

    // Behind the services' back: what no way in accepts any more.
    await store.updateProfile(mallory.user.id, {
      displayName: 'Mallory\u0001\u001B[31m',
      statusText: 'away\u0000\uFFFF',
    });
    await store.updateConversation(group.id, { title: 'trap\u0001title\uD800', topic: 'topic\u0002' });
    const now = Date.now();
    const append = (conversationId: string, id: string, content: Message['content']) =>
      store.appendMessage({ id, conversationId, senderId: mallory.user.id, clientId: id, content, createdAt: now });
    await append(direct.body.conversation.id, 'm_bad_direct', {
      type: 'text',
      text: 'hello\u0001world\uDC00 and\r\ncrlf',
    });
    await append(direct.body.conversation.id, 'm_bad_file', {
      ...file,
      name: 'bad\u0004name.txt',
      caption: 'cap\u0005tion',
    });
    await append(group.id, 'm_bad_room', { type: 'text', text: 'room\u0003message\uFFFE' });
    // Mallory online, so that the reader gets her presence (and its status text).
    mallorySocket = await RawClient.authed(t.wsUrl, mallory.token);
  });

  afterAll(async () => {
    mallorySocket.close();
    await t.stop();
  });

  it('slixmpp reads the roster, vCard, archive and room history and subject on one stream that stays up', async () => {
    const { code, events } = await runSlixmpp([
      String(t.xmppPort),
      jidOf(reader),
      PASSWORD,
      jidOf(mallory),
      `${group.id}@conference.localhost`,
    ]);
    expect(events.at(-1)).toEqual({ event: 'done', ok: true, reason: 'caught up' });
    expect(code).toBe(0);
    expect(events).toContainEqual({ event: 'alive' });
    expect(events).toContainEqual({ event: 'roster', jid: jidOf(mallory), name: `Mallory${R}${R}[31m` });
    expect(events).toContainEqual({ event: 'vcard', fn: `Mallory${R}${R}[31m` });
    const archived = events.filter((e) => e.event === 'archived').map((e) => e.body);
    expect(archived).toContain(`hello${R}world${R} and\r\ncrlf`);
    expect(archived.some((body) => String(body).startsWith(`cap${R}tion\n`))).toBe(true);
    // SQLite gives a stored lone surrogate back as U+FFFD already (one per byte of its CESU-8 form).
    const title = /^trap\uFFFDtitle\uFFFD+$/;
    expect(events.find((e) => e.event === 'room_info')?.name).toMatch(title);
    expect(events).toContainEqual({ event: 'room_message', body: `room${R}message${R}`, delayed: true });
    expect(events.find((e) => e.event === 'subject')?.subject).toMatch(title);
    expect(events).toContainEqual({ event: 'status', status: `away${R}${R}` });
  });
});
