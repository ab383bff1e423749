/**
 * A user's own export (issue 19, docs/export-format.md), against a real server: Alice
 * downloads her archive through the SDK; it holds the documented entries (manifest,
 * profile, contacts, conversations, her messages in JSON lines, her file's metadata and
 * bytes, end.json last) and nothing of Bob's private content (his messages, his file, the
 * excerpt of his message that her reply quotes). Audited; past the hourly budget refused.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { AuthResponse, Message } from '@parley/protocol';
import { createNodeClient, ParleyError, type ParleyClient } from '@parley/sdk/node';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upload } from './files-helpers';
import { registerUser, startTestServer, type TestServer } from './harness';

const hex = () => randomBytes(6).toString('hex');
const BOB_SECRET = `bobsecret${hex()}`;
const BOB_FILE = `bobfile${hex()}`;
const ALICE_TEXT = `alice${hex()}`;
const ALICE_FILE = `alicefile${hex()}`;

/** Every entry of a tar stream, by name, in order. */
async function untar(body: ReadableStream<Uint8Array>): Promise<Map<string, Buffer>> {
  const entries = new Map<string, Buffer>();
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => {
        entries.set(header.name, Buffer.concat(chunks));
        next();
      });
    });
    extract.on('finish', resolve);
    extract.on('error', reject);
  });
  Readable.fromWeb(body as never).pipe(extract);
  await done;
  return entries;
}

describe("a user's own export", () => {
  let t: TestServer;
  let aliceAuth: AuthResponse;
  let bobAuth: AuthResponse;
  const clients: ParleyClient[] = [];

  async function connect(auth: AuthResponse): Promise<ParleyClient> {
    const client = createNodeClient({ baseUrl: t.url, backoff: { initialDelayMs: 20, maxDelayMs: 100 } });
    clients.push(client);
    await client.connect(auth.token);
    return client;
  }

  beforeAll(async () => {
    t = await startTestServer({ exportsPerHour: 2, authAttemptsPerMinute: 1000 });
    aliceAuth = await registerUser(t.url, 'alice');
    bobAuth = await registerUser(t.url, 'bob');
  }, 30_000);
  afterAll(async () => {
    clients.forEach((c) => c.close());
    await t?.stop();
  });

  it('holds the documented entries and nothing of anyone else', async () => {
    const alice = await connect(aliceAuth);
    const bob = await connect(bobAuth);
    await alice.contacts.add(bobAuth.user.id);
    const group = await alice.conversations.createGroup('team', [bobAuth.user.id]);
    const bobs = await bob.messages.send(group.id, `${BOB_SECRET} his words`);
    const bobFile = await upload(t.url, bobAuth.token, Buffer.from(`${BOB_FILE} bytes`), { filename: 'his.txt' });
    await bob.messages.sendFile(group.id, bobFile);
    const reply = await alice.messages.send(group.id, `${ALICE_TEXT} mine`, { replyTo: bobs.id });
    const fileId = await upload(t.url, aliceAuth.token, Buffer.from(`${ALICE_FILE} bytes`), {
      filename: 'plans.txt',
    });
    const fileMessage = await alice.messages.sendFile(group.id, fileId);

    const entries = await untar(await alice.account.exportData());
    const names = [...entries.keys()];
    const root = 'parley-export';
    expect(names.slice(0, 4)).toEqual([
      `${root}/manifest.json`,
      `${root}/profile.json`,
      `${root}/contacts.json`,
      `${root}/conversations.json`,
    ]);
    expect(names.at(-1)).toBe(`${root}/end.json`);
    expect(names).toEqual(
      expect.arrayContaining([
        `${root}/messages/000001.jsonl`,
        `${root}/files/${fileId}/file.json`,
        `${root}/files/${fileId}/plans.txt`,
      ]),
    );
    const read = (name: string) => JSON.parse(entries.get(`${root}/${name}`)!.toString()) as Record<string, unknown>;
    expect(read('manifest.json')).toMatchObject({ format: 1, user: { id: aliceAuth.user.id } });
    expect(read('profile.json')).toMatchObject({ user: { id: aliceAuth.user.id, username: aliceAuth.user.username } });
    expect(read('contacts.json')).toMatchObject({ contacts: [{ userId: bobAuth.user.id }] });
    expect(read('conversations.json')).toMatchObject({ conversations: [{ id: group.id, title: 'team' }] });
    expect(read('end.json')).toMatchObject({ messages: 2, files: 1, conversations: 1 });
    const messages = entries
      .get(`${root}/messages/000001.jsonl`)!
      .toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Message);
    expect(messages.map((m) => m.id)).toEqual([reply.id, fileMessage.id]);
    expect(messages[0]?.replyTo).toMatchObject({ messageId: bobs.id, excerpt: '' });
    expect(entries.get(`${root}/files/${fileId}/plans.txt`)?.toString()).toBe(`${ALICE_FILE} bytes`);

    // Nothing of Bob's in any entry.
    const all = Buffer.concat([...entries.values()]);
    expect(all.includes(ALICE_TEXT)).toBe(true);
    for (const secret of [BOB_SECRET, BOB_FILE]) expect(all.includes(secret), secret).toBe(false);
    expect(names.some((n) => n.includes(bobFile))).toBe(false);

    // Audited.
    const audit = await t.server.services.admin.asCli().listAudit({ action: 'export.self' });
    expect(audit.entries.map((e) => [e.actorId, e.target])).toEqual([[aliceAuth.user.id, aliceAuth.user.id]]);
  });

  it('is refused past the hourly budget, before any byte', async () => {
    const alice = await connect(aliceAuth);
    // The first test used one of the two exports of the hour.
    await (await alice.account.exportData()).cancel();
    const refused = await alice.account.exportData().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ParleyError);
    expect((refused as ParleyError).code).toBe('rate_limited');
  });
});
