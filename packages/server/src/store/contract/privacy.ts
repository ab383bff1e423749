/**
 * Contract: what privacy decisions read (issue 10): who took part in a conversation
 * (created it, joined it, posted; not being added), the two sides of the presence
 * relation derived from it, both sides of the blocks, the presence setting, and mention
 * counts that ignore blocked senders.
 */
import { describe, expect, it } from 'vitest';
import { directKey, type Harness, newChannel, newMessage, newUsers, tick, uid } from './harness';

export function privacyContract(h: Harness): void {
  describe('privacy', () => {
    it('records who took part: the creator and joiners at once, the added only when they post', async () => {
      const [owner, added, joiner, other] = await newUsers(h.store, 4);
      if (!owner || !added || !joiner || !other) throw new Error('fixture');
      const createdAt = tick();
      const { conversation } = await h.store.createConversation(
        { id: uid('conv'), kind: 'group', title: 'g', directKey: null, createdAt },
        [
          { userId: owner.id, role: 'owner', tookPart: true },
          { userId: added.id, role: 'member' },
        ],
      );
      expect((await h.store.getMemberRecord(conversation.id, owner.id))?.tookPartAt).toBe(createdAt);
      expect((await h.store.getMemberRecord(conversation.id, added.id))?.tookPartAt).toBeNull();

      const joinedAt = tick();
      await h.store.addMembers(
        conversation.id,
        [
          { userId: joiner.id, role: 'member', tookPart: true },
          { userId: other.id, role: 'member' },
        ],
        joinedAt,
      );
      expect((await h.store.getMemberRecord(conversation.id, joiner.id))?.tookPartAt).toBe(joinedAt);
      expect((await h.store.getMemberRecord(conversation.id, other.id))?.tookPartAt).toBeNull();

      // A post without the hint writes nothing to the member row; the first post (hinted) does.
      await h.store.appendMessage(newMessage(conversation.id, added.id, 'not hinted'));
      expect((await h.store.getMemberRecord(conversation.id, added.id))?.tookPartAt).toBeNull();
      const first = { ...newMessage(conversation.id, added.id, 'first'), firstPost: true };
      await h.store.appendMessage(first);
      expect((await h.store.getMemberRecord(conversation.id, added.id))?.tookPartAt).toBe(first.createdAt);
      // A repeated hint keeps the first time.
      await h.store.appendMessage({ ...newMessage(conversation.id, added.id, 'again'), firstPost: true });
      expect((await h.store.getMemberRecord(conversation.id, added.id))?.tookPartAt).toBe(first.createdAt);
      // System and update entries are not posts.
      await h.store.appendMessage({
        ...newMessage(conversation.id, other.id),
        content: { type: 'system', action: 'renamed', title: 'x' },
        firstPost: true,
      });
      expect((await h.store.getMemberRecord(conversation.id, other.id))?.tookPartAt).toBeNull();
    });

    it('lists the presence relation both ways, over direct and group conversations only', async () => {
      const [me, opener, groupie, silent, channelmate] = await newUsers(h.store, 5);
      if (!me || !opener || !groupie || !silent || !channelmate) throw new Error('fixture');
      // The opener starts a direct conversation with me: they took part, I did not.
      await h.store.createConversation(
        { id: uid('conv'), kind: 'direct', title: null, directKey: directKey(me, opener), createdAt: tick() },
        [
          { userId: opener.id, role: 'member', tookPart: true },
          { userId: me.id, role: 'member' },
        ],
      );
      // I create a group with groupie and silent; groupie posts, silent does not.
      const { conversation: group } = await h.store.createConversation(
        { id: uid('conv'), kind: 'group', title: 'g', directKey: null, createdAt: tick() },
        [
          { userId: me.id, role: 'owner', tookPart: true },
          { userId: groupie.id, role: 'member' },
          { userId: silent.id, role: 'member' },
        ],
      );
      await h.store.appendMessage({ ...newMessage(group.id, groupie.id), firstPost: true });
      // A channel where everyone took part counts for nothing.
      const channel = await newChannel(h.store, channelmate, [me]);
      await h.store.appendMessage({ ...newMessage(channel.id, me.id), firstPost: true });

      // My presence may reach the group (where I took part), not the opener (where I did not).
      expect(await h.store.listPartnersWhereTookPart(me.id)).toEqual([groupie.id, silent.id].sort());
      // Theirs may reach me: the opener's and groupie's, not silent's.
      expect(await h.store.listPartnersWhoTookPart(me.id)).toEqual([opener.id, groupie.id].sort());
      expect(await h.store.listPartnersWhereTookPart(silent.id)).toEqual([]);
      expect(await h.store.listPartnersWhoTookPart(silent.id)).toEqual([me.id, groupie.id].sort());
      expect(await h.store.listPartnersWhereTookPart(channelmate.id)).toEqual([]);
    });

    it('lists both sides of the blocks, and keeps the presence setting', async () => {
      const [me, pest, critic, other] = await newUsers(h.store, 4);
      if (!me || !pest || !critic || !other) throw new Error('fixture');
      expect(await h.store.listBlockRelations(me.id)).toEqual({ blocked: [], blockedBy: [] });
      await h.store.addBlock(me.id, pest.id, tick());
      await h.store.addBlock(critic.id, me.id, tick());
      await h.store.addBlock(other.id, pest.id, tick());
      expect(await h.store.listBlockRelations(me.id)).toEqual({ blocked: [pest.id], blockedBy: [critic.id] });
      expect(await h.store.listBlockRelations(pest.id)).toEqual({
        blocked: [],
        blockedBy: [me.id, other.id].sort(),
      });

      expect(me.presenceVisibility).toBe('everyone');
      expect((await h.store.getUser(me.id))?.presenceVisibility).toBe('everyone');
      await h.store.setPresenceVisibility(me.id, 'contacts');
      expect((await h.store.getUser(me.id))?.presenceVisibility).toBe('contacts');
      await h.store.setPresenceVisibility(me.id, 'nobody');
      expect((await h.store.getUsers([me.id]))[0]?.presenceVisibility).toBe('nobody');
    });

    it('counts no mention (of me, @here or @channel) from someone I blocked', async () => {
      const [me, pest, friend] = await newUsers(h.store, 3);
      if (!me || !pest || !friend) throw new Error('fixture');
      const { conversation } = await h.store.createConversation(
        { id: uid('conv'), kind: 'group', title: 'g', directKey: null, createdAt: tick() },
        [
          { userId: friend.id, role: 'owner', tookPart: true },
          { userId: me.id, role: 'member' },
          { userId: pest.id, role: 'member' },
        ],
      );
      const mentionMe = { userIds: [me.id], here: false, channel: false };
      const here = { userIds: [], here: true, channel: false };
      await h.store.appendMessage({ ...newMessage(conversation.id, pest.id, '@me'), mentions: mentionMe });
      await h.store.appendMessage({ ...newMessage(conversation.id, pest.id, '@here'), mentions: here });
      await h.store.appendMessage({ ...newMessage(conversation.id, friend.id, '@me'), mentions: mentionMe });
      const summary = async () =>
        (await h.store.listConversationSummaries(me.id, { limit: 10 })).find(
          (s) => s.conversation.id === conversation.id,
        );
      expect(await summary()).toMatchObject({ mentionCount: 3, unreadCount: 3 });
      await h.store.addBlock(me.id, pest.id, tick());
      // Their messages still count as unread (they are in the sequence), never as mentions.
      expect(await summary()).toMatchObject({ mentionCount: 1, unreadCount: 3 });
      // Blocked by the other side only: nothing changes for me.
      await h.store.removeBlock(me.id, pest.id);
      await h.store.addBlock(pest.id, me.id, tick());
      expect(await summary()).toMatchObject({ mentionCount: 3 });
    });
  });
}
