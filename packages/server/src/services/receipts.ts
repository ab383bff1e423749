/**
 * Delivered and read receipts (per-member cursors), mark as unread, and typing
 * indicators. Cursors only move forward; a read receipt also counts as delivered,
 * and reading at or past a message marked unread clears the mark. In channels a
 * receipt goes only to the reader's own devices (their user topic): fanning every
 * read out to 100,000 members would cost more than the messages. Typing is never
 * stored: it expires on the receiver's side after `expiresInMs`, and needs the right to
 * post (a muted, read-only or banned member, or anyone but admins in a broadcast channel,
 * gets the error a post would). Neither typing nor receipts reach anyone with a block
 * either way with their author: the event names them and the hub skips them. A read
 * that moves the cursor also tells the reader's other devices to clear the
 * conversation's notifications (`onRead`: Web Push, services/push.ts), in the same write.
 */
import type { ReceiptKind } from '@parley/protocol';
import { topics } from '../ports/bus';
import type { AuthContext } from './accounts';
import { blockedEitherWay } from './audience';
import type { ConversationService } from './conversations';
import type { ServiceDeps } from './deps';
import type { MessageService } from './messages';
import type { Store } from '../ports/store';

/** Inside the write that moved a read cursor (the reader's session, the new read seq). */
export type ReadHook = (
  tx: Store,
  userId: string,
  sessionId: string,
  conversationId: string,
  seq: number,
) => Promise<void>;

export class ReceiptService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly conversations: ConversationService,
    private readonly messages: MessageService,
    private readonly onRead?: ReadHook,
  ) {}

  /** Members who must not get this user's typing or receipts: a block either way (an empty list: none). */
  private async except(userId: string): Promise<{ exceptUserIds?: string[] }> {
    const ids = await blockedEitherWay(this.deps.store, userId);
    return ids.length > 0 ? { exceptUserIds: ids } : {};
  }

  async setReceipt(auth: AuthContext, conversationId: string, kind: ReceiptKind, seq: number): Promise<void> {
    // Every device moves cursors for every message: never the group's member list here.
    const { conversation, member } = await this.conversations.authorize(
      auth,
      conversationId,
      'read',
      {},
      {
        members: false,
      },
    );
    const userId = auth.user.id;
    const channel = conversation.kind === 'channel';
    const topic = channel ? topics.user(userId) : topics.conversation(conversationId);
    // Only the reader's own devices get a channel receipt: nobody to leave out there.
    const except = channel ? {} : await this.except(userId);
    await this.deps.store.write(`${conversationId}:${userId}`, async (tx) => {
      const delivered = await tx.advanceDeliveredCursor(conversationId, userId, seq);
      if (delivered > member.deliveredSeq) {
        await tx.emit(topic, {
          v: 1,
          type: 'receipt',
          conversationId,
          userId,
          kind: 'delivered',
          seq: delivered,
          ...except,
        });
      }
      if (kind !== 'read') return;
      const read = await tx.advanceReadCursor(conversationId, userId, seq);
      if (read > member.readSeq) {
        await tx.emit(topic, { v: 1, type: 'receipt', conversationId, userId, kind: 'read', seq: read, ...except });
        await this.onRead?.(tx, userId, auth.session.id, conversationId, read);
      }
      if (member.markedUnreadSeq !== null && seq >= member.markedUnreadSeq) {
        await tx.emit(topics.user(userId), {
          v: 1,
          type: 'member.updated',
          userId,
          conversationId,
          markedUnread: false,
        });
      }
    });
  }

  /** Shows the conversation as unread from `seq` on (clamped to its last entry) until the member reads it again. */
  async markUnread(auth: AuthContext, conversationId: string, seq: number): Promise<void> {
    const { conversation } = await this.conversations.authorize(auth, conversationId, 'read');
    const userId = auth.user.id;
    await this.deps.store.write(`${conversationId}:${userId}`, async (tx) => {
      await tx.setMarkedUnread(conversationId, userId, Math.max(1, Math.min(seq, conversation.lastSeq)));
      await tx.emit(topics.user(userId), { v: 1, type: 'member.updated', userId, conversationId, markedUnread: true });
    });
  }

  async setTyping(auth: AuthContext, conversationId: string, typing: boolean): Promise<void> {
    await this.messages.checkMayPost(auth, conversationId);
    const expiresInMs = this.deps.limits.typingTtlMs;
    await this.deps.events.publish(topics.conversation(conversationId), {
      v: 1,
      type: 'typing',
      conversationId,
      userId: auth.user.id,
      typing,
      expiresInMs,
      ...(await this.except(auth.user.id)),
    });
  }
}
