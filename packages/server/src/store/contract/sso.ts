/**
 * Contract: single sign-on records (ADR 0023): an identity `(issuer, subject)` links
 * to one account and is linked once (a second link of the same pair is refused, also
 * when two race), and login tickets are taken once (of racing takes exactly one gets
 * the data), never when expired, never under another kind.
 */
import { describe, expect, it } from 'vitest';
import { type Harness, newUsers, tick, uid } from './harness';

export function ssoContract(h: Harness): void {
  describe('single sign-on', () => {
    it('links an identity once and finds it by issuer and subject only', async () => {
      const [a, b] = await newUsers(h.store, 2);
      if (!a || !b) throw new Error('fixture');
      const issuer = `https://${uid('idp')}.example`;
      const at = tick();
      const before = await h.store.countSsoIdentities();
      const links = await Promise.all([
        h.store.linkSsoIdentity({ issuer, subject: 's1', userId: a.id, createdAt: at, lastLoginAt: at }),
        h.store.linkSsoIdentity({ issuer, subject: 's1', userId: b.id, createdAt: at, lastLoginAt: at }),
      ]);
      expect(links.filter(Boolean)).toHaveLength(1);
      const linked = await h.store.getSsoIdentity(issuer, 's1');
      expect([a.id, b.id]).toContain(linked?.userId);
      expect(await h.store.getSsoIdentity(issuer, 'S1')).toBeUndefined();
      expect(await h.store.getSsoIdentity(`${issuer}/`, 's1')).toBeUndefined();
      await h.store.touchSsoIdentity(issuer, 's1', at + 5);
      expect((await h.store.getSsoIdentity(issuer, 's1'))?.lastLoginAt).toBe(at + 5);
      expect(await h.store.countSsoIdentities()).toBe(before + 1);
    });

    it('hands a ticket out once, not when expired, not as another kind', async () => {
      const now = tick();
      const id = uid('t');
      await h.store.putSsoTicket({ kind: 'state', idHash: id, data: '{"n":1}', expiresAt: now + 1000 }, now);
      expect(await h.store.takeSsoTicket('code', id, now)).toBeUndefined();
      const takes = await Promise.all([
        h.store.takeSsoTicket('state', id, now),
        h.store.takeSsoTicket('state', id, now),
      ]);
      expect(takes.filter((t) => t !== undefined)).toEqual(['{"n":1}']);
      expect(await h.store.takeSsoTicket('state', id, now)).toBeUndefined();
      const late = uid('t');
      await h.store.putSsoTicket({ kind: 'code', idHash: late, data: '{}', expiresAt: now + 10 }, now);
      expect(await h.store.takeSsoTicket('code', late, now + 10)).toBeUndefined();
      expect(await h.store.takeSsoTicket('code', late, now)).toBeUndefined(); // deleted when found expired
    });
  });
}
