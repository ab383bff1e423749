/**
 * Direct and group conversations: create, rename, membership and roles. Every
 * change is written together with a system message in the conversation's
 * sequence (so devices see it in order with the messages), then published.
 */
import type { Conversation, ConversationSummary, Role, SystemContent } from '@parley/protocol';
import { AppError } from '../domain/errors';
import { directKey, newId } from '../domain/ids';
import {
  canAddMembers,
  canLeave,
  canRead,
  canRemoveMember,
  canRename,
  canSetRole,
  nextOwner,
  type Refusal,
} from '../domain/permissions';
import { topics } from '../ports/bus';
import type { Store } from '../ports/store';
import type { AuthContext } from './accounts';
import type { ContactService } from './contacts';
import type { ServiceDeps } from './deps';

const refusalMessages: Record<Refusal, string> = {
  forbidden: 'Your role in this conversation does not allow this.',
  not_member: 'You are not a member of this conversation.',
  invalid_operation: 'This operation does not apply to this conversation.',
};

export function refuse(refusal: Refusal | null): void {
  if (refusal) throw new AppError(refusal, refusalMessages[refusal]);
}

export class ConversationService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly contacts: ContactService,
  ) {}

  /** Loads a conversation the actor can see; a non-member gets `not_found` unless told otherwise. */
  async load(conversationId: string): Promise<Conversation> {
    const conversation = await this.deps.store.getConversation(conversationId);
    if (!conversation) throw new AppError('not_found', 'No such conversation.');
    return conversation;
  }

  private roleOf(conversation: Conversation, userId: string): Role | undefined {
    return conversation.members.find((m) => m.userId === userId)?.role;
  }

  async get(auth: AuthContext, conversationId: string): Promise<Conversation> {
    const conversation = await this.load(conversationId);
    refuse(canRead({ role: this.roleOf(conversation, auth.user.id) }));
    return conversation;
  }

  /** Ids of the conversations the user belongs to (what a connection subscribes to). */
  memberOf(auth: AuthContext): Promise<string[]> {
    return this.deps.store.listConversationIds(auth.user.id);
  }

  async list(auth: AuthContext, limit = 500): Promise<ConversationSummary[]> {
    return this.deps.store.listConversationSummaries(auth.user.id, { limit });
  }

  async createDirect(auth: AuthContext, otherId: string): Promise<Conversation> {
    if (otherId === auth.user.id)
      throw new AppError('invalid_operation', 'A direct conversation needs another person.');
    if (!(await this.deps.store.getUser(otherId))) throw new AppError('not_found', 'No such user.');
    await this.contacts.checkNotBlocked(auth.user.id, otherId);
    const now = this.deps.clock.now();
    const { conversation, created } = await this.deps.store.createConversation(
      { id: newId('c', now), kind: 'direct', title: null, directKey: directKey(auth.user.id, otherId), createdAt: now },
      [
        { userId: auth.user.id, role: 'member' },
        { userId: otherId, role: 'member' },
      ],
    );
    if (created) await this.announceToUsers(conversation, [auth.user.id, otherId]);
    return conversation;
  }

  private async checkUsersExist(userIds: readonly string[]): Promise<void> {
    const found = await this.deps.store.getUsers(userIds);
    if (found.length !== userIds.length) {
      const known = new Set(found.map((u) => u.id));
      throw new AppError('not_found', 'Some users do not exist.', {
        details: { userIds: userIds.filter((id) => !known.has(id)) },
      });
    }
  }

  private checkSize(count: number): void {
    const max = this.deps.limits.maxGroupMembers;
    if (count > max) {
      throw new AppError('invalid_operation', `A group may have at most ${max} members.`, {
        details: { maxGroupMembers: max },
      });
    }
  }

  async createGroup(auth: AuthContext, title: string, memberIds: readonly string[]): Promise<Conversation> {
    const others = [...new Set(memberIds)].filter((id) => id !== auth.user.id);
    this.checkSize(others.length + 1);
    await this.checkUsersExist(others);
    const now = this.deps.clock.now();
    const id = newId('c', now);
    const result = await this.deps.store.transaction(async (tx) => {
      await tx.createConversation({ id, kind: 'group', title: title.trim(), directKey: null, createdAt: now }, [
        { userId: auth.user.id, role: 'owner' },
        ...others.map((userId) => ({ userId, role: 'member' as const })),
      ]);
      return this.record(tx, id, auth.user.id, {
        type: 'system',
        action: 'created',
        userIds: others,
        title: title.trim(),
      });
    });
    await this.announceToUsers(result.conversation, [auth.user.id, ...others]);
    await this.publishMessage(result);
    return result.conversation;
  }

  async rename(auth: AuthContext, conversationId: string, title: string): Promise<Conversation> {
    const conversation = await this.load(conversationId);
    refuse(canRename(conversation.kind, { role: this.roleOf(conversation, auth.user.id) }));
    const result = await this.deps.store.transaction(async (tx) => {
      await tx.setConversationTitle(conversationId, title.trim());
      return this.record(tx, conversationId, auth.user.id, { type: 'system', action: 'renamed', title: title.trim() });
    });
    await this.publishChange(result);
    return result.conversation;
  }

  async addMembers(auth: AuthContext, conversationId: string, userIds: readonly string[]): Promise<Conversation> {
    const conversation = await this.load(conversationId);
    refuse(canAddMembers(conversation.kind, { role: this.roleOf(conversation, auth.user.id) }));
    const wanted = [...new Set(userIds)].filter((id) => !this.roleOf(conversation, id));
    if (wanted.length === 0) return conversation;
    this.checkSize(conversation.members.length + wanted.length);
    await this.checkUsersExist(wanted);
    const now = this.deps.clock.now();
    const result = await this.deps.store.transaction(async (tx) => {
      const added = await tx.addMembers(
        conversationId,
        wanted.map((userId) => ({ userId, role: 'member' as const })),
        now,
      );
      return this.record(tx, conversationId, auth.user.id, { type: 'system', action: 'member.added', userIds: added });
    });
    await this.publishChange(result);
    await this.announceToUsers(result.conversation, wanted);
    return result.conversation;
  }

  async removeMember(auth: AuthContext, conversationId: string, userId: string): Promise<void> {
    const conversation = await this.load(conversationId);
    const target = this.roleOf(conversation, userId);
    refuse(
      canRemoveMember(
        conversation.kind,
        { role: this.roleOf(conversation, auth.user.id) },
        { role: target },
        userId === auth.user.id,
      ),
    );
    if (!target) throw new AppError('not_found', 'This user is not a member.');
    const result = await this.deps.store.transaction(async (tx) => {
      await tx.removeMember(conversationId, userId);
      return this.record(tx, conversationId, auth.user.id, {
        type: 'system',
        action: 'member.removed',
        userIds: [userId],
      });
    });
    await this.publishChange(result);
    await this.deps.bus.publish(topics.user(userId), { v: 1, type: 'conversation.removed', conversationId, userId });
  }

  async setRole(auth: AuthContext, conversationId: string, userId: string, role: Role): Promise<Conversation> {
    const conversation = await this.load(conversationId);
    const target = this.roleOf(conversation, userId);
    refuse(
      canSetRole(
        conversation.kind,
        { role: this.roleOf(conversation, auth.user.id) },
        { role: target },
        role,
        userId === auth.user.id,
      ),
    );
    if (!target) throw new AppError('not_found', 'This user is not a member.');
    if (target === role) return conversation;
    const result = await this.deps.store.transaction(async (tx) => {
      await tx.setMemberRole(conversationId, userId, role);
      return this.record(tx, conversationId, auth.user.id, {
        type: 'system',
        action: 'member.role',
        userIds: [userId],
        role,
      });
    });
    await this.publishChange(result);
    return result.conversation;
  }

  /** Leaves a group; an owner who leaves hands ownership to the longest-standing admin, else member. */
  async leave(auth: AuthContext, conversationId: string): Promise<void> {
    const conversation = await this.load(conversationId);
    const role = this.roleOf(conversation, auth.user.id);
    refuse(canLeave(conversation.kind, { role }));
    const result = await this.deps.store.transaction(async (tx) => {
      await tx.removeMember(conversationId, auth.user.id);
      if (role === 'owner') {
        const heir = nextOwner(conversation.members.filter((m) => m.userId !== auth.user.id));
        if (heir) await tx.setMemberRole(conversationId, heir.userId, 'owner');
      }
      return this.record(tx, conversationId, auth.user.id, {
        type: 'system',
        action: 'member.left',
        userIds: [auth.user.id],
      });
    });
    await this.publishChange(result);
    await this.deps.bus.publish(topics.user(auth.user.id), {
      v: 1,
      type: 'conversation.removed',
      conversationId,
      userId: auth.user.id,
    });
  }

  /** Appends a system message inside the caller's transaction and reloads the conversation. */
  private async record(tx: Store, conversationId: string, actorId: string, content: SystemContent) {
    const now = this.deps.clock.now();
    const id = newId('m', now);
    const { message } = await tx.appendMessage({
      id,
      conversationId,
      senderId: actorId,
      clientId: id,
      content,
      createdAt: now,
    });
    const conversation = await tx.getConversation(conversationId);
    if (!conversation) throw new AppError('not_found', 'No such conversation.');
    return { conversation, message };
  }

  private async publishMessage(result: Awaited<ReturnType<ConversationService['record']>>): Promise<void> {
    await this.deps.bus.publish(topics.conversation(result.conversation.id), {
      v: 1,
      type: 'message.new',
      message: result.message,
    });
  }

  private async publishChange(result: Awaited<ReturnType<ConversationService['record']>>): Promise<void> {
    const topic = topics.conversation(result.conversation.id);
    await this.deps.bus.publish(topic, { v: 1, type: 'conversation.updated', conversation: result.conversation });
    await this.publishMessage(result);
  }

  /** Tells users (on their personal topic) about a conversation they now belong to. */
  private async announceToUsers(conversation: Conversation, userIds: readonly string[]): Promise<void> {
    for (const userId of userIds) {
      await this.deps.bus.publish(topics.user(userId), { v: 1, type: 'conversation.updated', conversation });
    }
  }
}
