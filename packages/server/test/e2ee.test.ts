/**
 * End-to-end encrypted conversations through a real server (issue 15): three people, one of
 * them on two devices, create an MLS group with the SDK's e2ee module, talk, remove a member
 * (who cannot read what follows), race two commits (one is refused as stale, retried, and
 * everyone ends at the same epoch), and every bad input is refused with a typed error and
 * nothing stored. Last, the canary: no plaintext sent in the encrypted conversation is
 * anywhere in the SQLite file, its WAL or the server's logs, while a control text sent in a
 * plain conversation is found there (so the scan can see).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AuthResponse, Conversation, Message } from '@parley/protocol';
import { HttpClient, ParleyError } from '@parley/sdk';
import { E2eeDevice, KEY_PACKAGE_TARGET, MemoryKeyStore, deviceIdentity } from '@parley/sdk/e2ee';
import { pino } from 'pino';
import {
  defaultCapabilities,
  defaultLifetime,
  encodeMlsMessage,
  generateKeyPackageWithKey,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
} from 'ts-mls';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { http, registerUser, startTestServer, type TestServer } from './harness';

const CANARY = `canary-${randomBytes(6).toString('hex')}`;
const CONTROL = `control-${randomBytes(6).toString('hex')}`;
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

interface Person {
  auth: AuthResponse;
  http: HttpClient;
  device: E2eeDevice;
  keystore: MemoryKeyStore;
  /** Refusals this device's HTTP client saw, by code. */
  refusals: string[];
}

let server: TestServer;
let logFile: string;
let alice1: Person;
let alice2: Person;
let bob: Person;
let carol: Person;
let conversation: Conversation;

function client(token: string, refusals: string[]): HttpClient {
  return new HttpClient({
    baseUrl: server.url,
    getToken: () => token,
    fetch: async (input, init) => {
      const response = await fetch(input, init);
      if (response.status >= 400) {
        const body = (await response.clone().json()) as { error?: { code?: string } };
        refusals.push(body.error?.code ?? String(response.status));
      }
      return response;
    },
  });
}

async function person(auth: AuthResponse): Promise<Person> {
  const refusals: string[] = [];
  const httpClient = client(auth.token, refusals);
  const keystore = new MemoryKeyStore();
  const device = await E2eeDevice.open({ http: httpClient, userId: auth.user.id, deviceId: auth.session.id, keystore });
  await device.publishKeyPackages(4);
  return { auth, http: httpClient, device, keystore, refusals };
}

async function login(username: string): Promise<AuthResponse> {
  const { status, body } = await http<AuthResponse>(server.url, 'POST', '/v1/auth/login', {
    body: { username, password: 'correct horse battery', deviceName: 'second device' },
  });
  expect(status).toBe(200);
  return body;
}

async function texts(p: Person): Promise<string[]> {
  const read = await p.device.catchUp(conversation.id);
  return read.flatMap((r) => (r.payload ? [r.payload.text] : []));
}

async function lastSeq(): Promise<number> {
  return (await alice1.http.getConversation(conversation.id)).conversation.lastSeq;
}

async function refusal(promise: Promise<unknown>): Promise<ParleyError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ParleyError)) throw new Error(`expected a ParleyError, got ${String(error)}`);
  return error;
}

beforeAll(async () => {
  logFile = path.join(tmpdir(), `parley-e2ee-${process.pid}-${Date.now()}.log`);
  // The server logs everything it would log in production and more (trace), to a file the canary reads.
  const logger = pino({ level: 'trace' }, pino.destination({ dest: logFile, sync: true }));
  server = await startTestServer({ logLevel: 'trace' }, { logger });
  const a = await registerUser(server.url, 'alice');
  alice1 = await person(a);
  alice2 = await person(await login(a.user.username));
  bob = await person(await registerUser(server.url, 'bob'));
  carol = await person(await registerUser(server.url, 'carol'));
}, 60_000);

afterAll(async () => {
  await server?.stop();
  rmSync(logFile, { force: true });
});

