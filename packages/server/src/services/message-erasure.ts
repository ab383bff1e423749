/**
 * Erasing one batch of messages for good, and telling devices (ADR 0019): one transaction
 * runs the store's deletion routine (`purgeMessages`) and appends, per conversation
 * touched, one content-free `expired` update entry listing the erased ids, published like
 * any entry so that live devices drop them at once and offline ones when they sync (P5).
 * After the commit, files that no message carries any more lose their record and bytes.
 * Shared by the retention job and the erasure of an account with its content (ADR 0026);
 * the caller chooses the ids (legal holds are its rule) and keeps the batch small.
 */
import { newId } from '../domain/ids';
import { topics } from '../ports/bus';
import type { ExpiredMessage, PurgeCounts } from '../ports/retention-records';
import type { ServiceDeps } from './deps';
import type { FileService } from './files';

/** The sender of `expired` entries: the server itself, not a user. */
export const ERASURE_SENDER = 'server';

export interface ErasedBatch extends Omit<PurgeCounts, 'releasedFileIds'> {
  /** Files whose record and bytes went after the commit. */
  files: number;
}

export async function eraseMessages(
  deps: ServiceDeps,
  files: FileService,
  batch: readonly ExpiredMessage[],
): Promise<ErasedBatch> {
  const at = deps.clock.now();
  const byConversation = new Map<string, string[]>();
  for (const m of batch) byConversation.set(m.conversationId, [...(byConversation.get(m.conversationId) ?? []), m.id]);
  const { releasedFileIds, ...counts } = await deps.store.transaction(async (tx) => {
    const purged = await tx.purgeMessages(batch.map((m) => m.id));
    for (const [conversationId, ids] of byConversation) {
      const first = ids[0];
      if (first === undefined) continue;
      const { message } = await tx.appendMessage({
        id: newId('m', at),
        conversationId,
        senderId: ERASURE_SENDER,
        clientId: newId('u', at),
        content: { type: 'update', action: 'expired', messageId: first, messageIds: ids },
        createdAt: at,
      });
      await tx.emit(topics.conversation(conversationId), { v: 1, type: 'message.new', message });
    }
    return purged;
  });
  // After the commit: nobody can reach these files any more; their bytes go now.
  return { ...counts, files: await files.deleteOrphans(releasedFileIds) };
}
