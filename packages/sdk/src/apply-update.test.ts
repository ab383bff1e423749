import type { Message, UpdateContent } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { applyQuoteDeletion, applyThreadReply, applyUpdate, expiredMessageIds, isUpdate } from './apply-update';

const target: Message = {
  id: 'm1',
  conversationId: 'c1',
  seq: 1,
  senderId: 'alice',
  clientId: 'k1',
  content: { type: 'text', text: 'hello @bob' },
  createdAt: 1000,
  mentions: { userIds: ['bob'], here: false, channel: false },
};

let seq = 1;
function update(content: Omit<UpdateContent, 'type' | 'messageId'>, senderId = 'bob', messageId = 'm1'): Message {
  seq += 1;
  return {
    id: `u${seq}`,
    conversationId: 'c1',
    seq,
    senderId,
    clientId: `k${seq}`,
    content: { type: 'update', messageId, ...content },
    createdAt: 1000 + seq,
  };
}

describe('applyUpdate', () => {
  it('applies an edit with its mentions and marks it edited', () => {
    const edit = update({ action: 'edited', text: 'hello all' }, 'alice');
    expect(isUpdate(edit)).toBe(true);
    expect(isUpdate(target)).toBe(false);
    const edited = applyUpdate(target, edit);
    expect(edited).toMatchObject({
      content: { type: 'text', text: 'hello all' },
      editedAt: edit.createdAt,
      rev: edit.seq,
    });
    expect(edited.mentions).toBeUndefined();
    expect(target.content).toEqual({ type: 'text', text: 'hello @bob' }); // not mutated
  });

  it('applies an edit of a file message to its caption; the file stays', () => {
    const file: Message = {
      ...target,
      id: 'm9',
      content: { type: 'file', fileId: 'f1', name: 'a.png', size: 10, mime: 'image/png', kind: 'image' },
    };
    const edit = update({ action: 'edited', text: 'a caption' }, 'alice', 'm9');
    expect(applyUpdate(file, edit).content).toEqual({ ...file.content, caption: 'a caption' });
  });

  it('counts reactions, keeps myReactions for me, and removes emptied emoji', () => {
    const a = update({ action: 'reaction.added', emoji: '👍' }, 'bob');
    const b = update({ action: 'reaction.added', emoji: '👍' }, 'carol');
    const c = update({ action: 'reaction.added', emoji: '🎉' }, 'carol');
    const d = update({ action: 'reaction.removed', emoji: '👍' }, 'bob');
    const me = { me: 'bob' };
    let m = [a, b, c].reduce((acc, u) => applyUpdate(acc, u, me), target);
    expect(m.reactions).toEqual([
      { emoji: '👍', count: 2, userIds: ['bob', 'carol'] },
      { emoji: '🎉', count: 1, userIds: ['carol'] },
    ]);
    expect(m.myReactions).toEqual(['👍']);
    m = applyUpdate(m, d, me);
    expect(m.reactions).toEqual([
      { emoji: '👍', count: 1, userIds: ['carol'] },
      { emoji: '🎉', count: 1, userIds: ['carol'] },
    ]);
    expect(m.myReactions).toBeUndefined();
    expect(m.rev).toBe(d.seq);
  });

  it('ignores duplicates, stale updates and updates of other messages', () => {
    const add = update({ action: 'reaction.added', emoji: '👍' });
    const once = applyUpdate(target, add);
    expect(applyUpdate(once, add)).toBe(once);
    // A page fetched after the update already shows it (rev): replaying it changes nothing.
    const fresh: Message = { ...target, rev: add.seq, reactions: [{ emoji: '👍', count: 1, userIds: ['bob'] }] };
    expect(applyUpdate(fresh, add)).toBe(fresh);
    expect(applyUpdate(target, update({ action: 'pinned' }, 'bob', 'm2'))).toBe(target);
    expect(applyUpdate(target, target)).toBe(target);
  });

  it('pins, unpins and deletes into a tombstone', () => {
    const pin = update({ action: 'pinned' }, 'mod');
    const pinned = applyUpdate(target, pin);
    expect(pinned).toMatchObject({ pinnedAt: pin.createdAt, pinnedBy: 'mod' });
    const unpinned = applyUpdate(pinned, update({ action: 'unpinned' }, 'mod'));
    expect(unpinned.pinnedAt).toBeUndefined();
    const reacted = applyUpdate(applyUpdate(target, pin), update({ action: 'reaction.added', emoji: '😮' }));
    const del = update({ action: 'deleted' }, 'alice');
    const tombstone = applyUpdate(reacted, del);
    expect(tombstone).toEqual({
      id: 'm1',
      conversationId: 'c1',
      seq: 1,
      senderId: 'alice',
      clientId: 'k1',
      content: { type: 'deleted' },
      createdAt: 1000,
      deletedAt: del.createdAt,
      rev: del.seq,
    });
  });
});

