/**
 * Contract: Web Push records (0023). A subscription belongs to a session and goes with
 * it; the same endpoint registered again replaces the row; only the owner deletes one;
 * the recipients of a conversation are its members' subscriptions, the sender's left
 * out, with each member's level and do-not-disturb time; a write-once server setting
 * keeps its first value.
 */
import { describe, expect, it } from 'vitest';
import type { PushSubscriptionRecord } from '../../ports/push-records';
import type { Store } from '../../ports/store';
import { type Harness, newGroup, newUsers, tick, uid } from './harness';

async function session(store: Store, userId: string): Promise<string> {
  const id = uid('s');
  const now = tick();
  await store.createSession({
    id,
    userId,
    tokenHash: uid('hash'),
    deviceName: 'test',
    createdAt: now,
    lastSeenAt: now,
    expiresAt: now + 1_000_000,
  });
  return id;
}

function subscription(userId: string, sessionId: string, endpoint = `https://push.example/${uid('e')}`) {
  return {
    id: uid('ps'),
    userId,
    sessionId,
    endpoint,
    p256dh: 'BP256',
    auth: 'secret',
    createdAt: tick(),
  } satisfies PushSubscriptionRecord;
}

export function pushContract(h: Harness): void {
  describe('push subscriptions', () => {
    it('lists the recipients of a conversation with their level and do-not-disturb, never the sender', async () => {
      const [alice, bob, carol, dave] = await newUsers(h.store, 4);
      const group = await newGroup(h.store, alice!, [bob!, carol!]);
      const a = await h.store.upsertPushSubscription(subscription(alice!.id, await session(h.store, alice!.id)));
      const b = await h.store.upsertPushSubscription(subscription(bob!.id, await session(h.store, bob!.id)));
      const c = await h.store.upsertPushSubscription(subscription(carol!.id, await session(h.store, carol!.id)));
      await h.store.upsertPushSubscription(subscription(dave!.id, await session(h.store, dave!.id)));
      await h.store.setNotifyLevel(group.id, carol!.id, 'muted');
      await h.store.setDoNotDisturb(bob!.id, 12345);
      const recipients = await h.store.listPushRecipients(group.id, alice!.id);
      const byId = new Map(recipients.map((r) => [r.subscription.id, r]));
      expect([...byId.keys()].sort()).toEqual([b.id, c.id].sort());
      expect(byId.get(b.id)).toEqual({ subscription: b, notifyLevel: 'all', dndUntil: 12345 });
      expect(byId.get(c.id)).toEqual({ subscription: c, notifyLevel: 'muted', dndUntil: null });
      expect((await h.store.listPushRecipients(group.id, bob!.id)).map((r) => r.subscription.id).sort()).toEqual(
        [a.id, c.id].sort(),
      );
      await h.store.setDoNotDisturb(bob!.id, null);
      expect(await h.store.getDoNotDisturb(bob!.id)).toBeNull();
    });

    it('replaces a subscription by endpoint, deletes only the owner’s, and drops it with its session', async () => {
      const [alice, bob] = await newUsers(h.store, 2);
      const first = await session(h.store, alice!.id);
      const second = await session(h.store, alice!.id);
      const old = await h.store.upsertPushSubscription(subscription(alice!.id, first, 'https://push.example/same'));
      const moved = await h.store.upsertPushSubscription(subscription(alice!.id, second, 'https://push.example/same'));
      expect(await h.store.getPushSubscription(old.id)).toBeUndefined();
      expect(await h.store.listPushSubscriptionsOfUser(alice!.id)).toEqual([moved]);
      expect(await h.store.countPushSubscriptionsOfSession(second)).toBe(1);
      expect(await h.store.deletePushSubscription(moved.id, bob!.id)).toBe(false);
      const other = await h.store.upsertPushSubscription(subscription(alice!.id, first));
      expect(await h.store.deleteSession(first)).toBe(true);
      expect(await h.store.getPushSubscription(other.id)).toBeUndefined();
      expect(await h.store.deletePushSubscription(moved.id, alice!.id)).toBe(true);
      expect(await h.store.listPushSubscriptionsOfUser(alice!.id)).toEqual([]);
    });

    it('writes a server setting once and returns the stored value to later writers', async () => {
      const key = uid('setting');
      expect(await h.store.initServerSetting(key, { v: 'first' }, tick())).toEqual({ v: 'first' });
      expect(await h.store.initServerSetting(key, { v: 'second' }, tick())).toEqual({ v: 'first' });
    });
  });
}
