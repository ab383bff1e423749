/**
 * Contract: conversations and members, including race-safe direct creation.
 */
import { describe, expect, it } from 'vitest';
import { directKey, type Harness, newGroup, newUser, newUsers, tick, uid } from './harness';

export function conversationsContract(h: Harness): void {
  describe('conversations', () => {
    it('creates a group with its members and reads it back', async () => {
      const [owner, bob] = await newUsers(h.store, 2);
      if (!owner || !bob) throw new Error('fixture');
      const createdAt = tick();
      const id = uid('conv');
      const result = await h.store.createConversation(
        { id, kind: 'group', title: 'Team', directKey: null, createdAt },
        [
          { userId: owner.id, role: 'owner' },
          { userId: bob.id, role: 'member' },
          { userId: bob.id, role: 'admin' },
        ],
      );
      expect(result.created).toBe(true);
      expect(result.conversation).toMatchObject({ id, kind: 'group', title: 'Team', createdAt, lastSeq: 0 });
      expect(result.conversation.lastActivityAt).toBe(createdAt);
      expect([...result.conversation.members].sort((a, b) => a.userId.localeCompare(b.userId))).toEqual(
        [
          { userId: owner.id, role: 'owner', joinedAt: createdAt, readSeq: 0, deliveredSeq: 0 },
          { userId: bob.id, role: 'member', joinedAt: createdAt, readSeq: 0, deliveredSeq: 0 },
        ].sort((a, b) => a.userId.localeCompare(b.userId)),
      );
      expect(await h.store.getConversation(id)).toEqual(result.conversation);
      expect(await h.store.getConversation(uid('missing'))).toBeUndefined();
    });

    it('returns the existing direct conversation instead of creating a second', async () => {
      const [a, b] = await newUsers(h.store, 2);
      if (!a || !b) throw new Error('fixture');
      const key = directKey(a, b);
      const members = [
        { userId: a.id, role: 'member' as const },
        { userId: b.id, role: 'member' as const },
      ];
      const first = await h.store.createConversation(
        { id: uid('conv'), kind: 'direct', title: null, directKey: key, createdAt: tick() },
        members,
      );
      const second = await h.store.createConversation(
        { id: uid('conv'), kind: 'direct', title: null, directKey: key, createdAt: tick() },
        members,
      );
      expect(first.created).toBe(true);
      expect(second).toEqual({ conversation: first.conversation, created: false });
      expect(await h.store.getDirectConversation(key)).toEqual(first.conversation);
      expect(await h.store.getDirectConversation(`${key}x`)).toBeUndefined();
    });

    it('creates exactly one direct conversation under concurrent creation', async () => {
      const [a, b] = await newUsers(h.store, 2);
      if (!a || !b) throw new Error('fixture');
      const key = directKey(a, b);
      const ids = Array.from({ length: 10 }, () => uid('conv'));
      const results = await Promise.all(
        ids.map((id) =>
          h.store.createConversation({ id, kind: 'direct', title: null, directKey: key, createdAt: tick() }, [
            { userId: a.id, role: 'member' },
            { userId: b.id, role: 'member' },
          ]),
        ),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const winner = results.find((r) => r.created)?.conversation;
      for (const result of results) expect(result.conversation).toEqual(winner);
      expect(winner?.members).toHaveLength(2);
      const stored = await Promise.all(ids.map((id) => h.store.getConversation(id)));
      expect(stored.filter((c) => c !== undefined)).toHaveLength(1);
      expect(await h.store.listConversationIds(a.id)).toEqual([winner?.id]);
    });

    it('renames, and manages members and roles', async () => {
      const [owner, bob, carol] = await newUsers(h.store, 3);
      if (!owner || !bob || !carol) throw new Error('fixture');
      const group = await newGroup(h.store, owner, [bob]);
      await h.store.setConversationTitle(group.id, 'Renamed');
      expect((await h.store.getConversation(group.id))?.title).toBe('Renamed');

      const at = tick();
      const added = await h.store.addMembers(
        group.id,
        [
          { userId: bob.id, role: 'admin' },
          { userId: carol.id, role: 'member' },
        ],
        at,
      );
      expect(added).toEqual([carol.id]);
      expect(await h.store.getMember(group.id, bob.id)).toMatchObject({ role: 'member' });
      expect(await h.store.getMember(group.id, carol.id)).toEqual({
        userId: carol.id,
        role: 'member',
        joinedAt: at,
        readSeq: 0,
        deliveredSeq: 0,
      });
      expect(await h.store.addMembers(group.id, [], at)).toEqual([]);
      expect(await h.store.countMembers(group.id)).toBe(3);

      await h.store.setMemberRole(group.id, carol.id, 'admin');
      expect((await h.store.getMember(group.id, carol.id))?.role).toBe('admin');

      expect(await h.store.removeMember(group.id, bob.id)).toBe(true);
      expect(await h.store.removeMember(group.id, bob.id)).toBe(false);
      expect(await h.store.getMember(group.id, bob.id)).toBeUndefined();
      expect(await h.store.countMembers(group.id)).toBe(2);
      expect((await h.store.getConversation(group.id))?.members.map((m) => m.userId).sort()).toEqual(
        [owner.id, carol.id].sort(),
      );
      expect(await h.store.countMembers(uid('missing'))).toBe(0);
    });

    it('addMembers to a missing conversation fails with not_found', async () => {
      const user = await newUser(h.store);
      await expect(
        h.store.addMembers(uid('missing'), [{ userId: user.id, role: 'member' }], tick()),
      ).rejects.toMatchObject({ code: 'not_found' });
    });

    it('lists conversation ids and partners', async () => {
      const [me, a, b, c, stranger] = await newUsers(h.store, 5);
      if (!me || !a || !b || !c || !stranger) throw new Error('fixture');
      const g1 = await newGroup(h.store, me, [a, b]);
      const g2 = await newGroup(h.store, a, [me, c]);
      await newGroup(h.store, stranger, [a]);
      expect(await h.store.listConversationIds(me.id)).toEqual([g1.id, g2.id].sort());
      expect(await h.store.listConversationPartners(me.id)).toEqual([a.id, b.id, c.id].sort());
      expect(await h.store.listConversationPartners(stranger.id)).toEqual([a.id]);
      expect(await h.store.listConversationIds(uid('nobody'))).toEqual([]);
    });
  });
}
