/**
 * Contract: bots and webhook records (0017). A bot is a user marked `bot` with its
 * owner; subscriptions keep their filters and secret; a 410 disables one; deliveries
 * and attempts list in their orders; deleting a subscription takes its deliveries and
 * attempts along; incoming webhooks are found by the hash of their secret only.
 */
import { describe, expect, it } from 'vitest';
import { type Harness, newUser, tick, uid, uname } from './harness';

export function webhooksContract(h: Harness): void {
  describe('bots and webhooks', () => {
    it("stores a bot with its owner, lists an owner's bots by username, and marks nobody else", async () => {
      const owner = await newUser(h.store);
      const names = [uname('zb'), uname('ab')];
      for (const username of names) {
        await h.store.createUser({
          id: uid('user'),
          username,
          displayName: username,
          passwordHash: '!bot',
          createdAt: tick(),
          bot: true,
          ownerId: owner.id,
        });
      }
      const bots = await h.store.listBotsOwnedBy(owner.id);
      expect(bots.map((b) => b.username)).toEqual([...names].sort());
      expect(bots.every((b) => b.bot === true && b.ownerId === owner.id)).toBe(true);
      expect((await h.store.getUser(owner.id))?.bot).toBeUndefined();
      expect(await h.store.listBotsOwnedBy(bots[0]!.id)).toEqual([]);
    });

    it('keeps subscriptions, disables one on 410, lists deliveries and attempts, and deletes them together', async () => {
      const botId = uid('bot');
      const sub = {
        id: uid('wh'),
        botId,
        url: 'https://example.org/hook',
        secret: 'whsec_c2VjcmV0',
        eventTypes: ['message.created', 'member.joined'],
        conversationIds: ['c_a', 'c_b'],
        enabled: true,
        disabledReason: null,
        createdBy: uid('user'),
        createdAt: tick(),
      };
      await h.store.createWebhookSubscription(sub);
      await h.store.createWebhookSubscription({ ...sub, id: uid('wh'), conversationIds: null, createdAt: tick() });
      expect(await h.store.getWebhookSubscription(sub.id)).toEqual(sub);
      expect((await h.store.listWebhookSubscriptions(botId)).map((s) => s.conversationIds)).toEqual([
        ['c_a', 'c_b'],
        null,
      ]);
      await h.store.disableWebhookSubscription(sub.id, 'HTTP 410');
      expect(await h.store.getWebhookSubscription(sub.id)).toMatchObject({
        enabled: false,
        disabledReason: 'HTTP 410',
      });
      expect((await h.store.listEnabledWebhookSubscriptions()).some((s) => s.id === sub.id)).toBe(false);

      const first = { id: uid('msg'), subscriptionId: sub.id, eventType: 'message.created', payload: '{"a":1}' };
      const second = { ...first, id: uid('msg') };
      await h.store.createWebhookDelivery({
        ...first,
        status: 'pending',
        attempts: 0,
        createdAt: tick(),
        nextAttemptAt: 5,
      });
      await h.store.createWebhookDelivery({
        ...second,
        status: 'pending',
        attempts: 0,
        createdAt: tick(),
        nextAttemptAt: 5,
      });
      await h.store.updateWebhookDelivery(first.id, { status: 'delivered', attempts: 2, nextAttemptAt: null });
      expect(await h.store.getWebhookDelivery(first.id)).toMatchObject({
        status: 'delivered',
        attempts: 2,
        nextAttemptAt: null,
      });
      expect((await h.store.listWebhookDeliveries(sub.id, 10)).map((d) => d.id)).toEqual([second.id, first.id]);
      for (const [attempt, statusCode] of [
        [1, 500],
        [2, 200],
      ] as const) {
        await h.store.addWebhookAttempt({
          id: uid('wa'),
          deliveryId: first.id,
          subscriptionId: sub.id,
          attempt,
          startedAt: tick(),
          durationMs: 12,
          statusCode,
          error: null,
          response: 'ok',
        });
      }
      const attempts = await h.store.listWebhookAttempts(sub.id, { deliveryId: first.id, limit: 10 });
      expect(attempts.map((a) => [a.attempt, a.statusCode])).toEqual([
        [1, 500],
        [2, 200],
      ]);
      expect(await h.store.listWebhookAttempts(sub.id, { deliveryId: second.id, limit: 10 })).toEqual([]);
      // Pruning forgets finished deliveries older than the cut with their attempts, never pending ones.
      expect(await h.store.pruneWebhookDeliveries(tick(), 10)).toBe(1);
      expect(await h.store.getWebhookDelivery(first.id)).toBeUndefined();
      expect(await h.store.listWebhookAttempts(sub.id, { limit: 10 })).toEqual([]);
      expect(await h.store.getWebhookDelivery(second.id)).toMatchObject({ status: 'pending' });
      expect(await h.store.deleteWebhookSubscription(sub.id)).toBe(true);
      expect(await h.store.getWebhookDelivery(second.id)).toBeUndefined();
      expect(await h.store.listWebhookAttempts(sub.id, { limit: 10 })).toEqual([]);
    });

    it('finds an incoming webhook by the hash of its secret, and forgets a deleted one', async () => {
      const record = {
        id: uid('ih'),
        botId: uid('bot'),
        conversationId: uid('c'),
        tokenHash: `hash-${uid()}`,
        name: 'CI',
        createdBy: uid('user'),
        createdAt: tick(),
      };
      await h.store.createIncomingWebhook(record);
      expect(await h.store.getIncomingWebhookByTokenHash(record.tokenHash)).toEqual(record);
      expect(await h.store.getIncomingWebhookByTokenHash('other')).toBeUndefined();
      expect(await h.store.listIncomingWebhooks(record.botId)).toEqual([record]);
      expect(await h.store.deleteIncomingWebhook(record.id)).toBe(true);
      expect(await h.store.getIncomingWebhook(record.id)).toBeUndefined();
    });
  });
}
