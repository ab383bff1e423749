/**
 * Retention that really deletes (issue 19, ADR 0019), against a real server on a SQLite
 * file: canary texts (a message, its later edit, a quote of it) and a canary file are
 * sent, the policy runs, and then the canary is nowhere: not in history or search, not in
 * the SQLite file or its WAL (a held control text is found there, so the scan can see),
 * not in the blob store; the file is gone. Legal holds keep exactly what they cover; a
 * device that was offline during the run drops the deleted messages when it syncs and
 * never gets them again; a conversation's own period follows the permission matrix and
 * the server's rule; batches commit one by one and the run yields between them; two runs
 * at once: one waits out (the lease).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { AuthResponse, Message, RetentionRunReport } from '@parley/protocol';
import { applyUpdate, createNodeClient, expiredMessageIds, type ParleyClient } from '@parley/sdk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upload } from './files-helpers';
import { http, registerUser, startTestServer, type TestServer } from './harness';

const DAY = 86_400_000;
const hex = () => randomBytes(6).toString('hex');
const CANARY = `canary${hex()}`;
const EDITED = `edited${hex()}`;
const FILE_CANARY = `filecanary${hex()}`;
const HELD_USER_TEXT = `helduser${hex()}`;
const HELD_CONV_TEXT = `heldconv${hex()}`;

/** What an app keeps of one device: messages by id, updates folded, expired ones dropped. */
class DeviceState {
  readonly byId = new Map<string, Message>();
  constructor(readonly client: ParleyClient) {
    client.on('message', (m) => {
      for (const id of expiredMessageIds(m)) this.byId.delete(id);
      if (m.content.type !== 'update') this.byId.set(m.id, m);
      else {
        const target = this.byId.get(m.content.messageId);
        if (target) this.byId.set(target.id, applyUpdate(target, m));
      }
    });
  }
  texts(): string[] {
    return [...this.byId.values()].flatMap((m) => (m.content.type === 'text' ? [m.content.text] : []));
  }
}

async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every file under dir, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

