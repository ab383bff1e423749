/**
 * Contract: conversations and members, including race-safe direct creation.
 */
import { describe, expect, it } from 'vitest';
import { directKey, type Harness, newChannel, newGroup, newMessage, newUser, newUsers, tick, uid } from './harness';

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
      expect(result.conversation).toMatchObject({
        id,
        kind: 'group',
        title: 'Team',
        createdAt,
        lastSeq: 0,
        topic: null,
        description: null,
        visibility: 'private',
        postPolicy: 'everyone',
        slowModeSeconds: 0,
        avatarUrl: null,
        memberCount: 2,
      });
      expect(result.conversation.lastActivityAt).toBe(createdAt);
      expect([...result.conversation.members].sort((a, b) => a.userId.localeCompare(b.userId))).toEqual(
        [
          { userId: owner.id, role: 'owner', joinedAt: createdAt, readSeq: 0, deliveredSeq: 0, mutedUntil: null },
          { userId: bob.id, role: 'member', joinedAt: createdAt, readSeq: 0, deliveredSeq: 0, mutedUntil: null },
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
        mutedUntil: null,
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
      // Authorization reads a group without its list: the count stays exact.
      expect(await h.store.getConversation(group.id, { members: false })).toMatchObject({
        members: [],
        memberCount: 2,
      });
      expect(await h.store.countMembers(uid('missing'))).toBe(0);
    });

    it('addMembers to a missing conversation fails with not_found', async () => {
      const user = await newUser(h.store);
      await expect(
        h.store.addMembers(uid('missing'), [{ userId: user.id, role: 'member' }], tick()),
      ).rejects.toMatchObject({ code: 'not_found' });
    });

    it('records where each membership starts: the last seq when the member row was written', async () => {
      const [owner, early, late, again, stranger] = await newUsers(h.store, 5);
      if (!owner || !early || !late || !again || !stranger) throw new Error('fixture');
      const group = await newGroup(h.store, owner, [early]);
      const other = await newGroup(h.store, owner, [late]);
      for (let i = 0; i < 3; i += 1) await h.store.appendMessage(newMessage(group.id, owner.id));
      expect(await h.store.addMembers(group.id, [{ userId: late.id, role: 'member' }], tick())).toEqual([late.id]);
      // Adding an existing member again keeps where their membership started.
      await h.store.appendMessage(newMessage(group.id, owner.id));
      await h.store.addMembers(group.id, [{ userId: late.id, role: 'member' }], tick());
      expect(await h.store.listMembershipStarts(late.id, [group.id, other.id, uid('missing')])).toEqual(
        new Map([
          [group.id, 3],
          [other.id, 0],
        ]),
      );
      expect(await h.store.listMembershipStarts(early.id, [group.id])).toEqual(new Map([[group.id, 0]]));
      expect(await h.store.listMembershipStarts(stranger.id, [group.id])).toEqual(new Map());
      expect(await h.store.listMembershipStarts(late.id, [])).toEqual(new Map());
      // Leaving and coming back starts a new membership.
      await h.store.appendMessage(newMessage(group.id, owner.id));
      await h.store.addMembers(group.id, [{ userId: again.id, role: 'member' }], tick());
      expect(await h.store.listMembershipStarts(again.id, [group.id])).toEqual(new Map([[group.id, 5]]));
      await h.store.appendMessage(newMessage(group.id, owner.id));
      expect(await h.store.removeMember(group.id, again.id)).toBe(true);
      await h.store.addMembers(group.id, [{ userId: again.id, role: 'member' }], tick());
      expect(await h.store.listMembershipStarts(again.id, [group.id])).toEqual(new Map([[group.id, 6]]));
    });

    it('lists conversation ids and partners', async () => {
      const [me, a, b, c, stranger] = await newUsers(h.store, 5);
      if (!me || !a || !b || !c || !stranger) throw new Error('fixture');
      const g1 = await newGroup(h.store, me, [a, b]);
      const g2 = await newGroup(h.store, a, [me, c]);
      await newGroup(h.store, stranger, [a]);
      // Channel co-members are not partners (presence never fans out to a whole channel).
      const channel = await newChannel(h.store, stranger, [me, a, b, c]);
      expect(await h.store.listConversationIds(me.id)).toEqual([g1.id, g2.id, channel.id].sort());
      expect(await h.store.listConversationPartners(me.id)).toEqual([a.id, b.id, c.id].sort());
      expect(await h.store.listConversationPartners(stranger.id)).toEqual([a.id]);
      expect(await h.store.listConversationIds(uid('nobody'))).toEqual([]);
    });

    it('creates a channel with its settings; it never loads members but counts them exactly', async () => {
      const [owner, bob, carol] = await newUsers(h.store, 3);
      if (!owner || !bob || !carol) throw new Error('fixture');
      const id = uid('conv');
      const { conversation } = await h.store.createConversation(
        {
          id,
          kind: 'channel',
          title: 'News',
          directKey: null,
          createdAt: tick(),
          visibility: 'public',
          postPolicy: 'admins',
          topic: 'What is new',
          description: 'Announcements',
        },
        [
          { userId: owner.id, role: 'owner' },
          { userId: bob.id, role: 'member' },
          { userId: bob.id, role: 'member' },
        ],
      );
      expect(conversation).toMatchObject({
        id,
        kind: 'channel',
        visibility: 'public',
        postPolicy: 'admins',
        topic: 'What is new',
        description: 'Announcements',
        slowModeSeconds: 0,
        memberCount: 2,
        members: [],
      });
      expect(await h.store.getConversation(id)).toEqual(conversation);
      expect(await h.store.countMembers(id)).toBe(2);
      expect(await h.store.getMember(id, bob.id)).toMatchObject({ role: 'member', mutedUntil: null });

      expect(await h.store.addMembers(id, [{ userId: carol.id, role: 'readonly' }], tick())).toEqual([carol.id]);
      expect(await h.store.addMembers(id, [{ userId: carol.id, role: 'member' }], tick())).toEqual([]);
      expect((await h.store.getConversation(id))?.memberCount).toBe(3);
      expect(await h.store.removeMember(id, bob.id)).toBe(true);
      expect(await h.store.removeMember(id, bob.id)).toBe(false);
      expect((await h.store.getConversation(id))?.memberCount).toBe(2);
      // Conversation summaries of channels carry no member list either.
      const summary = (await h.store.listConversationSummaries(carol.id, { limit: 10 })).find(
        (s) => s.conversation.id === id,
      );
      expect(summary?.conversation).toMatchObject({ memberCount: 2, members: [] });
    });

    it('updates settings; absent fields stay', async () => {
      const owner = await newUser(h.store);
      const channel = await newChannel(h.store, owner, [], { visibility: 'private' });
      await h.store.updateConversation(channel.id, { topic: 'T', slowModeSeconds: 30 });
      await h.store.updateConversation(channel.id, { description: 'D', visibility: 'public', postPolicy: 'admins' });
      await h.store.updateConversation(channel.id, {});
      expect(await h.store.getConversation(channel.id)).toMatchObject({
        title: channel.title,
        topic: 'T',
        description: 'D',
        visibility: 'public',
        postPolicy: 'admins',
        slowModeSeconds: 30,
      });
      await h.store.updateConversation(channel.id, { topic: null, title: 'Renamed' });
      expect(await h.store.getConversation(channel.id)).toMatchObject({ topic: null, title: 'Renamed' });
    });

    it('adds 2,500 members in one call (chunked), exactly counted, and pages them by user id', async () => {
      const owner = await newUser(h.store);
      const channel = await newChannel(h.store, owner);
      const users: string[] = [];
      for (let batch = 0; batch < 25; batch += 1) {
        const made = await Promise.all(Array.from({ length: 100 }, () => newUser(h.store)));
        users.push(...made.map((u) => u.id));
      }
      const added = await h.store.addMembers(
        channel.id,
        users.map((userId) => ({ userId, role: 'member' as const })),
        tick(),
      );
      expect(added).toEqual(users);
      expect(await h.store.countMembers(channel.id)).toBe(2501);
      // A repeat over a chunk boundary with one newcomer adds only the newcomer.
      const newcomer = await newUser(h.store);
      const again = await h.store.addMembers(
        channel.id,
        [...users.slice(0, 1500), newcomer.id].map((userId) => ({ userId, role: 'member' as const })),
        tick(),
      );
      expect(again).toEqual([newcomer.id]);
      expect((await h.store.getConversation(channel.id))?.memberCount).toBe(2502);

      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 100; pages += 1) {
        const page = await h.store.listMembers(channel.id, { limit: 400, ...(cursor ? { cursor } : {}) });
        expect(page.items.length).toBeLessThanOrEqual(400);
        seen.push(...page.items.map((m) => m.userId));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      const expected = [owner.id, ...users, newcomer.id].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      expect(seen).toEqual(expected);
    });

    it('lists members with given roles, and keeps per-member settings', async () => {
      const [owner, mod, admin, member] = await newUsers(h.store, 4);
      if (!owner || !mod || !admin || !member) throw new Error('fixture');
      const channel = await newChannel(h.store, owner, [member]);
      await h.store.addMembers(
        channel.id,
        [
          { userId: mod.id, role: 'moderator' },
          { userId: admin.id, role: 'admin' },
        ],
        tick(),
      );
      expect(await h.store.listMembersWithRoles(channel.id, ['owner', 'admin', 'moderator'])).toEqual(
        [owner.id, mod.id, admin.id].sort(),
      );
      expect(await h.store.listMembersWithRoles(channel.id, [])).toEqual([]);
      // The heir outranks everyone else (admin before the earlier-joined member); never the one leaving.
      expect((await h.store.findHeir(channel.id, owner.id))?.userId).toBe(admin.id);
      expect((await h.store.findHeir(channel.id, admin.id))?.userId).toBe(owner.id);
      await h.store.setMemberRole(channel.id, admin.id, 'member');
      expect((await h.store.findHeir(channel.id, owner.id))?.userId).toBe(mod.id);
      await h.store.setMemberRole(channel.id, mod.id, 'member');
      // Among equals, the longest-standing.
      expect((await h.store.findHeir(channel.id, owner.id))?.userId).toBe(member.id);
      expect(await h.store.findHeir(uid('missing'), owner.id)).toBeUndefined();

      const until = tick();
      await h.store.setMemberMute(channel.id, member.id, until);
      await h.store.setNotifyLevel(channel.id, member.id, 'mentions');
      await h.store.setMarkedUnread(channel.id, member.id, 3);
      expect(await h.store.getMemberRecord(channel.id, member.id)).toMatchObject({
        userId: member.id,
        role: 'member',
        mutedUntil: until,
        notifyLevel: 'mentions',
        markedUnreadSeq: 3,
        lastPostAt: null,
      });
      expect(await h.store.getMember(channel.id, member.id)).toMatchObject({ mutedUntil: until });
      await h.store.setMemberMute(channel.id, member.id, null);
      await h.store.setMarkedUnread(channel.id, member.id, null);
      expect(await h.store.getMemberRecord(channel.id, member.id)).toMatchObject({
        mutedUntil: null,
        markedUnreadSeq: null,
        notifyLevel: 'mentions',
      });
      expect(await h.store.getMemberRecord(channel.id, uid('nobody'))).toBeUndefined();

      // Leaving and rejoining keeps a mute (and the slow-mode clock); an unrestricted member leaves nothing behind.
      const mutedUntil = tick() + 60_000;
      await h.store.setMemberMute(channel.id, member.id, mutedUntil);
      expect(await h.store.removeMember(channel.id, member.id)).toBe(true);
      expect(await h.store.removeMember(channel.id, mod.id)).toBe(true);
      const rejoining = [member, mod].map((u) => ({ userId: u.id, role: 'member' as const }));
      expect(await h.store.addMembers(channel.id, rejoining, tick())).toEqual([member.id, mod.id]);
      expect(await h.store.getMemberRecord(channel.id, member.id)).toMatchObject({ mutedUntil });
      expect(await h.store.getMemberRecord(channel.id, mod.id)).toMatchObject({ mutedUntil: null, role: 'member' });
      // Restored once: leaving again after the mute was lifted carries nothing back.
      await h.store.setMemberMute(channel.id, member.id, null);
      await h.store.removeMember(channel.id, member.id);
      await h.store.addMembers(channel.id, [{ userId: member.id, role: 'member' }], tick());
      expect(await h.store.getMemberRecord(channel.id, member.id)).toMatchObject({ mutedUntil: null });
    });

    it('lists public channels by members, filtered by title or topic, keyset-paged', async () => {
      const [viewer, other] = await newUsers(h.store, 2);
      if (!viewer || !other) throw new Error('fixture');
      const tag = uid('dir').toLowerCase();
      const big = await newChannel(h.store, other, [viewer], { title: `Big ${tag}`, visibility: 'public' });
      await h.store.addMembers(big.id, [{ userId: (await newUser(h.store)).id, role: 'member' }], tick());
      const small = await newChannel(h.store, other, [], {
        title: 'Small',
        topic: `about ${tag}_%`,
        visibility: 'public',
      });
      const tie = await newChannel(h.store, other, [], { title: `TIE ${tag.toUpperCase()}`, visibility: 'public' });
      await newChannel(h.store, other, [viewer], { title: `Hidden ${tag}`, visibility: 'private' });
      await newGroup(h.store, other, [viewer], `Group ${tag}`);

      const all = await h.store.listPublicChannels(viewer.id, { query: tag, limit: 10 });
      const tieFirst = small.id < tie.id;
      expect(all.items.map((c) => c.id)).toEqual([big.id, ...(tieFirst ? [small.id, tie.id] : [tie.id, small.id])]);
      expect(all.nextCursor).toBeNull();
      expect(all.items[0]).toEqual({
        id: big.id,
        title: `Big ${tag}`,
        topic: null,
        description: null,
        postPolicy: 'everyone',
        memberCount: 3,
        lastActivityAt: big.lastActivityAt,
        joined: true,
      });
      expect(all.items[1]?.joined).toBe(false);

      const first = await h.store.listPublicChannels(viewer.id, { query: tag, limit: 2 });
      expect(first.items).toEqual(all.items.slice(0, 2));
      if (!first.nextCursor) throw new Error('expected another page');
      const second = await h.store.listPublicChannels(viewer.id, { query: tag, limit: 2, cursor: first.nextCursor });
      expect(second).toEqual({ items: all.items.slice(2), nextCursor: null });

      // `%` and `_` are literal, not wildcards.
      const literal = await h.store.listPublicChannels(viewer.id, { query: `${tag}_%`, limit: 10 });
      expect(literal.items.map((c) => c.id)).toEqual([small.id]);
      const none = await h.store.listPublicChannels(viewer.id, { query: `${tag}%x`, limit: 10 });
      expect(none.items).toEqual([]);
      await expect(h.store.listPublicChannels(viewer.id, { cursor: 'garbage', limit: 10 })).rejects.toMatchObject({
        code: 'bad_request',
      });
    });
    it('keeps room nicknames unique per conversation by their fold, and clears them', async () => {
      const [owner, bob, carol] = await newUsers(h.store, 3);
      if (!owner || !bob || !carol) throw new Error('fixture');
      const group = await newGroup(h.store, owner, [bob, carol]);
      const other = await newGroup(h.store, owner, [bob]);
      expect(await h.store.roomNicks(group.id, [owner.id, bob.id])).toEqual(new Map());
      expect(await h.store.setRoomNick(group.id, bob.id, { nick: 'Bobby', fold: 'bobby' })).toBe('set');
      // Another member with the same fold is refused; the same fold in another room is fine.
      expect(await h.store.setRoomNick(group.id, carol.id, { nick: 'BOBBY', fold: 'bobby' })).toBe('taken');
      expect(await h.store.setRoomNick(other.id, owner.id, { nick: 'BOBBY', fold: 'bobby' })).toBe('set');
      expect(await h.store.roomNickHolder(group.id, 'bobby')).toBe(bob.id);
      expect(await h.store.roomNicks(group.id, [bob.id, carol.id, bob.id])).toEqual(new Map([[bob.id, 'Bobby']]));
      // The holder may change their own nickname's case; members without one never clash.
      expect(await h.store.setRoomNick(group.id, bob.id, { nick: 'BoBBy', fold: 'bobby' })).toBe('set');
      expect(await h.store.setRoomNick(group.id, carol.id, null)).toBe('set');
      expect(await h.store.setRoomNick(group.id, owner.id, null)).toBe('set');
      expect(await h.store.setRoomNick(group.id, uid('nobody'), { nick: 'x', fold: 'x' })).toBe('not_member');
      // Inside a transaction the refusal leaves the transaction usable (PostgreSQL aborts it otherwise).
      await h.store.transaction(async (tx) => {
        expect(await tx.setRoomNick(group.id, carol.id, { nick: 'bobby', fold: 'bobby' })).toBe('taken');
        expect(await tx.setRoomNick(group.id, carol.id, { nick: 'Caro', fold: 'caro' })).toBe('set');
      });
      expect(await h.store.roomNicks(group.id, [bob.id, carol.id])).toEqual(
        new Map([
          [bob.id, 'BoBBy'],
          [carol.id, 'Caro'],
        ]),
      );
      expect(await h.store.setRoomNick(group.id, bob.id, null)).toBe('set');
      expect(await h.store.roomNickHolder(group.id, 'bobby')).toBeUndefined();
    });
  });
}
