/**
 * Archiving, unarchiving and deleting groups and channels (docs/adr/0020).
 *
 * Archived: read-only for everyone (the permission matrix refuses every write with
 * `conversation_archived`), still readable and searchable by its members. The change is
 * an `archived` / `unarchived` system entry in the sequence (P5) and a
 * `conversation.updated` carrying `archivedAt`, in one transaction.
 *
 * Deleted: gone for everyone at once. One short transaction marks the conversation
 * deleted (every read treats it as gone from that commit), emits `conversation.deleted`
 * on its topic (every member's connected devices drop it; the others learn it from
 * `sync`'s `removed`), and enqueues the `conversation.purge` job, which erases the rows
 * in batches (services/conversation-purge.ts).
 *
 * Members act through the matrix (owner: all three; admins: archive); server admins
 * through services/admin.ts, which calls the `*As` methods with their audit actor.
 * Every change is also appended to the audit log (ADR 0012) in its transaction.
 */
import type { Conversation } from '@parley/protocol';
import { AppError } from '../domain/errors';
import { newId } from '../domain/ids';
import { topics } from '../ports/bus';
import type { AuthContext } from './accounts';
import { recordAudit, type AuditActor } from './audit';
import type { ConversationService } from './conversations';
import type { ServiceDeps } from './deps';

/** The job kind that erases a deleted conversation (services/conversation-purge.ts). */
export const PURGE_JOB = 'conversation.purge';

export interface PurgePayload {
  conversationId: string;
  /** Its picture when it was deleted: the blob goes once the rows are erased. */
  avatarUrl?: string | null;
}

function memberActor(auth: AuthContext): AuditActor {
  return { id: auth.user.id, name: auth.user.username, address: null };
}

export class ConversationLifecycle {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly conversations: ConversationService,
  ) {}

  /** Archives a group or channel (its owner or admins). Idempotent. */
  async archive(auth: AuthContext, conversationId: string): Promise<Conversation> {
    const { conversation } = await this.conversations.authorize(auth, conversationId, 'archive');
    return this.setArchivedAs(conversation, true, auth.user.id, memberActor(auth));
  }

  /** Makes an archived group or channel writable again (its owner). Idempotent. */
  async unarchive(auth: AuthContext, conversationId: string): Promise<Conversation> {
    const { conversation } = await this.conversations.authorize(auth, conversationId, 'unarchive');
    return this.setArchivedAs(conversation, false, auth.user.id, memberActor(auth));
  }

  /** Deletes a group or channel for everyone (its owner). */
  async delete(auth: AuthContext, conversationId: string): Promise<void> {
    const { conversation } = await this.conversations.authorize(auth, conversationId, 'delete');
    await this.deleteAs(conversation, memberActor(auth));
  }

  /** Loads a live group or channel for a server admin (no membership needed). */
  async loadForAdmin(conversationId: string): Promise<Conversation> {
    const conversation = await this.conversations.load(conversationId, { members: false });
    checkKind(conversation);
    return conversation;
  }

  /**
   * Archives or unarchives, already authorized. `userId` is who the system entry names
   * (null: the CLI on the server machine, which is nobody's account: no entry, the
   * `conversation.updated` event alone tells the members).
   */
  async setArchivedAs(
    conversation: Conversation,
    archived: boolean,
    userId: string | null,
    actor: AuditActor,
  ): Promise<Conversation> {
    checkKind(conversation);
    const id = conversation.id;
    const now = this.deps.clock.now();
    const changed = await this.deps.store.transaction(async (tx) => {
      if (!(await tx.setConversationArchived(id, archived ? now : null))) return undefined;
      await recordAudit(tx, actor, now, archived ? 'conversation.archived' : 'conversation.unarchived', id, {
        kind: conversation.kind,
        title: conversation.title,
      });
      if (userId !== null) {
        const recorded = await this.conversations.record(tx, id, userId, {
          type: 'system',
          action: archived ? 'archived' : 'unarchived',
        });
        await this.conversations.emitChange(tx, recorded);
        return recorded.conversation;
      }
      const updated = await tx.getConversation(id);
      if (!updated) throw new AppError('not_found', 'No such conversation.');
      await tx.emit(topics.conversation(id), { v: 1, type: 'conversation.updated', conversation: updated });
      return updated;
    });
    return changed ?? this.conversations.load(id);
  }

  /** Deletes, already authorized: hidden at once, erased by the purge job. Idempotent. */
  async deleteAs(conversation: Conversation, actor: AuditActor): Promise<void> {
    checkKind(conversation);
    const id = conversation.id;
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (tx) => {
      if (!(await tx.markConversationDeleted(id, now))) return;
      await tx.emit(topics.conversation(id), { v: 1, type: 'conversation.deleted', conversationId: id });
      const payload: PurgePayload = { conversationId: id, avatarUrl: conversation.avatarUrl };
      await tx.enqueueJob({ id: newId('j', now), kind: PURGE_JOB, payload, dueAt: now, createdAt: now });
      await recordAudit(tx, actor, now, 'conversation.deleted', id, {
        kind: conversation.kind,
        title: conversation.title,
        memberCount: conversation.memberCount,
        lastSeq: conversation.lastSeq,
      });
    });
  }
}

/** A direct conversation belongs to its two people: neither archives nor deletes it for the other. */
function checkKind(conversation: Conversation): void {
  if (conversation.kind === 'direct') {
    throw new AppError('invalid_operation', 'Only groups and channels can be archived or deleted.');
  }
}