describe('retention deletes for good, except what legal holds keep', () => {
  let t: TestServer;
  let admin: AuthResponse;
  let bob: AuthResponse;
  let carol: AuthResponse;
  const clients: ParleyClient[] = [];

  async function connect(auth: AuthResponse): Promise<ParleyClient> {
    const client = createNodeClient({ baseUrl: t.url, backoff: { initialDelayMs: 20, maxDelayMs: 100 } });
    clients.push(client);
    await client.connect(auth.token);
    return client;
  }

  beforeAll(async () => {
    t = await startTestServer({ editWindowSeconds: 0, retentionIntervalSeconds: 0, authAttemptsPerMinute: 1000 });
    admin = await registerUser(t.url, 'admin');
    bob = await registerUser(t.url, 'bob');
    carol = await registerUser(t.url, 'carol');
  }, 30_000);
  afterAll(async () => {
    clients.forEach((c) => c.close());
    await t?.stop();
  });

  it('deletes messages, edits, quotes, files and search entries, leaves no trace in the SQLite file, and keeps the held', async () => {
    const alice = await connect(admin);
    const bobClient = await connect(bob);
    const carolClient = await connect(carol);
    const bobDevice = new DeviceState(bobClient);
    const group = await alice.conversations.createGroup('team', [bob.user.id, carol.user.id]);
    const heldGroup = await bobClient.conversations.createGroup('case files', [admin.user.id]);

    const canary = await alice.messages.send(group.id, `${CANARY} the plan`);
    await bobClient.messages.react(canary.id, '👍');
    const fileId = await upload(t.url, admin.token, Buffer.from(`${FILE_CANARY} secret plans`), {
      filename: 'plans.txt',
    });
    const fileMessage = await alice.messages.sendFile(group.id, fileId, { caption: `${CANARY} caption` });
    const held = await carolClient.messages.send(group.id, HELD_USER_TEXT);
    const heldInGroup = await bobClient.messages.send(heldGroup.id, HELD_CONV_TEXT);
    await until('bob holds the canary', () => bobDevice.texts().some((s) => s.includes(CANARY)));

    // Legal holds: carol's messages and the "case files" conversation.
    const holdUser = await http<{ hold: { id: string } }>(t.url, 'POST', '/v1/admin/retention/holds', {
      token: admin.token,
      body: { kind: 'user', targetId: carol.user.username, reason: 'case 7' },
    });
    expect(holdUser.status).toBe(200);
    const holdConv = await http(t.url, 'POST', '/v1/admin/retention/holds', {
      token: admin.token,
      body: { kind: 'conversation', targetId: heldGroup.id, reason: 'case 7' },
    });
    expect(holdConv.status).toBe(200);
    // Only server admins hold.
    const refused = await http<{ error: { code: string } }>(t.url, 'POST', '/v1/admin/retention/holds', {
      token: bob.token,
      body: { kind: 'user', targetId: bob.user.id, reason: 'mine' },
    });
    expect(refused.body.error.code).toBe('admin_required');

    // Two days later: a fresh edit of the old message (the edit carries the text) and a fresh quote.
    t.clock.advance(2 * DAY);
    await alice.messages.edit(canary.id, `${CANARY} ${EDITED}`);
    const quote = await bobClient.messages.send(group.id, 'agreed', { replyTo: canary.id });
    expect(quote.replyTo?.excerpt).toContain(CANARY);
    const fresh = await alice.messages.send(group.id, 'fresh news');
    // Bob's device goes offline before the run, holding the canary.
    await until('bob saw the edit', () => bobDevice.texts().some((s) => s.includes(EDITED)));
    bobClient.close();

    const policy = await http(t.url, 'PUT', '/v1/admin/retention', { token: admin.token, body: { days: 1 } });
    expect(policy.body).toEqual({ policy: { days: 1, allowLongerInConversations: false } });
    const run = await http<RetentionRunReport>(t.url, 'POST', '/v1/admin/retention/run', { token: admin.token });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ ran: true, files: 1, walCheckpointed: true });
    expect(run.body.messages).toBeGreaterThanOrEqual(3);

    // Gone from history and search; the held and the fresh stay; the quote keeps no excerpt.
    const { messages } = await alice.messages.history(group.id, { limit: 100 });
    const ids = messages.map((m) => m.id);
    expect(ids).not.toContain(canary.id);
    expect(ids).not.toContain(fileMessage.id);
    expect(ids).toEqual(expect.arrayContaining([held.id, quote.id, fresh.id]));
    expect(JSON.stringify(messages)).not.toContain(CANARY);
    expect(messages.find((m) => m.id === quote.id)?.replyTo?.excerpt).toBe('');
    expect((await alice.messages.history(heldGroup.id, { limit: 100 })).messages.map((m) => m.id)).toContain(
      heldInGroup.id,
    );
    expect((await alice.search.query({ query: CANARY })).hits).toEqual([]);
    expect((await alice.search.query({ query: HELD_USER_TEXT })).hits.map((h) => h.message.id)).toEqual([held.id]);
    const download = await fetch(`${t.url}/v1/files/${fileId}`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    expect(download.status).toBe(404);

    // The audit log has the run with its counts.
    const audit = await http<{ entries: { action: string; details: Record<string, unknown> }[] }>(
      t.url,
      'GET',
      '/v1/admin/audit?action=retention.run',
      { token: admin.token },
    );
    expect(audit.body.entries[0]?.details).toMatchObject({ messages: run.body.messages, files: 1 });

    // The device that was offline syncs: it drops what was deleted and is not handed it again.
    await bobClient.connect();
    await until('bob dropped the canary', () => !bobDevice.texts().some((s) => s.includes(CANARY)));
    expect(bobDevice.byId.has(canary.id)).toBe(false);
    expect(bobDevice.byId.has(fileMessage.id)).toBe(false);
    expect(bobDevice.byId.has(held.id)).toBe(true);

    // Not in the database file, its WAL, or the blob store; the held control text is (the scan can see).
    const db = path.join(t.dataDir, 'parley.db');
    const bytes = Buffer.concat([db, `${db}-wal`].filter(existsSync).map((f) => readFileSync(f)));
    expect(bytes.includes(HELD_USER_TEXT)).toBe(true);
    for (const secret of [CANARY, EDITED, FILE_CANARY]) expect(bytes.includes(secret)).toBe(false);
    for (const file of filesUnder(t.dataDir)) {
      const content = readFileSync(file);
      for (const secret of [CANARY, EDITED, FILE_CANARY])
        expect(content.includes(secret), `${secret} in ${file}`).toBe(false);
    }
  }, 60_000);
});

