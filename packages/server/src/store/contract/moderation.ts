/**
 * Contract: bans with expiry, reports (one per reporter and message), and invite
 * links whose use count never exceeds max_uses under concurrent accepts.
 */
import type { Invite } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { type Harness, newChannel, newMessage, newUser, newUsers, tick, uid } from './harness';

function invite(conversationId: string, createdBy: string, patch: Partial<Invite> = {}): Invite {
  return {
    code: uid('code'),
    conversationId,
    createdBy,
    createdAt: tick(),
    expiresAt: null,
    maxUses: null,
    uses: 0,
    revoked: false,
    ...patch,
  };
}

export function moderationContract(h: Harness): void {
  describe('moderation', () => {
    it('bans until lifted or until they expire; a second ban replaces the first', async () => {
      const [owner, bob, carol] = await newUsers(h.store, 3);
      if (!owner || !bob || !carol) throw new Error('fixture');
      const channel = await newChannel(h.store, owner);
      const now = tick();
      const forever = { userId: bob.id, bannedBy: owner.id, reason: 'spam', createdAt: now, expiresAt: null };
      await h.store.addBan(channel.id, forever);
      const timed = { userId: carol.id, bannedBy: owner.id, reason: null, createdAt: now + 1, expiresAt: now + 60_000 };
      await h.store.addBan(channel.id, timed);

      expect(await h.store.getActiveBan(channel.id, bob.id, now + 10 ** 9)).toEqual(forever);
      expect(await h.store.getActiveBan(channel.id, carol.id, now + 59_999)).toEqual(timed);
      expect(await h.store.getActiveBan(channel.id, carol.id, now + 60_000)).toBeUndefined();
      expect(await h.store.listBans(channel.id, now + 1)).toEqual([timed, forever]);
      expect(await h.store.listBans(channel.id, now + 60_000)).toEqual([forever]);

      const shorter = { ...forever, reason: 'second thoughts', createdAt: now + 2, expiresAt: now + 1000 };
      await h.store.addBan(channel.id, shorter);
      expect(await h.store.getActiveBan(channel.id, bob.id, now + 999)).toEqual(shorter);
      expect(await h.store.getActiveBan(channel.id, bob.id, now + 1000)).toBeUndefined();

      expect(await h.store.removeBan(channel.id, carol.id)).toBe(true);
      expect(await h.store.removeBan(channel.id, carol.id)).toBe(false);
      expect(await h.store.getActiveBan(channel.id, carol.id, now)).toBeUndefined();
    });

    it('keeps one report per reporter and message, lists open ones, resolves once', async () => {
      const [owner, bob, carol, mod] = await newUsers(h.store, 4);
      if (!owner || !bob || !carol || !mod) throw new Error('fixture');
      const channel = await newChannel(h.store, owner, [bob, carol]);
      const { message } = await h.store.appendMessage(newMessage(channel.id, bob.id, 'rude'));
      const base = { conversationId: channel.id, messageId: message.id, reason: 'rude', createdAt: tick() };
      const first = await h.store.createReport({ ...base, id: uid('rep'), reporterId: carol.id });
      expect(first).toMatchObject({ ...base, reporterId: carol.id, resolvedAt: null, resolvedBy: null });
      expect(first.message).toMatchObject({ id: message.id, content: { type: 'text', text: 'rude' } });
      // The same reporter again: the first report, nothing new.
      const repeat = await h.store.createReport({ ...base, id: uid('rep'), reporterId: carol.id, reason: 'again' });
      expect(repeat).toEqual(first);
      // Concurrent repeats by another reporter make one report.
      const raced = await Promise.all(
        Array.from({ length: 5 }, () =>
          h.store.createReport({ ...base, id: uid('rep'), reporterId: owner.id, createdAt: tick() }),
        ),
      );
      expect(new Set(raced.map((r) => r.id)).size).toBe(1);

      const open = await h.store.listReports(channel.id, { open: true, limit: 10 });
      expect(open.map((r) => r.id)).toEqual([raced[0]?.id, first.id]);
      const at = tick();
      const resolved = await h.store.resolveReport(first.id, mod.id, at);
      expect(resolved).toMatchObject({ id: first.id, resolvedAt: at, resolvedBy: mod.id });
      // Resolving again keeps the first resolution.
      expect(await h.store.resolveReport(first.id, owner.id, tick())).toEqual(resolved);
      expect((await h.store.listReports(channel.id, { open: true, limit: 10 })).map((r) => r.id)).toEqual([
        raced[0]?.id,
      ]);
      expect(await h.store.listReports(channel.id, { open: false, limit: 10 })).toHaveLength(2);
      expect(await h.store.listReports(channel.id, { open: false, limit: 1 })).toHaveLength(1);
      expect(await h.store.getReport(first.id)).toEqual(resolved);
      expect(await h.store.getReport(uid('missing'))).toBeUndefined();
      expect(await h.store.resolveReport(uid('missing'), mod.id, at)).toBeUndefined();
    });

    it('creates, lists and revokes invites', async () => {
      const owner = await newUser(h.store);
      const channel = await newChannel(h.store, owner);
      const a = await h.store.createInvite(invite(channel.id, owner.id, { maxUses: 3, expiresAt: tick() + 10_000 }));
      const b = await h.store.createInvite(invite(channel.id, owner.id));
      expect(await h.store.getInvite(a.code)).toEqual(a);
      expect(await h.store.listInvites(channel.id)).toEqual([b, a]);
      expect(await h.store.revokeInvite(b.code)).toBe(true);
      expect(await h.store.revokeInvite(b.code)).toBe(false);
      expect(await h.store.getInvite(b.code)).toEqual({ ...b, revoked: true });
      expect(await h.store.getInvite(uid('missing'))).toBeUndefined();
    });

    it('uses an invite until it is revoked, expired or used up, with the reason', async () => {
      const owner = await newUser(h.store);
      const channel = await newChannel(h.store, owner);
      const now = tick();
      const limited = await h.store.createInvite(invite(channel.id, owner.id, { maxUses: 2, expiresAt: now + 5000 }));
      expect(await h.store.useInvite(limited.code, now)).toEqual({ ok: true, invite: { ...limited, uses: 1 } });
      expect(await h.store.useInvite(limited.code, now)).toEqual({ ok: true, invite: { ...limited, uses: 2 } });
      expect(await h.store.useInvite(limited.code, now)).toEqual({ ok: false, reason: 'used_up' });

      const timed = await h.store.createInvite(invite(channel.id, owner.id, { expiresAt: now + 5000 }));
      expect((await h.store.useInvite(timed.code, now + 4999)).ok).toBe(true);
      expect(await h.store.useInvite(timed.code, now + 5000)).toEqual({ ok: false, reason: 'expired' });

      const revoked = await h.store.createInvite(invite(channel.id, owner.id));
      await h.store.revokeInvite(revoked.code);
      expect(await h.store.useInvite(revoked.code, now)).toEqual({ ok: false, reason: 'revoked' });
      expect(await h.store.useInvite(uid('missing'), now)).toEqual({ ok: false, reason: 'unknown' });
      expect((await h.store.getInvite(revoked.code))?.uses).toBe(0);
    });

    it('never exceeds max uses under concurrent accepts', async () => {
      const owner = await newUser(h.store);
      const channel = await newChannel(h.store, owner);
      const limited = await h.store.createInvite(invite(channel.id, owner.id, { maxUses: 5 }));
      const now = tick();
      const results = await Promise.all(Array.from({ length: 20 }, () => h.store.useInvite(limited.code, now)));
      expect(results.filter((r) => r.ok)).toHaveLength(5);
      expect(results.filter((r) => !r.ok && r.reason === 'used_up')).toHaveLength(15);
      const uses = results.flatMap((r) => (r.ok ? [r.invite.uses] : [])).sort((x, y) => x - y);
      expect(uses).toEqual([1, 2, 3, 4, 5]);
      expect((await h.store.getInvite(limited.code))?.uses).toBe(5);
    });
  });
}
