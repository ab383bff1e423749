/**
 * Contract: server administration, the audit log and two-factor records (issue 19):
 * exactly one first admin per store even under concurrent sign-ups, deactivation
 * and admin flags, user search, settings, an audit chain that stays linear under
 * concurrent appends and inside rolled-back transactions, TOTP steps and recovery
 * codes used once (atomically), and login challenges.
 */
import { describe, expect, it } from 'vitest';
import { type Harness, newUsers, tick, uid, uname } from './harness';

export function adminContract(h: Harness): void {
  describe('administration', () => {
    it('makes exactly one account the first admin, whatever the concurrency', async () => {
      const at = tick();
      await Promise.all(
        Array.from({ length: 5 }, () =>
          h.store.createUser({ id: uid('u'), username: uname(), displayName: 'x', passwordHash: 'h', createdAt: at }),
        ),
      );
      expect(await h.store.hasUsers()).toBe(true);
      expect(await h.store.countActiveAdmins()).toBe(1);
    });

    it('sets and clears the admin role and deactivation, and searches by name', async () => {
      const [a, b] = await newUsers(h.store, 2);
      if (!a || !b) throw new Error('fixture');
      const admins = await h.store.countActiveAdmins();
      expect(await h.store.setAdmin(a.id, tick())).toBe(true);
      expect(await h.store.countActiveAdmins()).toBe(admins + 1);
      expect(await h.store.setDeactivated(a.id, tick())).toBe(true);
      expect(await h.store.countActiveAdmins()).toBe(admins);
      expect((await h.store.getUser(a.id))?.deactivatedAt).toEqual(expect.any(Number));
      await h.store.setDeactivated(a.id, null);
      await h.store.setAdmin(a.id, null);
      expect(await h.store.getUser(a.id)).toMatchObject({ adminSince: null, deactivatedAt: null });
      expect(await h.store.setAdmin(uid('nobody'), tick())).toBe(false);

      await h.store.updateProfile(b.id, { displayName: 'Zebra 100%_Crossing' });
      const byName = await h.store.adminSearchUsers({ query: 'ZEBRA 100%_', limit: 10 });
      expect(byName.map((u) => u.id)).toEqual([b.id]);
      expect(await h.store.adminSearchUsers({ query: 'zebra 100x', limit: 10 })).toEqual([]);
      const byUsername = await h.store.adminSearchUsers({ query: b.username.toUpperCase(), limit: 10 });
      expect(byUsername.map((u) => u.id)).toContain(b.id);
    });

    it('stores settings as JSON by key', async () => {
      await h.store.setServerSetting('registration', 'closed', tick());
      await h.store.setServerSetting('registration', 'open', tick());
      await h.store.setServerSetting('requireAdminTwoFactor', true, tick());
      const settings = await h.store.getServerSettings();
      expect(settings.get('registration')).toBe('open');
      expect(settings.get('requireAdminTwoFactor')).toBe(true);
    });
  });

  describe('audit log', () => {
    it('chains concurrent appends one after the other, and a rolled-back append leaves no trace', async () => {
      const start = await h.store.getAuditHead();
      const entry = (i: number) => ({
        at: tick(),
        actorId: null,
        actorName: 'contract',
        action: 'test',
        target: null,
        address: '127.0.0.1',
        details: { i, nested: { b: 1, a: [2, 'x'] } },
      });
      const records = await Promise.all(Array.from({ length: 20 }, (_, i) => h.store.appendAudit(entry(i))));
      expect(records.map((r) => r.seq).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 20 }, (_, i) => start.seq + i + 1),
      );
      await expect(
        h.store.transaction(async (tx) => {
          await tx.appendAudit(entry(99));
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      const head = await h.store.getAuditHead();
      expect(head.seq).toBe(start.seq + 20);
      const chain = await h.store.listAudit({ after: start.seq, limit: 100 });
      expect(chain.map((r) => r.seq)).toEqual(records.map((r) => r.seq).sort((x, y) => x - y));
      let prev = start.hash;
      for (const record of chain) {
        expect(record.prevHash).toBe(prev);
        prev = record.hash;
      }
      expect(head.hash).toBe(prev);
      expect(chain[0]?.details).toMatch(/^\{"i":\d+,"nested":\{"a":\[2,"x"\],"b":1\}\}$/);
      const newestFirst = await h.store.listAudit({ action: 'test', limit: 3 });
      expect(newestFirst.map((r) => r.seq)).toEqual([head.seq, head.seq - 1, head.seq - 2]);
    });
  });

  describe('two-factor records', () => {
    it('accepts each TOTP step and each recovery code once, also when raced', async () => {
      const [user] = await newUsers(h.store, 1);
      if (!user) throw new Error('fixture');
      await h.store.setTwoFactorSecret(user.id, 'SECRET', tick());
      expect((await h.store.getTwoFactor(user.id))?.enabledAt).toBeNull();
      expect(await h.store.listTwoFactorEnabled([user.id])).toEqual(new Set());
      await h.store.enableTwoFactor(user.id, tick(), 100, ['h1', 'h2']);
      expect(await h.store.listTwoFactorEnabled([user.id])).toEqual(new Set([user.id]));
      expect(await h.store.useTotpStep(user.id, 100)).toBe(false);
      const raced = await Promise.all([101, 101, 101].map((step) => h.store.useTotpStep(user.id, step)));
      expect(raced.filter(Boolean)).toHaveLength(1);
      expect(await h.store.useTotpStep(user.id, 100)).toBe(false);
      const codes = await Promise.all([1, 2, 3].map(() => h.store.useRecoveryCode(user.id, 'h1', tick())));
      expect(codes.filter(Boolean)).toHaveLength(1);
      expect(await h.store.countRecoveryCodesLeft(user.id)).toBe(1);
      await h.store.deleteTwoFactor(user.id);
      expect(await h.store.getTwoFactor(user.id)).toBeUndefined();
      expect(await h.store.countRecoveryCodesLeft(user.id)).toBe(0);
    });

    it('counts attempts on a login challenge and drops expired ones', async () => {
      const [user] = await newUsers(h.store, 1);
      if (!user) throw new Error('fixture');
      const now = tick();
      await h.store.createLoginChallenge(
        { idHash: uid('old'), userId: user.id, deviceName: 'd', expiresAt: now - 1 },
        now,
      );
      const old = uid('old');
      await h.store.createLoginChallenge({ idHash: old, userId: user.id, deviceName: 'd', expiresAt: now + 10 }, now);
      const id = uid('c');
      await h.store.createLoginChallenge(
        { idHash: id, userId: user.id, deviceName: 'cli', expiresAt: now + 1000 },
        now + 20,
      );
      expect(await h.store.attemptLoginChallenge(old)).toBeUndefined();
      expect((await h.store.attemptLoginChallenge(id))?.attempts).toBe(1);
      expect(await h.store.attemptLoginChallenge(id)).toMatchObject({
        attempts: 2,
        deviceName: 'cli',
        userId: user.id,
      });
      expect(await h.store.deleteLoginChallenge(id)).toBe(true);
      expect(await h.store.attemptLoginChallenge(id)).toBeUndefined();
    });
  });
}
