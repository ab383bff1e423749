/**
 * Exports over the admin API (issue 19): a conversation as JSON lines (header, the
 * conversation, every entry in seq order over several store pages, file metadata after
 * each file message, a closing count), every message of one user across conversations,
 * audited; refused to anyone but a server admin.
 */
import type { AuthResponse, ExportLine } from '@parley/protocol';
import { AdminHttpClient, createNodeClient, ParleyError, type ParleyClient } from '@parley/sdk/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EXPORT_PAGE } from '../src/services/export';
import { upload } from './files-helpers';
import { http, registerUser, startTestServer, type TestServer } from './harness';

let t: TestServer;
let admin: AuthResponse;
let bob: AuthResponse;
const clients: ParleyClient[] = [];

beforeAll(async () => {
  t = await startTestServer({ authAttemptsPerMinute: 1000, framesPerSecond: 10_000 });
  admin = await registerUser(t.url, 'admin');
  bob = await registerUser(t.url, 'bob');
}, 30_000);
afterAll(async () => {
  clients.forEach((c) => c.close());
  await t?.stop();
});

async function collect(lines: AsyncIterable<ExportLine>): Promise<ExportLine[]> {
  const out: ExportLine[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

it('exports a conversation page after page, and one user across conversations; audited; admins only', async () => {
  const alice = createNodeClient({ baseUrl: t.url });
  const bobClient = createNodeClient({ baseUrl: t.url });
  clients.push(alice, bobClient);
  await alice.connect(admin.token);
  await bobClient.connect(bob.token);
  const group = await alice.conversations.createGroup('exported', [bob.user.id]);
  const other = await bobClient.conversations.createGroup('elsewhere', [admin.user.id]);
  const count = EXPORT_PAGE + 20;
  for (let i = 0; i < count; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, count - i) }, (_, j) => alice.messages.send(group.id, `line ${i + j}`)),
    );
  }
  const fileId = await upload(t.url, bob.token, Buffer.from('attached'), { filename: 'notes.txt' });
  const fileMessage = await bobClient.messages.sendFile(group.id, fileId, { caption: 'notes' });
  await bobClient.messages.send(other.id, 'bob elsewhere');

  const adminHttp = new AdminHttpClient({ baseUrl: t.url, getToken: () => admin.token });
  const lines = await collect(adminHttp.adminExport({ conversationId: group.id }));
  expect(lines[0]).toMatchObject({ type: 'export', format: 1, scope: 'conversation', id: group.id });
  expect(lines[1]).toMatchObject({ type: 'conversation', conversation: { id: group.id, title: 'exported' } });
  const messages = lines.flatMap((l) => (l.type === 'message' ? [l.message] : []));
  // The creation entry, every line, the file message: in seq order, none twice.
  expect(messages.map((m) => m.seq)).toEqual(Array.from({ length: count + 2 }, (_, i) => i + 1));
  const fileAt = lines.findIndex((l) => l.type === 'message' && l.message.id === fileMessage.id);
  expect(lines[fileAt + 1]).toMatchObject({
    type: 'file',
    file: { id: fileId, messageId: fileMessage.id, name: 'notes.txt', ownerId: bob.user.id },
  });
  expect(lines.at(-1)).toEqual({ type: 'end', messages: count + 2, files: 1 });

  const bobs = await collect(adminHttp.adminExport({ userId: bob.user.username }));
  expect(bobs[0]).toMatchObject({ type: 'export', scope: 'user', id: bob.user.id });
  expect(
    bobs.flatMap((l) =>
      l.type === 'message' ? [l.message.content.type === 'text' ? l.message.content.text : l.message.id] : [],
    ),
  ).toEqual([fileMessage.id, 'bob elsewhere']);
  expect(bobs.at(-1)).toEqual({ type: 'end', messages: 2, files: 1 });

  const audit = await http<{ entries: { action: string; target: string | null }[] }>(
    t.url,
    'GET',
    '/v1/admin/audit?limit=5',
    { token: admin.token },
  );
  expect(audit.body.entries.slice(0, 2)).toMatchObject([
    { action: 'export.user', target: bob.user.id },
    { action: 'export.conversation', target: group.id },
  ]);

  const asBob = new AdminHttpClient({ baseUrl: t.url, getToken: () => bob.token });
  await expect(collect(asBob.adminExport({ conversationId: group.id }))).rejects.toSatisfy(
    (e) => e instanceof ParleyError && e.code === 'admin_required',
  );
  await expect(collect(adminHttp.adminExport({ conversationId: 'c_nope' }))).rejects.toSatisfy(
    (e) => e instanceof ParleyError && e.code === 'not_found',
  );
}, 120_000);