describe('an encrypted group of three people on four devices', () => {
  test('created end-to-end encrypted, every device joins from its Welcome at the same epoch', async () => {
    conversation = await alice1.device.createGroup('Secret plans', [bob.auth.user.id, carol.auth.user.id]);
    expect(conversation.encryption).toBe('mls');
    // The key packages handed out are gone (each device still has its last-resort one): bob runs low.
    expect(await bob.http.keyPackageCount()).toEqual({ count: 3, lastResort: true, low: true });
    for (const p of [alice2, bob, carol]) expect(await p.device.acceptWelcomes()).toEqual([conversation.id]);
    // Joining, the SDK saw it run low and published more.
    expect(await bob.http.keyPackageCount()).toEqual({ count: KEY_PACKAGE_TARGET, lastResort: true, low: false });
    const epochs = await Promise.all([alice1, alice2, bob, carol].map((p) => p.device.epoch(conversation.id)));
    expect(epochs).toEqual([1, 1, 1, 1]);
    const auths = await Promise.all(
      [alice1, alice2, bob, carol].map((p) => p.device.epochAuthenticator(conversation.id)),
    );
    expect(new Set(auths).size).toBe(1);
    const { group } = await bob.http.e2eeGroup(conversation.id);
    expect(group.devices.map((d) => d.deviceId).sort()).toEqual(
      [alice1, alice2, bob, carol].map((p) => p.auth.session.id).sort(),
    );
    expect(group.pendingAdds).toEqual([]);
  });

  test("they exchange messages that every device reads, the sender's other device included", async () => {
    await alice1.device.send(conversation.id, `hello from alice ${CANARY}`);
    await bob.device.send(conversation.id, `hi from bob ${CANARY}`);
    for (const p of [alice1, alice2, bob, carol]) {
      expect(await texts(p)).toEqual([`hello from alice ${CANARY}`, `hi from bob ${CANARY}`]);
    }
    // What the server stored is ciphertext with its framing only.
    const { messages } = await bob.http.history(conversation.id, {});
    const app = messages.filter((m) => m.content.type === 'mls' && m.content.kind === 'application');
    expect(app).toHaveLength(2);
    for (const m of app) expect(JSON.stringify(m)).not.toContain(CANARY);
  });

  test('a removed member cannot read what is sent after: the server refuses until a commit removes their device', async () => {
    await alice1.http.removeMember(conversation.id, carol.auth.user.id);
    // The group still holds carol's device: a send is refused with a typed error, nothing stored.
    const before = await lastSeq();
    const content = await bob.device.encrypt(conversation.id, { type: 'text', text: `too early ${CANARY}` });
    const early = await refusal(bob.http.sendMessage(conversation.id, { clientId: 'too-early-1', content }));
    expect(early.code).toBe('e2ee_commit_required');
    expect(early.details?.['deviceIds']).toEqual([carol.auth.session.id]);
    expect(await lastSeq()).toBe(before);
    // The SDK commits the removal and sends again.
    await bob.device.send(conversation.id, `after carol left ${CANARY}`);
    const { group } = await bob.http.e2eeGroup(conversation.id);
    expect(group.devices.map((d) => d.deviceId)).not.toContain(carol.auth.session.id);
    expect(group.pendingRemovals).toEqual([]);
    expect(await texts(alice2)).toEqual([`after carol left ${CANARY}`]);
    // Carol's device: the server no longer serves her the conversation...
    expect((await refusal(carol.device.catchUp(conversation.id))).code).toBe('not_member');
    // ...and even given every entry (as a malicious server could), it cannot decrypt them.
    const { messages } = await bob.http.history(conversation.id, { after: before });
    const results = [];
    for (const m of messages) results.push(await carol.device.process(m));
    const last = results.at(-1);
    expect(last?.payload).toBeUndefined();
    expect(last?.unreadable).toMatch(/removed from the conversation/);
  });

  test('two devices commit at once: one is refused as stale, retried, and both end at the same epoch', async () => {
    const start = (await bob.http.e2eeGroup(conversation.id)).group.epoch;
    alice1.refusals.length = 0;
    bob.refusals.length = 0;
    const [a, b] = await Promise.all([alice1.device.rotate(conversation.id), bob.device.rotate(conversation.id)]);
    expect([a, b].sort()).toEqual([start + 1, start + 2]);
    expect([...alice1.refusals, ...bob.refusals].filter((c) => c === 'e2ee_stale_epoch')).toHaveLength(1);
    for (const p of [alice1, alice2, bob]) await p.device.catchUp(conversation.id);
    const epochs = await Promise.all([alice1, alice2, bob].map((p) => p.device.epoch(conversation.id)));
    expect(epochs).toEqual([start + 2, start + 2, start + 2]);
    const auths = await Promise.all([alice1, alice2, bob].map((p) => p.device.epochAuthenticator(conversation.id)));
    expect(new Set(auths).size).toBe(1);
    await alice2.device.send(conversation.id, `after the race ${CANARY}`);
    expect(await texts(bob)).toEqual([`after the race ${CANARY}`]);
  });
});