describe("a conversation's own period, batches and the lease", () => {
  let t: TestServer;
  let owner: AuthResponse;
  let member: AuthResponse;
  const clients: ParleyClient[] = [];

  beforeAll(async () => {
    t = await startTestServer({ retentionIntervalSeconds: 0, retentionBatch: 2, authAttemptsPerMinute: 1000 });
    owner = await registerUser(t.url, 'owner');
    member = await registerUser(t.url, 'member');
  }, 30_000);
  afterAll(async () => {
    clients.forEach((c) => c.close());
    await t?.stop();
  });

  const put = (token: string, conversationId: string, days: number | null) =>
    http<{ days: number | null; effectiveDays: number | null; error?: { code: string } }>(
      t.url,
      'PUT',
      `/v1/conversations/${conversationId}/retention`,
      { token, body: { days } },
    );

  it('owners and admins set it within what the server allows; members and direct chats cannot', async () => {
    const client = createNodeClient({ baseUrl: t.url });
    clients.push(client);
    await client.connect(owner.token);
    const group = await client.conversations.createGroup('short-lived', [member.user.id]);
    const direct = await client.conversations.createDirect(member.user.id);

    // The server keeps forever: any period is shorter.
    expect((await put(owner.token, group.id, 400)).body).toEqual({ days: 400, effectiveDays: 400 });
    expect((await put(member.token, group.id, 1)).body.error?.code).toBe('forbidden');
    // Direct chats have no settings to change (the matrix's editSettings is not for them).
    expect((await put(owner.token, direct.id, 1)).body.error?.code).toBe('invalid_operation');
    expect((await http(t.url, 'GET', `/v1/conversations/${group.id}/retention`, { token: member.token })).body).toEqual(
      {
        days: 400,
        effectiveDays: 400,
      },
    );

    // The server keeps 30 days: longer only when it allows it; when it stops allowing, its own applies.
    await http(t.url, 'PUT', '/v1/admin/retention', { token: owner.token, body: { days: 30 } });
    expect((await http(t.url, 'GET', `/v1/conversations/${group.id}/retention`, { token: owner.token })).body).toEqual({
      days: 400,
      effectiveDays: 30,
    });
    const longer = await put(owner.token, group.id, 60);
    expect(longer.body.error?.code).toBe('invalid_operation');
    expect((await put(owner.token, group.id, 7)).body).toEqual({ days: 7, effectiveDays: 7 });
    await http(t.url, 'PUT', '/v1/admin/retention', {
      token: owner.token,
      body: { allowLongerInConversations: true },
    });
    expect((await put(owner.token, group.id, 60)).body).toEqual({ days: 60, effectiveDays: 60 });
    expect((await put(owner.token, group.id, null)).body).toEqual({ days: null, effectiveDays: 30 });
  });

  it('deletes a conversation by its own period, in batches that commit one by one, one run at a time', async () => {
    const client = createNodeClient({ baseUrl: t.url });
    clients.push(client);
    await client.connect(owner.token);
    await http(t.url, 'PUT', '/v1/admin/retention', { token: owner.token, body: { days: null } });
    const short = await client.conversations.createGroup('one day', [member.user.id]);
    const kept = await client.conversations.createGroup('forever', [member.user.id]);
    for (let i = 0; i < 5; i++) await client.messages.send(short.id, `short ${i}`);
    await client.messages.send(kept.id, 'kept');
    expect((await put(owner.token, short.id, 1)).status).toBe(200);
    t.clock.advance(2 * DAY);

    const store = t.server.services.retention;
    const remaining = async () => (await client.messages.history(short.id, { limit: 100 })).messages.length;
    const before = await remaining();
    expect(before).toBeGreaterThanOrEqual(6); // the creation entry and five messages
    let batches = 0;
    const seenAfterBatch: number[] = [];
    let second: RetentionRunReport | undefined;
    const report = await store.run(
      { id: null, name: 'test', address: null },
      {
        afterBatch: async () => {
          batches += 1;
          // Each batch has committed when the run hands the event loop back.
          seenAfterBatch.push(await remaining());
          // A second run meanwhile (another node, or an admin) finds the lease taken.
          second ??= await store.run({ id: null, name: 'other', address: null });
        },
      },
    );
    expect(report.ran).toBe(true);
    expect(second).toMatchObject({ ran: false, messages: 0 });
    expect(report.batches).toBe(batches);
    expect(batches).toBe(Math.ceil(report.messages / 2));
    expect(batches).toBeGreaterThan(1);
    // What is left shrinks batch by batch (each `expired` entry it adds is fresh and stays).
    expect(seenAfterBatch).toEqual([...seenAfterBatch].sort((a, b) => b - a));
    expect(new Set(seenAfterBatch).size).toBe(batches);
    const left = (await client.messages.history(short.id, { limit: 100 })).messages;
    expect(left.every((m) => m.content.type === 'update' && m.content.action === 'expired')).toBe(true);
    expect((await client.messages.history(kept.id, { limit: 100 })).messages.map((m) => m.content)).toContainEqual({
      type: 'text',
      text: 'kept',
    });
  });
});
