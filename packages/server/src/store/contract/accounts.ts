/**
 * Contract: users and sessions. Registers its tests inside the caller's describe.
 */
import { describe, expect, it } from 'vitest';
import { type Harness, newUser, tick, uid, uname } from './harness';

export function accountsContract(h: Harness): void {
  describe('users', () => {
    it('creates a user and reads it back by id and by username', async () => {
      const username = uname();
      const created = await h.store.createUser({
        id: uid('user'),
        username,
        displayName: 'Alice',
        passwordHash: 'argon2id$x',
        createdAt: 1_700_000_000_123,
      });
      expect(created).toEqual({
        id: created.id,
        username,
        displayName: 'Alice',
        avatarUrl: null,
        statusText: null,
        createdAt: 1_700_000_000_123,
        passwordHash: 'argon2id$x',
        lastSeenAt: null,
        presenceVisibility: 'everyone',
        deletedAt: null,
        // The first account of a store is its admin (contract/admin.ts), from its creation.
        adminSince: created.adminSince === null ? null : 1_700_000_000_123,
        deactivatedAt: null,
        ownerId: null,
      });
      expect(await h.store.getUser(created.id)).toEqual(created);
      expect(await h.store.getUserByUsername(username)).toEqual(created);
      expect(await h.store.getUser(uid('missing'))).toBeUndefined();
      expect(await h.store.getUserByUsername(uname('missing'))).toBeUndefined();
    });

    it('rejects a taken username with username_taken and keeps the first account', async () => {
      const first = await newUser(h.store);
      await expect(newUser(h.store, first.username)).rejects.toMatchObject({ code: 'username_taken' });
      expect(await h.store.getUserByUsername(first.username)).toEqual(first);
    });

    it('leaves an enclosing transaction usable after username_taken', async () => {
      const taken = await newUser(h.store);
      const afterwards = uname();
      await h.store.transaction(async (tx) => {
        await expect(newUser(tx, taken.username)).rejects.toMatchObject({ code: 'username_taken' });
        await newUser(tx, afterwards);
      });
      expect(await h.store.getUserByUsername(afterwards)).toBeDefined();
    });

    it('getUsers keeps the order asked for, drops unknown ids and repeats', async () => {
      const [a, b, c] = [await newUser(h.store), await newUser(h.store), await newUser(h.store)];
      const found = await h.store.getUsers([c.id, uid('missing'), a.id, c.id, b.id]);
      expect(found.map((user) => user.id)).toEqual([c.id, a.id, b.id]);
      expect(await h.store.getUsers([])).toEqual([]);
    });

    it('listUsers orders by username and pages after a username', async () => {
      const prefix = uname('list');
      for (const suffix of ['-c', '-a', '-d', '-b']) await newUser(h.store, `${prefix}${suffix}`);
      const first = await h.store.listUsers({ limit: 2, afterUsername: prefix });
      expect(first.map((user) => user.username)).toEqual([`${prefix}-a`, `${prefix}-b`]);
      const next = await h.store.listUsers({ limit: 2, afterUsername: `${prefix}-b` });
      expect(next.map((user) => user.username)).toEqual([`${prefix}-c`, `${prefix}-d`]);
      const all = await h.store.listUsers({ limit: 1000 });
      const names = all.map((user) => user.username);
      expect(names).toEqual([...names].sort());
    });

    it('searchUsers matches a username or display-name word prefix, literally, pages, and skips the excluded', async () => {
      const prefix = uname('find');
      const [a, b, c] = [
        await newUser(h.store, `${prefix}-a`),
        await newUser(h.store, `${prefix}_b`),
        await newUser(h.store, `${prefix}-c`),
      ];
      await h.store.updateProfile(b.id, { displayName: 'Zoë Quixotic-Person' });
      const all = await h.store.searchUsers({ prefix, limit: 10, exclude: [] });
      expect(all.map((u) => u.id)).toEqual([a.id, c.id, b.id]);
      // `_` is a character, not a wildcard: only b's username has it.
      expect((await h.store.searchUsers({ prefix: `${prefix}_`, limit: 10, exclude: [] })).map((u) => u.id)).toEqual([
        b.id,
      ]);
      expect((await h.store.searchUsers({ prefix: 'quixot', limit: 10, exclude: [] })).map((u) => u.id)).toEqual([
        b.id,
      ]);
      const page = await h.store.searchUsers({ prefix, limit: 1, exclude: [a.id], afterUsername: `${prefix}-a` });
      expect(page.map((u) => u.id)).toEqual([c.id]);
      expect(await h.store.searchUsers({ prefix, limit: 10, exclude: [], among: [] })).toEqual([]);
      const among = await h.store.searchUsers({ prefix, limit: 10, exclude: [], among: [b.id, c.id] });
      expect(among.map((u) => u.id)).toEqual([c.id, b.id]);
    });

    it('deleteAccount wipes the profile and sessions, keeps the row, and hides it from searchUsers', async () => {
      const user = await newUser(h.store);
      const other = await newUser(h.store);
      await h.store.updateProfile(user.id, { avatarUrl: 'https://x/a.png', statusText: 'hi' });
      await h.store.addContact(other.id, user.id, tick());
      const session = await h.store.createSession({
        id: uid('s'),
        userId: user.id,
        tokenHash: uid('t'),
        deviceName: 'd',
        createdAt: tick(),
        lastSeenAt: tick(),
        expiresAt: tick() + 1_000_000,
      });
      const at = tick();
      expect(await h.store.deleteAccount(user.id, at, 'Deleted account')).toEqual([session.id]);
      expect(await h.store.getUser(user.id)).toMatchObject({
        username: user.username,
        displayName: 'Deleted account',
        avatarUrl: null,
        statusText: null,
        presenceVisibility: 'nobody',
        deletedAt: at,
      });
      expect(await h.store.listSessions(user.id)).toEqual([]);
      expect(await h.store.listContacts(other.id)).toEqual([]);
      expect(await h.store.searchUsers({ prefix: user.username, limit: 5, exclude: [] })).toEqual([]);
    });

    it('updateProfile applies only the given fields and null clears', async () => {
      const user = await newUser(h.store);
      const updated = await h.store.updateProfile(user.id, { avatarUrl: 'https://x/a.png', statusText: 'busy' });
      expect(updated).toMatchObject({
        displayName: user.displayName,
        avatarUrl: 'https://x/a.png',
        statusText: 'busy',
      });
      const renamed = await h.store.updateProfile(user.id, { displayName: 'New', avatarUrl: null });
      expect(renamed).toMatchObject({ displayName: 'New', avatarUrl: null, statusText: 'busy' });
      expect(await h.store.updateProfile(user.id, {})).toEqual(renamed);
      expect(await h.store.getUser(user.id)).toEqual(renamed);
      expect(await h.store.updateProfile(uid('missing'), { displayName: 'x' })).toBeUndefined();
    });

    it('sets the password hash and last seen time', async () => {
      const user = await newUser(h.store);
      await h.store.setPasswordHash(user.id, 'new-hash');
      await h.store.setLastSeen(user.id, 1_700_000_123_456);
      expect(await h.store.getUser(user.id)).toMatchObject({ passwordHash: 'new-hash', lastSeenAt: 1_700_000_123_456 });
    });
  });

  describe('SCRAM credentials', () => {
    const sha1 = {
      mechanism: 'SCRAM-SHA-1',
      iterations: 4096,
      salt: 'c2FsdA==',
      storedKey: 'c3Q=',
      serverKey: 'c2s=',
    } as const;
    const sha256 = { ...sha1, mechanism: 'SCRAM-SHA-256', storedKey: 'c3QyNTY=' } as const;

    it('stores, replaces and reads credentials per mechanism', async () => {
      const user = await newUser(h.store);
      expect(await h.store.getScramCredential(user.id, 'SCRAM-SHA-1')).toBeUndefined();
      await h.store.setScramCredentials(user.id, [sha1, sha256]);
      expect(await h.store.getScramCredential(user.id, 'SCRAM-SHA-1')).toEqual(sha1);
      expect(await h.store.getScramCredential(user.id, 'SCRAM-SHA-256')).toEqual(sha256);
      await h.store.setScramCredentials(user.id, [{ ...sha256, iterations: 8192 }]);
      expect(await h.store.getScramCredential(user.id, 'SCRAM-SHA-1')).toBeUndefined();
      expect(await h.store.getScramCredential(user.id, 'SCRAM-SHA-256')).toMatchObject({ iterations: 8192 });
    });

    it('a password change replaces the credentials, so none from the old password survives', async () => {
      const user = await newUser(h.store);
      await h.store.setScramCredentials(user.id, [sha1, sha256]);
      await h.store.setPasswordHash(user.id, 'hash-2', [{ ...sha1, salt: 'bmV3' }]);
      expect(await h.store.getScramCredential(user.id, 'SCRAM-SHA-1')).toMatchObject({ salt: 'bmV3' });
      expect(await h.store.getScramCredential(user.id, 'SCRAM-SHA-256')).toBeUndefined();
      await h.store.setPasswordHash(user.id, 'hash-3');
      expect(await h.store.getScramCredential(user.id, 'SCRAM-SHA-1')).toBeUndefined();
    });
  });

  describe('sessions', () => {
    function session(userId: string, createdAt: number) {
      return {
        id: uid('sess'),
        userId,
        tokenHash: uid('token'),
        deviceName: 'laptop',
        createdAt,
        lastSeenAt: createdAt,
        expiresAt: createdAt + 86_400_000,
      };
    }

    it('creates, finds, lists newest first, touches and deletes sessions', async () => {
      const user = await newUser(h.store);
      const older = await h.store.createSession(session(user.id, tick()));
      const newer = await h.store.createSession(session(user.id, tick()));
      expect(await h.store.getSession(older.id)).toEqual(older);
      expect(await h.store.getSessionByTokenHash(newer.tokenHash)).toEqual(newer);
      expect(await h.store.getSessionByTokenHash(uid('nope'))).toBeUndefined();
      expect((await h.store.listSessions(user.id)).map((s) => s.id)).toEqual([newer.id, older.id]);

      await h.store.touchSession(older.id, older.lastSeenAt + 5, older.expiresAt + 5);
      expect(await h.store.getSession(older.id)).toEqual({
        ...older,
        lastSeenAt: older.lastSeenAt + 5,
        expiresAt: older.expiresAt + 5,
      });

      expect(await h.store.deleteSession(older.id)).toBe(true);
      expect(await h.store.deleteSession(older.id)).toBe(false);
      expect(await h.store.getSession(older.id)).toBeUndefined();
    });

    it('deleteSessionsOfUser spares the current session and other users', async () => {
      const user = await newUser(h.store);
      const other = await newUser(h.store);
      const [a, b, c] = [
        await h.store.createSession(session(user.id, tick())),
        await h.store.createSession(session(user.id, tick())),
        await h.store.createSession(session(user.id, tick())),
      ];
      const theirs = await h.store.createSession(session(other.id, tick()));
      expect((await h.store.deleteSessionsOfUser(user.id, b.id)).sort()).toEqual([a.id, c.id].sort());
      expect((await h.store.listSessions(user.id)).map((s) => s.id)).toEqual([b.id]);
      expect(await h.store.deleteSessionsOfUser(user.id)).toEqual([b.id]);
      expect(await h.store.deleteSessionsOfUser(user.id)).toEqual([]);
      expect(await h.store.getSession(theirs.id)).toEqual(theirs);
    });
  });
}