describe('a logged-out device', () => {
  test('is removed from the group before anything more is sent, and is no longer offered for adding', async () => {
    await alice2.http.logout();
    const { group } = await bob.http.e2eeGroup(conversation.id);
    expect(group.pendingRemovals).toEqual([alice2.auth.session.id]);
    expect(group.pendingAdds).toEqual([]);
    await bob.device.send(conversation.id, `after logout ${CANARY}`);
    const after = (await bob.http.e2eeGroup(conversation.id)).group;
    expect(after.devices.map((d) => d.deviceId).sort()).toEqual([alice1.auth.session.id, bob.auth.session.id].sort());
    expect(await texts(alice1)).toEqual([`after the race ${CANARY}`, `after logout ${CANARY}`]);
    // Its key stays listed (to check what it sent before), marked inactive.
    const listed = (await bob.http.e2eeDevices(alice1.auth.user.id)).devices;
    expect(listed.map((d) => [d.deviceId, d.active])).toEqual([
      [alice1.auth.session.id, true],
      [alice2.auth.session.id, false],
    ]);
  });
});

describe('bad input is refused with a typed error and nothing stored', () => {
  test('a malformed MLS message, as a commit and as a message', async () => {
    const { group } = await bob.http.e2eeGroup(conversation.id);
    const seq = await lastSeq();
    const junk = b64(randomBytes(80));
    const commit = await refusal(
      bob.http.commit(conversation.id, { clientId: 'junk-commit', epoch: group.epoch, commit: junk }),
    );
    expect(commit.code).toBe('e2ee_malformed');
    const message = await refusal(
      bob.http.sendMessage(conversation.id, {
        clientId: 'junk-message',
        content: { type: 'mls', kind: 'application', epoch: group.epoch, data: junk },
      }),
    );
    expect(message.code).toBe('e2ee_malformed');
    expect(await lastSeq()).toBe(seq);
    expect((await bob.http.e2eeGroup(conversation.id)).group.epoch).toBe(group.epoch);
  });

  test('a commit for a stale epoch (an earlier commit sent again) is e2ee_stale_epoch', async () => {
    const { group } = await bob.http.e2eeGroup(conversation.id);
    const seq = await lastSeq();
    const { messages } = await bob.http.history(conversation.id, {});
    const old = messages
      .filter(
        (m): m is Message & { content: { type: 'mls' } } => m.content.type === 'mls' && m.content.kind === 'commit',
      )
      .at(-1);
    if (old?.content.type !== 'mls') throw new Error('no commit in history');
    const stale = await refusal(
      bob.http.commit(conversation.id, {
        clientId: 'stale-commit',
        epoch: old.content.epoch,
        commit: old.content.data,
      }),
    );
    expect(stale.code).toBe('e2ee_stale_epoch');
    expect(stale.retryable).toBe(true);
    expect(stale.details?.['epoch']).toBe(group.epoch);
    expect(await lastSeq()).toBe(seq);
    expect((await bob.http.e2eeGroup(conversation.id)).group.epoch).toBe(group.epoch);
  });

  test('a key package signed by the wrong identity, or for another device, is refused; the upload stores none', async () => {
    const cs = await getCiphersuiteImpl(getCiphersuiteFromName('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519'));
    const before = await bob.http.keyPackageCount();
    const make = async (identity: string, keys: { signKey: Uint8Array; publicKey: Uint8Array }) => {
      const { publicPackage } = await generateKeyPackageWithKey(
        { credentialType: 'basic', identity: new TextEncoder().encode(identity) },
        defaultCapabilities(),
        defaultLifetime,
        [],
        keys,
        cs,
      );
      return b64(encodeMlsMessage({ version: 'mls10', wireformat: 'mls_key_package', keyPackage: publicPackage }));
    };
    // Bob's identity, signed by a key that is not his device's.
    const stranger = await cs.signature.keygen();
    const wrongKey = await make(deviceIdentity(bob.auth.user.id, bob.auth.session.id), stranger);
    // Alice's device's identity, uploaded by Bob's device.
    const wrongIdentity = await make(deviceIdentity(alice1.auth.user.id, alice1.auth.session.id), stranger);
    const valid = (await bob.device.publishKeyPackages(before.count)).count; // no-op: already at target
    expect(valid).toBe(before.count);
    for (const [bad, reason] of [
      [wrongKey, 'signature_key'],
      [wrongIdentity, 'identity'],
    ] as const) {
      const error = await refusal(bob.http.uploadKeyPackages({ keyPackages: [bad] }));
      expect(error.code).toBe('e2ee_key_package_invalid');
      expect(error.details?.['reason']).toBe(reason);
    }
    expect(await bob.http.keyPackageCount()).toEqual(before);

    // Bob's identity and key, but a signature that does not verify; and the same package intact.
    const stored = JSON.parse(new TextDecoder().decode(await bob.keystore.get('identity'))) as Record<string, string>;
    const bobKeys = {
      signKey: Buffer.from(stored.signKey!, 'base64'),
      publicKey: Buffer.from(stored.publicKey!, 'base64'),
    };
    const good = await make(deviceIdentity(bob.auth.user.id, bob.auth.session.id), bobKeys);
    const forged = Buffer.from(good, 'base64');
    forged.writeUInt8(forged.readUInt8(forged.length - 1) ^ 0x01, forged.length - 1);
    const error = await refusal(bob.http.uploadKeyPackages({ keyPackages: [good, forged.toString('base64')] }));
    expect(error.code).toBe('e2ee_key_package_invalid');
    expect(error.details).toEqual({ index: 1, reason: 'signature' });
    expect(await bob.http.keyPackageCount()).toEqual(before);
    expect((await bob.http.uploadKeyPackages({ keyPackages: [good] })).count).toBe(before.count + 1);
  });

  test('plain text in an encrypted conversation, and MLS in a plain one, are refused', async () => {
    const seq = await lastSeq();
    const text = await refusal(
      bob.http.sendMessage(conversation.id, { clientId: 'plain-in-e2ee', content: { type: 'text', text: CANARY } }),
    );
    expect(text.code).toBe('e2ee_required');
    expect(await lastSeq()).toBe(seq);
    const plain = (await bob.http.createGroup({ title: 'plain', memberIds: [alice1.auth.user.id] })).conversation;
    const content = await bob.device.encrypt(conversation.id, { type: 'text', text: 'x' });
    const mls = await refusal(bob.http.sendMessage(plain.id, { clientId: 'mls-in-plain', content }));
    expect(mls.code).toBe('e2ee_not_encrypted');
    // The control for the canary scan below: plaintext in a plain conversation is stored as such.
    await bob.http.sendMessage(plain.id, { clientId: 'control', content: { type: 'text', text: CONTROL } });
  });
});

