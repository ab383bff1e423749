/**
 * Web Push decisions and privacy, in process (docs/notifications.md): with
 * PARLEY_PUSH_CONTENT=none a push carries ids only (the service worker fetches the
 * message itself); a VAPID pair from the configuration is the one served and used
 * (verified by the push service of push-service.ts); the "mentions" level lets only
 * mentions through; a member who blocked the sender hears nothing of them. What a
 * device did not get is checked after a later push that it did get (the jobs of one
 * message are written in the dispatcher's one transaction, in order).
 */
import type { Conversation, Message } from '@parley/protocol';
import webpush from 'web-push';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { http, registerUser, startTestServer, type TestServer } from './harness';
import { TestPushService, type TestSubscription } from './push-service';

const keys = webpush.generateVAPIDKeys();
const pushService = new TestPushService();
let t: TestServer;

beforeAll(async () => {
  await pushService.start();
  pushService.vapidKey = keys.publicKey;
  t = await startTestServer({
    pushContent: 'none',
    vapidPublicKey: keys.publicKey,
    vapidPrivateKey: keys.privateKey,
    outboundAllow: 'loopback',
    jobPollMs: 50,
  });
});
afterAll(async () => {
  await t?.stop();
  await pushService.stop();
});

it('sends ids only when content is off, follows "mentions" and blocks, and signs with the configured key', async () => {
  expect((await http<{ publicKey: string }>(t.url, 'GET', '/v1/push/vapid-public-key')).body.publicKey).toBe(
    keys.publicKey,
  );
  const alice = await registerUser(t.url, 'alice');
  const bob = await registerUser(t.url, 'bob');
  const carol = await registerUser(t.url, 'carol');
  const group = (
    await http<{ conversation: Conversation }>(t.url, 'POST', '/v1/conversations', {
      token: alice.token,
      body: { title: 'Secret plans', memberIds: [bob.user.id, carol.user.id] },
    })
  ).body.conversation;
  const devices = new Map<string, TestSubscription>();
  for (const person of [bob, carol]) {
    const device = pushService.subscribe();
    devices.set(person.user.id, device);
    const answer = await http(t.url, 'POST', '/v1/me/push-subscriptions', {
      token: person.token,
      body: { endpoint: device.endpoint, keys: device.keys },
    });
    expect(answer.status).toBe(201);
  }
  const bobDevice = devices.get(bob.user.id)!;
  const carolDevice = devices.get(carol.user.id)!;
  await http(t.url, 'PUT', `/v1/conversations/${group.id}/settings`, {
    token: carol.token,
    body: { notifyLevel: 'mentions' },
  });
  let n = 0;
  const send = async (text: string) =>
    (
      await http<{ message: Message }>(t.url, 'POST', `/v1/conversations/${group.id}/messages`, {
        token: alice.token,
        body: { clientId: `p${++n}`, content: { type: 'text', text } },
      })
    ).body.message;
  const ids = (device: TestSubscription) => pushService.requestsOf(device).map((r) => r.payload.messageId);

  const plain = await send('The password is swordfish');
  const mention = await send(`@${carol.user.username} see above`);
  await pushService.until('the mention to Carol', () => ids(carolDevice).includes(mention.id));
  await pushService.until('both to Bob', () => ids(bobDevice).length === 2);
  expect(ids(carolDevice)).toEqual([mention.id]);
  expect(pushService.requestsOf(bobDevice)[0]!.payload).toEqual({
    v: 1,
    type: 'message',
    conversationId: group.id,
    messageId: plain.id,
    seq: plain.seq,
    mention: false,
  });
  expect(JSON.stringify(pushService.requests)).not.toMatch(/swordfish|Secret plans/);

  // Bob blocks Alice: her next message reaches Carol (a mention) but not Bob.
  expect((await http(t.url, 'PUT', `/v1/blocks/${alice.user.id}`, { token: bob.token })).status).toBe(204);
  const blocked = await send(`@${carol.user.username} again`);
  await pushService.until('the second mention to Carol', () => ids(carolDevice).includes(blocked.id));
  expect(ids(bobDevice)).toEqual([plain.id, mention.id]);
  expect(pushService.errors).toEqual([]);
});
