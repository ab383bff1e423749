/**
 * Contract: Web Push records (0023). A subscription belongs to a session and goes with
 * it; the same endpoint registered again replaces the row; only the owner deletes one;
 * the recipients of a conversation are its members' subscriptions, the sender's left
 * out, with each member's level, do-not-disturb time and quiet hours; a write-once server
 * setting keeps its first value. A device's focus lapses, is replaced by the session's next
 * report, and is cleared only by the connection that set it. Push decisions are kept to
 * the newest N per user and follow their delivery.
 */
import { describe, expect, it } from 'vitest';
import type { PushDecisionRecord, PushSubscriptionRecord } from '../../ports/push-records';
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
      expect(byId.get(b.id)).toEqual({ subscription: b, notifyLevel: 'all', dndUntil: 12345, quietHours: null });
      expect(byId.get(c.id)).toEqual({ subscription: c, notifyLevel: 'muted', dndUntil: null, quietHours: null });
      const night = { startMinute: 1320, endMinute: 420, timeZone: 'Europe/Paris' };
      await h.store.setQuietHours(carol!.id, night);
      await h.store.setQuietHours(bob!.id, night);
      await h.store.setQuietHours(bob!.id, null);
      expect(await h.store.getQuietHours(carol!.id)).toEqual(night);
      expect(await h.store.getQuietHours(bob!.id)).toBeNull();
      // Quiet hours and do-not-disturb live in one row: setting one keeps the other.
      expect(await h.store.getDoNotDisturb(bob!.id)).toBe(12345);
      const again = await h.store.listPushRecipients(group.id, alice!.id);
      expect(again.find((r) => r.subscription.id === c.id)?.quietHours).toEqual(night);
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

    it('keeps a device focus until it lapses, the session reports again, or its connection clears it', async () => {
      const [alice, bob] = await newUsers(h.store, 2);
      const group = await newGroup(h.store, alice!, [bob!]);
      const phone = await session(h.store, bob!.id);
      const laptop = await session(h.store, bob!.id);
      const focus = (sessionId: string, connectionId: string, conversationId: string, expiresAt: number) =>
        h.store.setDeviceFocus({ sessionId, userId: bob!.id, conversationId, connectionId, expiresAt });
      await focus(phone, 'c1', group.id, 1000);
      await focus(laptop, 'c2', group.id, 2000);
      expect(await h.store.listFocusedUsers(group.id, 999)).toEqual([bob!.id]);
      expect(await h.store.listFocusedUsers(group.id, 2000)).toEqual([]);
      // Another connection's clear leaves it; its own clears it.
      await h.store.clearDeviceFocus(laptop, 'other');
      expect(await h.store.listFocusedUsers(group.id, 1500)).toEqual([bob!.id]);
      await h.store.clearDeviceFocus(laptop, 'c2');
      expect(await h.store.listFocusedUsers(group.id, 500)).toEqual([bob!.id]);
      // The session's next report replaces its focus.
      await focus(phone, 'c3', uid('c'), 5000);
      expect(await h.store.listFocusedUsers(group.id, 500)).toEqual([]);
      await h.store.clearDeviceFocus(phone);
      await focus(phone, 'c4', group.id, 5000);
      expect(await h.store.deleteSession(phone)).toBe(true);
      expect(await h.store.listFocusedUsers(group.id, 500)).toEqual([]);
    });

    it('keeps the newest push decisions of each user and follows their delivery', async () => {
      const [alice, bob] = await newUsers(h.store, 2);
      const decision = (userId: string, n: number): PushDecisionRecord => ({
        id: `${userId}-d${String(n).padStart(3, '0')}`,
        userId,
        subscriptionId: 'ps1',
        conversationId: null,
        messageId: null,
        at: 1000 + n,
        reason: n % 2 === 0 ? 'notify' : 'muted',
        delivery: n % 2 === 0 ? 'pending' : null,
      });
      await h.store.recordPushDecisions(
        Array.from({ length: 7 }, (_, n) => decision(alice!.id, n)),
        5,
      );
      await h.store.recordPushDecisions([decision(bob!.id, 0)], 5);
      await h.store.recordPushDecisions([decision(alice!.id, 7), decision(alice!.id, 6)], 5);
      const kept = await h.store.listPushDecisions(alice!.id, 50);
      expect(kept.map((d) => d.at)).toEqual([1007, 1006, 1005, 1004, 1003]);
      expect(await h.store.listPushDecisions(alice!.id, 2)).toEqual([decision(alice!.id, 7), decision(alice!.id, 6)]);
      await h.store.setPushDelivery(decision(alice!.id, 6).id, 'delivered');
      expect((await h.store.listPushDecisions(alice!.id, 2))[1]!.delivery).toBe('delivered');
      expect(await h.store.listPushDecisions(bob!.id, 50)).toEqual([decision(bob!.id, 0)]);
    });

    it('writes a server setting once and returns the stored value to later writers', async () => {
      const key = uid('setting');
      expect(await h.store.initServerSetting(key, { v: 'first' }, tick())).toEqual({ v: 'first' });
      expect(await h.store.initServerSetting(key, { v: 'second' }, tick())).toEqual({ v: 'first' });
    });
  });
}