describe('what a device cannot read says why, in words', () => {
  test('a replayed or tampered application message is refused by the receiving device', async () => {
    await alice1.device.catchUp(conversation.id);
    const { messages } = await alice1.http.history(conversation.id, {});
    const original = messages.filter((m) => m.content.type === 'mls' && m.content.kind === 'application').at(-1);
    if (original?.content.type !== 'mls' || original.senderId === alice1.auth.user.id) throw new Error('no message');
    const after = original.seq + 10_000;
    const replayed = await alice1.device.process({ ...original, id: 'replayed', seq: after });
    expect(replayed.payload).toBeUndefined();
    expect(replayed.unreadable).toMatch(/could not be decrypted or authenticated/);
    const bytes = Buffer.from(original.content.data, 'base64');
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0x01, bytes.length - 1);
    const tampered = await alice1.device.process({
      ...original,
      id: 'tampered',
      seq: after + 1,
      content: { ...original.content, data: bytes.toString('base64') },
    });
    expect(tampered.payload).toBeUndefined();
    expect(tampered.unreadable).toMatch(/tampered with, replayed/);
  });
});

test('the server never sees plaintext: no canary in the SQLite file, its WAL or the logs (the control text is there)', () => {
  const dbPath = path.join(server.dataDir, 'parley.db');
  const files = [dbPath, `${dbPath}-wal`, logFile].filter((f) => existsSync(f));
  expect(files).toContain(dbPath);
  expect(files).toContain(logFile);
  const haystack = Buffer.concat(files.map((f) => readFileSync(f)));
  expect(haystack.length).toBeGreaterThan(0);
  expect(haystack.includes(Buffer.from(CONTROL))).toBe(true);
  expect(haystack.includes(Buffer.from(CANARY))).toBe(false);
  expect(haystack.includes(Buffer.from(CANARY, 'utf16le'))).toBe(false);
});
