/**
 * Contract: presence subscription requests waiting for an answer (XMPP, RFC 6121
 * 3.1): idempotent per pair, listed for the target oldest first and for the
 * requester by id, removed once answered.
 */
import { describe, expect, it } from 'vitest';
import { type Harness, newUser, tick } from './harness';

export function subscriptionsContract(h: Harness): void {
  describe('subscription requests', () => {
    it('holds a request per pair until it is removed', async () => {
      const [target, first, second] = [await newUser(h.store), await newUser(h.store), await newUser(h.store)];
      expect(await h.store.addSubscriptionRequest(first.id, target.id, tick())).toBe(true);
      expect(await h.store.addSubscriptionRequest(first.id, target.id, tick())).toBe(false);
      expect(await h.store.addSubscriptionRequest(second.id, target.id, tick())).toBe(true);
      expect(await h.store.addSubscriptionRequest(target.id, first.id, tick())).toBe(true);
      expect((await h.store.listSubscriptionRequests(target.id)).map((u) => u.id)).toEqual([first.id, second.id]);
      expect(await h.store.listOutgoingSubscriptionRequests(first.id)).toEqual([target.id]);
      expect(await h.store.listOutgoingSubscriptionRequests(target.id)).toEqual([first.id]);

      expect(await h.store.removeSubscriptionRequest(first.id, target.id)).toBe(true);
      expect(await h.store.removeSubscriptionRequest(first.id, target.id)).toBe(false);
      expect((await h.store.listSubscriptionRequests(target.id)).map((u) => u.username)).toEqual([second.username]);
      expect(await h.store.listOutgoingSubscriptionRequests(first.id)).toEqual([]);
    });
  });
}
