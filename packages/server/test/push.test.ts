/**
 * Web Push end to end (docs/notifications.md), against a real server process and the
 * push service of test/push-service.ts, which verifies each VAPID signature against the
 * server's public key and decrypts each payload with the subscription's private key.
 * Checked, in one conversation of Alice, Bob and Carol: a message reaches Bob's device
 * with the right content and high urgency when it mentions him; the sender's own device
 * gets nothing; a muted conversation gets nothing; a 500 is retried once and delivered
 * once; a 410 deletes the subscription; reading on one device sends a clearing push to
 * the other device only; logging out deletes the device's subscription; and a server
 * killed (SIGKILL) while a push is in flight sends it again after the restart, under the
 * same Topic, so the push service holds it once. The VAPID key survives the restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AuthResponse, Conversation, Message, PushSubscriptionInfo } from '@parley/protocol';
import { createNodeClient } from '@parley/sdk/node';
import { afterAll, expect, it } from 'vitest';
import { http, RawClient } from './harness';
import { freePort, spawnServer, type ServerProcess } from './process';
import { TestPushService, type TestSubscription } from './push-service';

const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-push-'));
const pushService = new TestPushService();
let server: ServerProcess | undefined;

afterAll(async () => {
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  await pushService.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

it(
  'sends encrypted, signed pushes by the rules, retries, forgets gone devices and survives a crash',
  { timeout: 120_000 },
  async () => {
    await pushService.start();
    const port = await freePort();
    const env = {
      PARLEY_PORT: String(port),
      PARLEY_DATA_DIR: dataDir,
      PARLEY_XMPP_PORT: '-1',
      PARLEY_OUTBOUND_ALLOW: 'loopback',
      PARLEY_PUSH_TIMEOUT_MS: '1500',
      PARLEY_WEBHOOK_TIMEOUT_MS: '1500',
      PARLEY_PUSH_RETRY_BASE_MS: '300',
      PARLEY_PUSH_RETRY_MAX_DELAY_MS: '1000',
      PARLEY_JOB_LEASE_MS: '3000',
      PARLEY_JOB_POLL_MS: '100',
    };
    server = await spawnServer(env);
    const base = `http://127.0.0.1:${port}`;
    const wsUrl = `ws://127.0.0.1:${port}/v1/ws`;

    const vapid = await http<{ publicKey: string }>(base, 'GET', '/v1/push/vapid-public-key');
    expect(vapid.status).toBe(200);
    expect(Buffer.from(vapid.body.publicKey, 'base64url')).toHaveLength(65);
    pushService.vapidKey = vapid.body.publicKey;

    const register = async (username: string, displayName: string) => {
      const auth = (
        await http<AuthResponse>(base, 'POST', '/v1/auth/register', {
          body: { username, password: 'correct horse battery' },
        })
      ).body;
      await http(base, 'PATCH', '/v1/me', { token: auth.token, body: { displayName } });
      return auth;
    };
    const alice = await register('alice', 'Alice A.');
    const bob = await register('bob', 'Bob B.');
    const carol = await register('carol', 'Carol C.');
    const group = (
      await http<{ conversation: Conversation }>(base, 'POST', '/v1/conversations', {
        token: alice.token,
        body: { title: 'Trip planning', memberIds: [bob.user.id, carol.user.id] },
      })
    ).body.conversation;

    const subscribe = async (token: string, subscription: TestSubscription) => {
      const answer = await http<{ subscription: PushSubscriptionInfo }>(base, 'POST', '/v1/me/push-subscriptions', {
        token,
        body: { endpoint: subscription.endpoint, keys: subscription.keys, expirationTime: null },
      });
      expect(answer.status).toBe(201);
      return answer.body.subscription;
    };
    const aliceDevice = pushService.subscribe();
    const bobDevice = pushService.subscribe();
    const carolDevice = pushService.subscribe();
    await subscribe(alice.token, aliceDevice);
    // Bob's app uses the SDK.
    const bobClient = createNodeClient({ baseUrl: base, token: bob.token });
    expect(await bobClient.push.vapidPublicKey()).toBe(vapid.body.publicKey);
    const bobInfo = await bobClient.push.subscribe({ endpoint: bobDevice.endpoint, keys: bobDevice.keys });
    expect((await bobClient.push.list()).map((s) => s.id)).toEqual([bobInfo.id]);
    const carolInfo = await subscribe(carol.token, carolDevice);

    // Endpoints are checked: not http(s), credentials, or an internal address not allowed.
    for (const endpoint of ['ftp://127.0.0.1/push/x', 'http://user:pw@127.0.0.1/push/x', 'http://10.1.2.3/push/x']) {
      const refused = await http<{ error: { code: string } }>(base, 'POST', '/v1/me/push-subscriptions', {
        token: bob.token,
        body: { endpoint, keys: bobDevice.keys },
      });
      expect(refused.status, endpoint).toBe(400);
      expect(refused.body.error.code, endpoint).toBe('url_not_allowed');
    }

    let counter = 0;
    const send = async (token: string, text: string): Promise<Message> => {
      const answer = await http<{ message: Message }>(base, 'POST', `/v1/conversations/${group.id}/messages`, {
        token,
        body: { clientId: `c${++counter}`, content: { type: 'text', text } },
      });
      expect(answer.status).toBe(200);
      return answer.body.message;
    };
    const pushesOf = (device: TestSubscription, messageId: string) =>
      pushService.requestsOf(device).filter((r) => r.payload.messageId === messageId);

    // 1. A message reaches the other members' devices with its content; a mention is urgent.
    const first = await send(alice.token, 'Hello @bob, the train leaves at 9');
    await pushService.until('the first push to Bob', () => pushesOf(bobDevice, first.id).length === 1);
    const [toBob] = pushesOf(bobDevice, first.id);
    expect(toBob!.payload).toEqual({
      v: 1,
      type: 'message',
      conversationId: group.id,
      messageId: first.id,
      seq: first.seq,
      mention: true,
      conversationName: 'Trip planning',
      senderName: 'Alice A.',
      text: 'Hello @bob, the train leaves at 9',
    });
    expect(toBob!.urgency).toBe('high');
    expect(toBob!.ttl).toBe('86400');
    expect(toBob!.topic).toMatch(/^[A-Za-z0-9_-]{32}$/);
    await pushService.until('the first push to Carol', () => pushesOf(carolDevice, first.id).length === 1);
    expect(pushesOf(carolDevice, first.id)[0]!.urgency).toBe('normal');

    // 2. Carol mutes the conversation: Bob still hears of the next message, Carol does not.
    expect(
      (
        await http(base, 'PUT', `/v1/conversations/${group.id}/settings`, {
          token: carol.token,
          body: { notifyLevel: 'muted' },
        })
      ).status,
    ).toBe(204);
    const muted = await send(alice.token, 'Carol will not hear of this');
    await pushService.until('the push to Bob', () => pushesOf(bobDevice, muted.id).length === 1);
    await http(base, 'PUT', `/v1/conversations/${group.id}/settings`, {
      token: carol.token,
      body: { notifyLevel: 'all' },
    });

    // Bob silences notifications for an hour: the next message reaches Carol only; then he turns them back on.
    const dndUntil = Date.now() + 3_600_000;
    expect(await bobClient.push.setDoNotDisturb(dndUntil)).toBe(dndUntil);
    const quiet = await send(alice.token, 'Bob is not disturbed by this');
    await pushService.until('the push to Carol', () => pushesOf(carolDevice, quiet.id).length === 1);
    expect(await bobClient.push.setDoNotDisturb(null)).toBeNull();

    // 3. Carol's push service answers 500, then 201: retried once, delivered once. Bob's: 410.
    pushService.script(carolDevice, 500);
    pushService.script(bobDevice, 410);
    const retried = await send(alice.token, 'Retry me');
    await pushService.until('the retry to Carol', () => pushesOf(carolDevice, retried.id).length === 2);
    const carolTries = pushesOf(carolDevice, retried.id);
    expect(carolTries.map((r) => r.status)).toEqual([500, 201]);
    expect(carolTries[0]!.topic).toBe(carolTries[1]!.topic);
    // The muted message's job never existed: everything Carol's device saw is accounted for.
    expect(pushService.requestsOf(carolDevice).map((r) => r.payload.messageId)).toEqual([
      first.id,
      quiet.id,
      retried.id,
      retried.id,
    ]);
    // Nor did Bob's do-not-disturb one.
    expect(pushService.requestsOf(bobDevice).map((r) => r.payload.messageId)).toEqual([first.id, muted.id, retried.id]);

    await pushService.until('the 410 from Bob', () => pushesOf(bobDevice, retried.id).length === 1);
    for (let i = 0; ; i++) {
      const list = await http<{ subscriptions: PushSubscriptionInfo[] }>(base, 'GET', '/v1/me/push-subscriptions', {
        token: bob.token,
      });
      if (list.body.subscriptions.length === 0) break;
      if (i > 100) throw new Error('the 410 did not delete the subscription');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(pushesOf(bobDevice, retried.id)).toHaveLength(1);
    bobClient.close();

    // 4. Bob on two devices: reading on one clears the notification on the other only.
    const bobPhone = pushService.subscribe();
    const bobLaptop = pushService.subscribe();
    await subscribe(bob.token, bobPhone);
    const laptopLogin = (
      await http<AuthResponse>(base, 'POST', '/v1/auth/login', {
        body: { username: 'bob', password: 'correct horse battery' },
      })
    ).body;
    await subscribe(laptopLogin.token, bobLaptop);
    const read = await send(alice.token, 'Read me on the phone');
    await pushService.until('both of Bob’s devices', () =>
      [bobPhone, bobLaptop].every((d) => pushesOf(d, read.id).length === 1),
    );
    const phone = await RawClient.authed(wsUrl, bob.token);
    const receipt = await phone.request('receipt.set', { conversationId: group.id, kind: 'read', seq: read.seq });
    expect(receipt.type).toBe('result');
    phone.close();
    const clears = (device: TestSubscription) =>
      pushService.requestsOf(device).filter((r) => r.payload.type === 'clear');
    await pushService.until('the clearing push', () => clears(bobLaptop).length === 1);
    expect(clears(bobLaptop)[0]!.payload).toEqual({ v: 1, type: 'clear', conversationId: group.id, seq: read.seq });
    expect(clears(bobLaptop)[0]!.urgency).toBe('low');

    // Logging out removes that device's subscription (it belongs to the session).
    expect((await http(base, 'POST', '/v1/auth/logout', { token: laptopLogin.token })).status).toBe(204);
    const afterLogout = await http<{ subscriptions: PushSubscriptionInfo[] }>(
      base,
      'GET',
      '/v1/me/push-subscriptions',
      {
        token: bob.token,
      },
    );
    expect(afterLogout.body.subscriptions.map((s) => s.endpoint)).toEqual([bobPhone.endpoint]);

    // 5. The server dies while Carol's push is in flight (leased): after the restart it is
    // sent again under the same Topic, and the push service holds it once.
    pushService.script(carolDevice, 'hang');
    const crash = await send(alice.token, 'Survive the crash');
    await pushService.until('the push in flight', () => pushesOf(carolDevice, crash.id).length === 1);
    server.child.kill('SIGKILL');
    await server.exited;
    server = await spawnServer(env);
    await pushService.until('the push after the restart', () => pushesOf(carolDevice, crash.id).length === 2);
    const crashTries = pushesOf(carolDevice, crash.id);
    expect(crashTries.map((r) => r.status)).toEqual(['hang', 201]);
    expect(crashTries[0]!.topic).toBe(crashTries[1]!.topic);
    expect(pushService.acceptedOf(carolDevice).filter((p) => p.messageId === crash.id)).toHaveLength(1);
    // The stored VAPID key is the same after the restart (the service verified the new push with it).
    expect((await http<{ publicKey: string }>(base, 'GET', '/v1/push/vapid-public-key')).body.publicKey).toBe(
      vapid.body.publicKey,
    );

    // The device that read got no clearing push (seconds have passed since, the crash included).
    expect(clears(bobPhone)).toEqual([]);
    // The sender's own device never got a push; every push verified and decrypted.
    expect(pushService.requestsOf(aliceDevice)).toEqual([]);
    expect(pushService.errors).toEqual([]);
    expect(carolInfo.endpoint).toBe(carolDevice.endpoint);
  },
);
