/** Store contract: file records, refs written with their message, access and cleanup queries. */
import type { MessageContent } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import type { NewFile } from '../../ports/file-records';
import type { Store, UserRecord } from '../../ports/store';
import { type Harness, newGroup, newMessage, newUsers, tick, uid } from './harness';

function newFile(owner: UserRecord, size = 100, createdAt = tick()): NewFile {
  const id = uid('f');
  return {
    id,
    ownerId: owner.id,
    name: 'photo.png',
    size,
    mime: 'image/png',
    kind: 'file',
    blobKey: `f/${id}`,
    createdAt,
  };
}

function fileContent(fileId: string): MessageContent {
  return { type: 'file', fileId, name: 'photo.png', size: 100, mime: 'image/png', kind: 'image' };
}

async function sendFile(store: Store, conversationId: string, sender: UserRecord, fileId: string) {
  const { message } = await store.appendMessage({
    id: uid('msg'),
    conversationId,
    senderId: sender.id,
    clientId: uid('client'),
    content: fileContent(fileId),
    createdAt: tick(),
  });
  return message;
}

export function filesContract(h: Harness): void {
  describe('files', () => {
    it("creates an uploading file, completes it once, and sums its owner's bytes", async () => {
      const [alice] = await newUsers(h.store, 1);
      const created = await h.store.createFile(newFile(alice!, 1000));
      expect(created).toMatchObject({ status: 'uploading', size: 1000, thumbKey: null, waveform: null });
      await h.store.createFile(newFile(alice!, 234));
      expect(await h.store.sumFileBytes(alice!.id)).toBe(1234);
      const completion = {
        size: 999,
        mime: 'image/png',
        kind: 'image' as const,
        width: 640,
        height: 480,
        durationMs: null,
        placeholder: 'LEHV6nWB2yk8',
        waveform: [0, 128, 255],
        thumbKey: `t/${created.id}`,
        completedAt: tick(),
      };
      const ready = await h.store.completeFile(created.id, completion);
      expect(ready).toMatchObject({ status: 'ready', ...completion });
      expect(await h.store.getFile(created.id)).toEqual(ready);
      expect(await h.store.completeFile(created.id, completion)).toBeUndefined();
      expect(await h.store.sumFileBytes(alice!.id)).toBe(999 + 234);
    });

    it('lists the conversations carrying a file, once each', async () => {
      const [alice, bob] = await newUsers(h.store, 2);
      const file = await h.store.createFile(newFile(alice!));
      expect(await h.store.listFileConversations(file.id)).toEqual([]);
      const group = await newGroup(h.store, alice!, [bob!]);
      const other = await newGroup(h.store, alice!);
      await sendFile(h.store, group.id, alice!, file.id);
      await sendFile(h.store, group.id, alice!, file.id);
      expect(await h.store.listFileConversations(file.id)).toEqual([group.id]);
      await sendFile(h.store, other.id, alice!, file.id);
      expect((await h.store.listFileConversations(file.id)).sort()).toEqual([group.id, other.id].sort());
      expect(await h.store.listFileConversations('f_missing')).toEqual([]);
    });

    it('releases refs per message and reports files left unreferenced', async () => {
      const [alice, bob] = await newUsers(h.store, 2);
      const group = await newGroup(h.store, alice!, [bob!]);
      const file = await h.store.createFile(newFile(alice!));
      const first = await sendFile(h.store, group.id, alice!, file.id);
      const second = await sendFile(h.store, group.id, alice!, file.id);
      await h.store.addFileRef(file.id, second.id, group.id);
      expect(await h.store.releaseFileRefs(first.id)).toEqual([]);
      expect(await h.store.releaseFileRefs(second.id)).toEqual([file.id]);
      expect(await h.store.releaseFileRefs(second.id)).toEqual([]);
      expect(await h.store.listFileConversations(file.id)).toEqual([]);
    });

    it("lists a conversation's file messages by kind, newest first, before a seq, without tombstones", async () => {
      const [alice, bob] = await newUsers(h.store, 2);
      const group = await newGroup(h.store, alice!, [bob!]);
      const other = await newGroup(h.store, alice!);
      const ready = async (kind: 'image' | 'video' | 'file' | 'voice') => {
        const file = await h.store.createFile(newFile(alice!));
        await h.store.completeFile(file.id, {
          size: 100,
          mime: 'application/octet-stream',
          kind,
          width: null,
          height: null,
          durationMs: null,
          placeholder: null,
          waveform: null,
          thumbKey: null,
          completedAt: tick(),
        });
        return file.id;
      };
      const image = await sendFile(h.store, group.id, alice!, await ready('image'));
      const doc = await sendFile(h.store, group.id, bob!, await ready('file'));
      await h.store.appendMessage(newMessage(group.id, alice!.id, 'text between'));
      const video = await sendFile(h.store, group.id, bob!, await ready('video'));
      const voice = await sendFile(h.store, group.id, alice!, await ready('voice'));
      const deleted = await sendFile(h.store, group.id, alice!, await ready('image'));
      const tombstone = await h.store.appendMessage({
        ...newMessage(group.id, alice!.id),
        content: { type: 'update', action: 'deleted', messageId: deleted.id },
      });
      await h.store.deleteMessage(deleted.id, tick(), tombstone.message.seq);
      await sendFile(h.store, other.id, alice!, await ready('image'));
      const ids = (list: { id: string }[]) => list.map((m) => m.id);
      const media = await h.store.listConversationFiles(group.id, { kinds: ['image', 'video'], limit: 10 });
      expect(ids(media)).toEqual([video.id, image.id]);
      expect(media[0]).toMatchObject({ conversationId: group.id, senderId: bob!.id, content: { type: 'file' } });
      expect(ids(await h.store.listConversationFiles(group.id, { kinds: ['file', 'voice'], limit: 10 }))).toEqual([
        voice.id,
        doc.id,
      ]);
      expect(
        ids(await h.store.listConversationFiles(group.id, { kinds: ['image', 'video'], before: video.seq, limit: 10 })),
      ).toEqual([image.id]);
      expect(ids(await h.store.listConversationFiles(group.id, { kinds: ['image', 'video'], limit: 1 }))).toEqual([
        video.id,
      ]);
      expect(await h.store.listConversationFiles(group.id, { kinds: [], limit: 10 })).toEqual([]);
    });

    it('lists unreferenced files older than a time, and deletes them with their refs', async () => {
      const [alice] = await newUsers(h.store, 1);
      const group = await newGroup(h.store, alice!);
      const old = await h.store.createFile(newFile(alice!));
      const sent = await h.store.createFile(newFile(alice!));
      await sendFile(h.store, group.id, alice!, sent.id);
      const cutoff = tick();
      const fresh = await h.store.createFile(newFile(alice!));
      const listed = (await h.store.listUnreferencedFiles({ createdBefore: cutoff, limit: 1000 })).map((f) => f.id);
      expect(listed).toContain(old.id);
      expect(listed).not.toContain(sent.id);
      expect(listed).not.toContain(fresh.id);
      expect(await h.store.deleteFile(sent.id)).toBe(true);
      expect(await h.store.deleteFile(sent.id)).toBe(false);
      expect(await h.store.getFile(sent.id)).toBeUndefined();
    });
  });
}
