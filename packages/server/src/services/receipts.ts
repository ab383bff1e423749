/**
 * Delivered and read receipts (per-member cursors) and typing indicators. Cursors
 * only move forward; a read receipt also counts as delivered. Typing is never
 * stored: it expires on the receiver's side after `expiresInMs`.
 */
import type { ReceiptKind } from '@parley/protocol';
import { canRead } from '../domain/permissions';
import { topics } from '../ports/bus';
import type { AuthContext } from './accounts';
import { refuse, type ConversationService } from './conversations';
import type { ServiceDeps } from './deps';

export class ReceiptService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly conversations: ConversationService,
  ) {}

  async setReceipt(auth: AuthContext, conversationId: string, kind: ReceiptKind, seq: number): Promise<void> {
    const member = await this.deps.store.getMember(conversationId, auth.user.id);
    if (!member) {
      await this.conversations.load(conversationId); // not_found beats not_member for unknown ids
      refuse(canRead({ role: undefined }));
      return;
    }
    const { store, bus } = this.deps;
    const topic = topics.conversation(conversationId);
    const userId = auth.user.id;
    const delivered = await store.advanceDeliveredCursor(conversationId, userId, seq);
    if (delivered > member.deliveredSeq) {
      await bus.publish(topic, { v: 1, type: 'receipt', conversationId, userId, kind: 'delivered', seq: delivered });
    }
    if (kind === 'read') {
      const read = await store.advanceReadCursor(conversationId, userId, seq);
      if (read > member.readSeq)
        await bus.publish(topic, { v: 1, type: 'receipt', conversationId, userId, kind: 'read', seq: read });
    }
  }

  async setTyping(auth: AuthContext, conversationId: string, typing: boolean): Promise<void> {
    const member = await this.deps.store.getMember(conversationId, auth.user.id);
    if (!member) {
      await this.conversations.load(conversationId);
      refuse(canRead({ role: undefined }));
    }
    const expiresInMs = this.deps.limits.typingTtlMs;
    await this.deps.bus.publish(topics.conversation(conversationId), {
      v: 1,
      type: 'typing',
      conversationId,
      userId: auth.user.id,
      typing,
      expiresInMs,
    });
  }
}