describe('applyUpdate with link previews', () => {
  const preview = { url: 'https://a.example/', title: 'A', siteName: 'a.example' };

  it('attaches, replaces and clears the previews the server set', () => {
    const set = update({ action: 'link_previews.set', linkPreviews: [preview] }, 'alice');
    const withPreview = applyUpdate(target, set);
    expect(withPreview.linkPreviews).toEqual([preview]);
    expect(applyUpdate(withPreview, set)).toBe(withPreview);
    const cleared = applyUpdate(withPreview, update({ action: 'link_previews.set', linkPreviews: [] }, 'alice'));
    expect(cleared.linkPreviews).toBeUndefined();
    expect(cleared.linkPreviewsOff).toBeUndefined();
  });

  it('removes them for good when the sender does, and a tombstone has none', () => {
    const withPreview = applyUpdate(target, update({ action: 'link_previews.set', linkPreviews: [preview] }, 'alice'));
    const removed = applyUpdate(withPreview, update({ action: 'link_previews.removed' }, 'alice'));
    expect(removed.linkPreviews).toBeUndefined();
    expect(removed.linkPreviewsOff).toBe(true);
    const again = applyUpdate(target, update({ action: 'link_previews.set', linkPreviews: [preview] }, 'alice'));
    expect(applyUpdate(again, update({ action: 'deleted' }, 'alice')).linkPreviews).toBeUndefined();
  });
});

describe('applyQuoteDeletion and applyThreadReply', () => {
  it('empties the excerpt of a reply whose quote was deleted', () => {
    const reply: Message = {
      ...target,
      id: 'm9',
      seq: 9,
      replyTo: { messageId: 'm1', seq: 1, senderId: 'alice', excerpt: 'hello' },
    };
    const del = update({ action: 'deleted' }, 'alice');
    expect(applyQuoteDeletion(reply, del).replyTo).toEqual({ messageId: 'm1', seq: 1, senderId: 'alice', excerpt: '' });
    expect(applyQuoteDeletion(target, del)).toBe(target);
  });

  it('counts replies once, with the root author as first participant', () => {
    const reply: Message = { ...target, id: 'r1', seq: 50, senderId: 'bob', threadId: 'm1', createdAt: 5000 };
    const root = applyThreadReply(target, reply);
    expect(root.thread).toEqual({
      replyCount: 1,
      lastReplyAt: 5000,
      lastReplySeq: 50,
      participantIds: ['alice', 'bob'],
    });
    expect(applyThreadReply(root, reply)).toBe(root);
    expect(applyThreadReply(target, { ...reply, threadId: 'other' })).toBe(target);
  });

  it('adds the people a reply mentions as participants, with its sender, ranked by id as the server does', () => {
    const reply: Message = {
      ...target,
      id: 'r1',
      seq: 50,
      senderId: 'erin',
      threadId: 'm1',
      mentions: { userIds: ['dave', 'alice', 'erin'], here: false, channel: false },
    };
    const root = applyThreadReply(target, reply);
    expect(root.thread?.participantIds).toEqual(['alice', 'dave', 'erin']);
    const next = applyThreadReply(root, { ...reply, id: 'r2', seq: 51, senderId: 'bob', mentions: undefined });
    expect(next.thread?.participantIds).toEqual(['alice', 'dave', 'erin', 'bob']);
  });
});

describe('expiredMessageIds', () => {
  it('lists what an expired entry says retention deleted, and nothing for other entries', () => {
    const expired = update({ action: 'expired', messageIds: ['m1', 'm7'] }, 'server');
    expect(expiredMessageIds(expired)).toEqual(['m1', 'm7']);
    // An emptied edit names its one target.
    expect(expiredMessageIds(update({ action: 'expired' }, 'server', 'm9'))).toEqual(['m9']);
    expect(expiredMessageIds(update({ action: 'deleted' }))).toEqual([]);
    expect(expiredMessageIds(target)).toEqual([]);
    // Folding it into a target changes nothing: the caller drops the target.
    expect(applyUpdate(target, expired)).toBe(target);
  });
});
