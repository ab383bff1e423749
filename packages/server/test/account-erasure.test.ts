/**
 * Deleting an account with everything it sent (issue 19, ADR 0026), against a real server
 * on a SQLite file: Alice sends a canary text, edits it, reacts to Bob's message, sends a
 * canary file and is quoted; she deletes her account with its content; once the
 * `account.erase` job ends, the canary is nowhere: not in history, search or a device that
 * was connected, not in the SQLite file, its WAL or any file of the data directory (Bob's
 * control text is found there, so the scan can see); her file is gone, the quote keeps no
 * excerpt, her reaction is gone. A legal hold refuses the erasure; deleting without content
 * keeps the messages under "Deleted account"; the admin API does both, audited, and is
 * refused to others.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { AuthResponse, Message } from '@parley/protocol';
import { createNodeClient, expiredMessageIds, type ParleyClient } from '@parley/sdk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upload } from './files-helpers';
import { http, registerUser, startTestServer, type TestServer } from './harness';

const hex = () => randomBytes(6).toString('hex');
const CANARY = `canary${hex()}`;
const EDITED = `edited${hex()}`;
const FILE_CANARY = `filecanary${hex()}`;
const CONTROL = `control${hex()}`;
const PASSWORD = 'correct horse battery';

async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

describe('deleting an account', () => {
  let t: TestServer;
  let admin: AuthResponse;
  const clients: ParleyClient[] = [];
  let erased = 0;

  async function connect(auth: AuthResponse): Promise<ParleyClient> {
    const client = createNodeClient({ baseUrl: t.url, backoff: { initialDelayMs: 20, maxDelayMs: 100 } });
    clients.push(client);
    await client.connect(auth.token);
    return client;
  }

  const auditOf = async (action: string) =>
    (await t.server.services.admin.asCli().listAudit({ action })).entries.map((e) => ({
      target: e.target,
      actorId: e.actorId,
      details: e.details,
    }));

  beforeAll(async () => {
    t = await startTestServer({ editWindowSeconds: 0, retentionIntervalSeconds: 0, authAttemptsPerMinute: 1000 });
    // The first account of a fresh server is its admin.
    admin = await registerUser(t.url, 'admin');
  }, 30_000);
  afterAll(async () => {
    clients.forEach((c) => c.close());
    await t?.stop();
  });

  it('with its content: everything it sent is erased, down to the bytes of the SQLite file and the blobs', async () => {
    const aliceAuth = await registerUser(t.url, 'alice');
    const bobAuth = await registerUser(t.url, 'bob');
    const alice = await connect(aliceAuth);
    const bob = await connect(bobAuth);
    const seen = new Map<string, Message>();
    bob.on('message', (m) => {
      for (const id of expiredMessageIds(m)) seen.delete(id);
      if (m.content.type !== 'update') seen.set(m.id, m);
    });
    const group = await alice.conversations.createGroup('team', [bobAuth.user.id]);
    const control = await bob.messages.send(group.id, `${CONTROL} from bob`);
    const canary = await alice.messages.send(group.id, `${CANARY} the plan`);
    await alice.messages.edit(canary.id, `${CANARY} ${EDITED}`);
    await alice.messages.react(control.id, '🎉');
    const fileId = await upload(t.url, aliceAuth.token, Buffer.from(`${FILE_CANARY} secret plans`), {
      filename: 'plans.txt',
    });
    const fileMessage = await alice.messages.sendFile(group.id, fileId, { caption: `${CANARY} caption` });
    const quote = await bob.messages.send(group.id, 'agreed', { replyTo: canary.id });
    expect(quote.replyTo?.excerpt).toContain(CANARY);
    await until('bob holds the canary', () => seen.has(canary.id) && seen.has(fileMessage.id));

    // A legal hold on her account refuses the erasure and leaves the account as it was.
    const hold = await http<{ hold: { id: string } }>(t.url, 'POST', '/v1/admin/retention/holds', {
      token: admin.token,
      body: { kind: 'user', targetId: aliceAuth.user.id, reason: 'case 9' },
    });
    const held = await http<{ error: { code: string } }>(t.url, 'DELETE', '/v1/me', {
      token: aliceAuth.token,
      body: { password: PASSWORD, withContent: true },
    });
    expect([held.status, held.body.error.code]).toEqual([409, 'invalid_operation']);
    expect((await http(t.url, 'GET', '/v1/me', { token: aliceAuth.token })).status).toBe(200);
    await http(t.url, 'DELETE', `/v1/admin/retention/holds/${hold.body.hold.id}`, { token: admin.token });

    const deleted = await http(t.url, 'DELETE', '/v1/me', {
      token: aliceAuth.token,
      body: { password: PASSWORD, withContent: true },
    });
    expect(deleted.status).toBe(204);
    erased += 1;
    await until('the erasure job ends', async () => (await auditOf('user.content_erased')).length === erased);

    // Gone from history (the quote stays without its excerpt), from search, from bob's device.
    const { messages } = await bob.messages.history(group.id, { limit: 100 });
    // Only the system entry of the group's creation names her (it carries nothing she wrote).
    expect(messages.filter((m) => m.senderId === aliceAuth.user.id).map((m) => m.content.type)).toEqual(['system']);
    expect(JSON.stringify(messages)).not.toContain(CANARY);
    expect(messages.find((m) => m.id === quote.id)?.replyTo?.excerpt).toBe('');
    expect(messages.find((m) => m.id === control.id)?.reactions ?? []).toEqual([]);
    expect((await bob.search.query({ query: CANARY })).hits).toEqual([]);
    await until('bob dropped her messages', () => !seen.has(canary.id) && !seen.has(fileMessage.id));
    expect(seen.has(control.id)).toBe(true);
    const download = await fetch(`${t.url}/v1/files/${fileId}`, {
      headers: { authorization: `Bearer ${bobAuth.token}` },
    });
    expect(download.status).toBe(404);

    // Audited: who asked, and the end of the erasure.
    expect(await auditOf('account.deleted')).toContainEqual({
      target: aliceAuth.user.id,
      actorId: aliceAuth.user.id,
      details: expect.objectContaining({ withContent: true }),
    });
    expect(await auditOf('user.content_erased')).toContainEqual({
      target: aliceAuth.user.id,
      actorId: aliceAuth.user.id,
      details: expect.objectContaining({ reactions: 1, walCheckpointed: true }),
    });

    // Not in the database file, its WAL, or any file of the data directory; the control text is.
    const db = path.join(t.dataDir, 'parley.db');
    const bytes = Buffer.concat([db, `${db}-wal`].filter(existsSync).map((f) => readFileSync(f)));
    expect(bytes.includes(CONTROL)).toBe(true);
    for (const secret of [CANARY, EDITED, FILE_CANARY]) expect(bytes.includes(secret), secret).toBe(false);
    for (const file of filesUnder(t.dataDir)) {
      const content = readFileSync(file);
      for (const secret of [CANARY, EDITED, FILE_CANARY])
        expect(content.includes(secret), `${secret} in ${file}`).toBe(false);
    }
  }, 60_000);

  it('without its content: the messages stay under "Deleted account"', async () => {
    const carolAuth = await registerUser(t.url, 'carol');
    const bobAuth = await registerUser(t.url, 'bob');
    const carol = await connect(carolAuth);
    const bob = await connect(bobAuth);
    const group = await carol.conversations.createGroup('kept', [bobAuth.user.id]);
    const kept = await carol.messages.send(group.id, 'still here');
    const deleted = await http(t.url, 'DELETE', '/v1/me', { token: carolAuth.token, body: { password: PASSWORD } });
    expect(deleted.status).toBe(204);
    const { messages } = await bob.messages.history(group.id, { limit: 100 });
    expect(messages.map((m) => m.id)).toContain(kept.id);
    expect((await bob.users.get(carolAuth.user.id)).displayName).toBe('Deleted account');
    expect(await auditOf('account.deleted')).toContainEqual({
      target: carolAuth.user.id,
      actorId: carolAuth.user.id,
      details: expect.objectContaining({ withContent: false }),
    });
  });

  it('by an admin over the admin API, audited; refused to others, to oneself and for another admin', async () => {
    const daveAuth = await registerUser(t.url, 'dave');
    const erinAuth = await registerUser(t.url, 'erin');
    const dave = await connect(daveAuth);
    const erin = await connect(erinAuth);
    const group = await dave.conversations.createGroup('daves', [erinAuth.user.id]);
    const sent = await dave.messages.send(group.id, `${CANARY} from dave`);
    const route = `/v1/admin/users/${daveAuth.user.id}`;

    const asUser = await http<{ error: { code: string } }>(t.url, 'DELETE', route, {
      token: erinAuth.token,
      body: { withContent: true },
    });
    expect(asUser.body.error.code).toBe('admin_required');
    expect((await http(t.url, 'DELETE', route, { body: { withContent: true } })).status).toBe(401);
    const self = await http<{ error: { code: string } }>(t.url, 'DELETE', `/v1/admin/users/${admin.user.id}`, {
      token: admin.token,
      body: {},
    });
    expect(self.body.error.code).toBe('invalid_operation');
    await http(t.url, 'PUT', `/v1/admin/users/${erinAuth.user.id}/admin`, {
      token: admin.token,
      body: { isAdmin: true },
    });
    const otherAdmin = await http<{ error: { code: string } }>(t.url, 'DELETE', `/v1/admin/users/${erinAuth.user.id}`, {
      token: admin.token,
      body: {},
    });
    expect(otherAdmin.body.error.code).toBe('invalid_operation');
    expect(await erin.messages.history(group.id, { limit: 10 })).toMatchObject({
      messages: expect.arrayContaining([expect.objectContaining({ id: sent.id })]),
    });

    expect((await http(t.url, 'DELETE', route, { token: admin.token, body: { withContent: true } })).status).toBe(204);
    erased += 1;
    await until('the erasure job ends', async () => (await auditOf('user.content_erased')).length === erased);
    const { messages } = await erin.messages.history(group.id, { limit: 100 });
    expect(messages.map((m) => m.id)).not.toContain(sent.id);
    expect(await auditOf('account.deleted')).toContainEqual({
      target: daveAuth.user.id,
      actorId: admin.user.id,
      details: expect.objectContaining({ withContent: true }),
    });
    // Her session ended with the account.
    expect((await http(t.url, 'GET', '/v1/me', { token: daveAuth.token })).status).toBe(401);
  });
});
