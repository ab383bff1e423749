/**
 * Direct, group and channel conversations: create, settings, joining, membership and
 * roles. Every change is written together with a system message in the conversation's
 * sequence (P5: devices see it in order with the messages) and with its events, in one
 * transaction (the outbox relay publishes them after the commit).
 *
 * Authorization reads the actor's own member row (`getMemberRecord`), never the member
 * list: a channel's `members` is empty and may stand for 100,000 people. A non-member
 * with an active ban is told `banned` (with its expiry) rather than `not_member`.
 */
import type {
  ChannelListing,
  Conversation,
  ConversationSettings,
  ConversationSummary,
  Member,
  NotifyLevel,
  PostPolicy,
  Role,
  SystemContent,
  Visibility,
} from '@parley/protocol';
import { E2EE_CIPHER_SUITE } from '@parley/protocol';
import { checkRoomNick } from '../domain/room-nick';
import { AppError } from '../domain/errors';
import { cleanName, cleanOptionalText } from '../domain/text';
import { directKey, newId } from '../domain/ids';
import { authorize, type Facts, type Operation, type Refusal } from '../domain/permissions';
import { topics } from '../ports/bus';
import type { ConversationPatch, MemberRecord, Page, Store } from '../ports/store';
import type { AuthContext } from './accounts';
import type { AudienceChanges } from './audience-changes';
import type { ContactService } from './contacts';
import type { ServiceDeps } from './deps';
import { RateLimits } from './rate-limits';

const refusalMessages: Record<Refusal, string> = {
  forbidden: 'Your role in this conversation does not allow this.',
  not_member: 'You are not a member of this conversation.',
  invalid_operation: 'This operation does not apply to this conversation.',
  conversation_archived: 'This conversation is archived: it is read-only until its owner unarchives it.',
};

/** A conversation title as stored: a name (text rules), never blank. */
function checkTitle(raw: string): string {
  const title = cleanName('title', raw);
  if (title === '') throw new AppError('bad_request', 'The title is empty.');
  return title;
}

export function refuse(refusal: Refusal | null): void {
  if (refusal) throw new AppError(refusal, refusalMessages[refusal]);
}

/** A conversation and the actor's member row (undefined: not a member). */
export interface Access {
  conversation: Conversation;
  member: MemberRecord | undefined;
}

export interface CreateChannelInput {
  title: string;
  visibility: Visibility;
  postPolicy?: PostPolicy | undefined;
  topic?: string | undefined;
  description?: string | undefined;
  memberIds?: readonly string[] | undefined;
  /** A chosen id (an XMPP room created by joining `<id>@conference`); generated when absent. */
  id?: string | undefined;
}

/** `members: false`: a group is loaded without its member list (authorization only). */
export interface LoadOptions {
  members?: boolean;
}

export type ConversationUpdate = ConversationSettings & { title?: string | undefined };

type Recorded = { conversation: Conversation; message: Awaited<ReturnType<Store['appendMessage']>>['message'] };

export class ConversationService {
  private readonly rates: RateLimits;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly contacts: ContactService,
    private readonly audience: AudienceChanges,
  ) {
    this.rates = new RateLimits(deps.rates, deps.logger);
  }

  /**
   * Counts a join, invite acceptance or leave against the actor's budget
   * (PARLEY_RATE_MEMBERSHIP_PER_MIN): each posts a system message to every member,
   * so a loop must not flood a large channel. Called once the change is allowed and
   * about to happen, so refused or no-op requests cost nothing.
   */
  checkMembershipRate(userId: string): Promise<void> {
    return this.rates.membershipChange(userId);
  }

  /**
   * Loads a conversation; `not_found` when it does not exist. `members: false` leaves
   * a group's member list empty (`memberCount` stays exact): what only authorizes.
   */
  async load(conversationId: string, options: LoadOptions = {}): Promise<Conversation> {
    const conversation = await this.deps.store.getConversation(conversationId, options);
    if (!conversation) throw new AppError('not_found', 'No such conversation.');
    return conversation;
  }

  /** The conversation and the actor's own member row: two indexed reads whatever the size. */
  async access(auth: AuthContext, conversationId: string, options: LoadOptions = {}): Promise<Access> {
    const [conversation, member] = await Promise.all([
      this.load(conversationId, options),
      this.deps.store.getMemberRecord(conversationId, auth.user.id),
    ]);
    return { conversation, member };
  }

  /**
   * Loads and authorizes one operation for the actor (see domain/permissions.ts). A
   * non-member with an active ban gets `banned` with `details.expiresAt`.
   */
  async authorize(
    auth: AuthContext,
    conversationId: string,
    operation: Operation,
    facts: Partial<Pick<Facts, 'targetRole' | 'self' | 'newRole'>> = {},
    options: LoadOptions = {},
  ): Promise<Access & { member: MemberRecord }> {
    const access = await this.access(auth, conversationId, options);
    const { conversation, member } = access;
    const refusal = authorize(operation, {
      kind: conversation.kind,
      postPolicy: conversation.postPolicy,
      role: member?.role,
      archived: conversation.archivedAt !== undefined,
      ...facts,
    });
    if (refusal === 'not_member') await this.checkNotBanned(conversationId, auth.user.id);
    refuse(refusal);
    if (!member) throw new AppError('not_member', refusalMessages.not_member);
    return { conversation, member };
  }

  /** An archived group or channel takes no one new (read-only for everyone, ADR 0020). */
  checkNotArchived(conversation: Pick<Conversation, 'archivedAt'>): void {
    refuse(conversation.archivedAt === undefined ? null : 'conversation_archived');
  }

  /** @throws AppError('banned') while the user has an active ban in the conversation. */
  async checkNotBanned(conversationId: string, userId: string): Promise<void> {
    const ban = await this.deps.store.getActiveBan(conversationId, userId, this.deps.clock.now());
    if (ban) {
      throw new AppError('banned', 'You are banned from this conversation.', {
        details: { expiresAt: ban.expiresAt },
      });
    }
  }

  async get(auth: AuthContext, conversationId: string): Promise<Conversation> {
    return (await this.authorize(auth, conversationId, 'read')).conversation;
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
    const other = await this.deps.store.getUser(otherId);
    if (!other || other.deletedAt !== null) throw new AppError('not_found', 'No such user.');
    await this.contacts.checkNotBlocked(auth.user.id, otherId);
    const now = this.deps.clock.now();
    const result = await this.deps.store.transaction(async (tx) => {
      const created = await tx.createConversation(
        {
          id: newId('c', now),
          kind: 'direct',
          title: null,
          directKey: directKey(auth.user.id, otherId),
          createdAt: now,
        },
        // Opening it is the creator's act, not the other person's: only the creator takes part.
        [
          { userId: auth.user.id, role: 'member', tookPart: true },
          { userId: otherId, role: 'member' },
        ],
      );
      if (created.created) await this.emitToUsers(tx, created.conversation, [auth.user.id, otherId]);
      return created;
    });
    if (result.created) await this.audience.tookPart(auth.user.id, [otherId]);
    return result.conversation;
  }

  private async checkUsersExist(userIds: readonly string[]): Promise<void> {
    // A deleted account (accounts.ts: deleteAccount) can no longer be added anywhere.
    const found = (await this.deps.store.getUsers(userIds)).filter((u) => u.deletedAt === null);
    if (found.length !== userIds.length) {
      const known = new Set(found.map((u) => u.id));
      throw new AppError('not_found', 'Some users do not exist.', {
        details: { userIds: userIds.filter((id) => !known.has(id)) },
      });
    }
  }

  /** Groups are bounded by PARLEY_MAX_GROUP_MEMBERS; channels are not. */
  private checkSize(conversation: Pick<Conversation, 'kind'>, count: number): void {
    const max = this.deps.limits.maxGroupMembers;
    if (conversation.kind === 'group' && count > max) {
      throw new AppError('invalid_operation', `A group may have at most ${max} members.`, {
        details: { maxGroupMembers: max },
      });
    }
  }

  /** Banned users cannot be added (nor join, nor accept an invite). */
  private async checkNoneBanned(conversationId: string, userIds: readonly string[]): Promise<void> {
    const now = this.deps.clock.now();
    for (const userId of userIds) {
      const ban = await this.deps.store.getActiveBan(conversationId, userId, now);
      if (ban) {
        throw new AppError('banned', 'This user is banned from this conversation.', {
          details: { userId, expiresAt: ban.expiresAt },
        });
      }
    }
  }

  /** A group; the creator is its owner. `options.id` chooses the id (XMPP rooms created by joining). */
  async createGroup(
    auth: AuthContext,
    rawTitle: string,
    memberIds: readonly string[],
    options: { id?: string | undefined; encryption?: 'mls' | undefined } = {},
  ): Promise<Conversation> {
    const title = checkTitle(rawTitle);
    // An encrypted group starts as an MLS group of the creator's device alone (epoch 0); its
    // first commit adds the other members' devices.
    const device = options.encryption === 'mls' ? await this.deps.store.getDevice(auth.session.id) : undefined;
    if (options.encryption === 'mls' && (!device || device.userId !== auth.user.id)) {
      throw new AppError(
        'e2ee_no_device',
        'Register this session as an encryption device before creating an encrypted group.',
      );
    }
    const others = [...new Set(memberIds)].filter((id) => id !== auth.user.id);
    this.checkSize({ kind: 'group' }, others.length + 1);
    await this.checkUsersExist(others);
    await this.contacts.checkMayAdd(auth, others);
    const now = this.deps.clock.now();
    await this.checkNewId(options.id);
    const id = options.id ?? newId('c', now);
    const result = await this.deps.store.transaction(async (tx) => {
      // The creator takes part; the people they added have not (yet): being added reveals nothing.
      await tx.createConversation(
        {
          id,
          kind: 'group',
          title,
          directKey: null,
          createdAt: now,
          ...(options.encryption === 'mls' ? { encryption: 'mls' as const } : {}),
        },
        [
          { userId: auth.user.id, role: 'owner', tookPart: true },
          ...others.map((userId) => ({ userId, role: 'member' as const })),
        ],
      );
      if (device) {
        await tx.createGroup({ conversationId: id, cipherSuite: E2EE_CIPHER_SUITE, epoch: 0 }, [device], now);
      }
      const created = await this.record(tx, id, auth.user.id, {
        type: 'system',
        action: 'created',
        userIds: others,
        title,
      });
      await this.emitToUsers(tx, created.conversation, [auth.user.id, ...others]);
      await this.emitMessage(tx, created);
      return created;
    });
    await this.audience.tookPart(auth.user.id, others);
    return result.conversation;
  }

  /** A chosen id must be a valid id that no conversation has. */
  private async checkNewId(id: string | undefined): Promise<void> {
    if (id === undefined) return;
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new AppError('bad_request', 'Not a valid conversation id.');
    if (await this.deps.store.getConversation(id)) {
      throw new AppError('invalid_operation', 'A conversation with this id exists.');
    }
  }

  /** A channel; the creator is its owner, `memberIds` (at most 1000) join as members. */
  async createChannel(auth: AuthContext, input: CreateChannelInput): Promise<Conversation> {
    const title = checkTitle(input.title);
    const topic = cleanOptionalText('topic', input.topic);
    const description = cleanOptionalText('description', input.description);
    const others = [...new Set(input.memberIds ?? [])].filter((id) => id !== auth.user.id);
    await this.checkUsersExist(others);
    await this.contacts.checkMayAdd(auth, others);
    const now = this.deps.clock.now();
    await this.checkNewId(input.id);
    const id = input.id ?? newId('c', now);
    const result = await this.deps.store.transaction(async (tx) => {
      await tx.createConversation(
        {
          id,
          kind: 'channel',
          title,
          directKey: null,
          createdAt: now,
          visibility: input.visibility,
          postPolicy: input.postPolicy ?? 'everyone',
          topic: topic ?? null,
          description: description ?? null,
        },
        [
          { userId: auth.user.id, role: 'owner', tookPart: true },
          ...others.map((userId) => ({ userId, role: 'member' as const })),
        ],
      );
      const created = await this.record(tx, id, auth.user.id, {
        type: 'system',
        action: 'created',
        userIds: others,
        title,
      });
      await this.emitToUsers(tx, created.conversation, [auth.user.id, ...others]);
      await this.emitMessage(tx, created);
      return created;
    });
    return result.conversation;
  }

  /** The public channel directory, most members first. */
  async directory(
    auth: AuthContext,
    options: { query?: string | undefined; cursor?: string | undefined; limit?: number | undefined },
  ): Promise<Page<ChannelListing>> {
    const query = cleanOptionalText('query', options.query);
    return this.deps.store.listPublicChannels(auth.user.id, {
      limit: Math.min(options.limit ?? 50, 100),
      ...(query === undefined ? {} : { query }),
      ...(options.cursor === undefined ? {} : { cursor: options.cursor }),
    });
  }

  /** Joins a public channel (idempotent). Private channels take an invite; groups are joined by being added. */
  async join(auth: AuthContext, conversationId: string): Promise<Conversation> {
    const { conversation, member } = await this.access(auth, conversationId);
    if (member) return conversation;
    if (conversation.kind !== 'channel') {
      throw new AppError('invalid_operation', 'Only channels can be joined; ask an admin to add you.');
    }
    await this.checkNotBanned(conversationId, auth.user.id);
    if (conversation.visibility !== 'public') {
      throw new AppError('forbidden', 'This channel is private: you need an invite.');
    }
    await this.checkMembershipRate(auth.user.id);
    return this.admit(auth.user.id, conversation);
  }

  /**
   * Makes a user a member (public join, accepted invite) with a `member.joined` system
   * message. The caller has checked bans and the way in.
   */
  async admit(userId: string, conversation: Conversation): Promise<Conversation> {
    this.checkNotArchived(conversation);
    this.checkSize(conversation, conversation.memberCount + 1);
    const now = this.deps.clock.now();
    const result = await this.deps.store.transaction(async (tx) => {
      // Joining (or accepting an invite) is the user's own act: they take part.
      const added = await tx.addMembers(conversation.id, [{ userId, role: 'member', tookPart: true }], now);
      if (added.length === 0) return null; // joined concurrently: nothing to record
      const joined = await this.record(tx, conversation.id, userId, {
        type: 'system',
        action: 'member.joined',
        userIds: [userId],
      });
      await this.emitChange(tx, joined);
      await this.emitToUsers(tx, joined.conversation, [userId]);
      return joined;
    });
    if (!result) return this.load(conversation.id);
    if (result.conversation.kind !== 'channel') {
      await this.audience.tookPart(
        userId,
        result.conversation.members.map((m) => m.userId),
      );
    }
    return result.conversation;
  }

  /** The conversation, if the actor may change its settings (before a picture is stored for it). */
  async checkEditSettings(auth: AuthContext, conversationId: string): Promise<Conversation> {
    return (await this.authorize(auth, conversationId, 'editSettings')).conversation;
  }

  /** Renames (kept for the XMPP subject and older clients): `update` with a title. */
  async rename(auth: AuthContext, conversationId: string, title: string): Promise<Conversation> {
    return this.update(auth, conversationId, { title });
  }

  /**
   * Changes the title and settings (owners and admins). A new title is a `renamed`
   * system message, other changes one `settings.changed` with the changed values;
   * values equal to the current ones are not changes, and no change records nothing.
   */
  async update(auth: AuthContext, conversationId: string, patch: ConversationUpdate): Promise<Conversation> {
    const { conversation } = await this.authorize(auth, conversationId, 'editSettings');
    if (conversation.kind !== 'channel' && (patch.visibility !== undefined || patch.postPolicy !== undefined)) {
      throw new AppError('invalid_operation', 'Visibility and post policy apply to channels only.');
    }
    const title = patch.title === undefined ? undefined : checkTitle(patch.title);
    const topic = cleanOptionalText('topic', patch.topic);
    const description = cleanOptionalText('description', patch.description);
    const avatarUrl = cleanOptionalText('avatarUrl', patch.avatarUrl);
    const settings: ConversationSettings = {};
    if (avatarUrl !== undefined && avatarUrl !== conversation.avatarUrl) settings.avatarUrl = avatarUrl;
    if (topic !== undefined && topic !== conversation.topic) settings.topic = topic;
    if (description !== undefined && description !== conversation.description) settings.description = description;
    if (patch.visibility !== undefined && patch.visibility !== conversation.visibility) {
      settings.visibility = patch.visibility;
    }
    if (patch.postPolicy !== undefined && patch.postPolicy !== conversation.postPolicy) {
      settings.postPolicy = patch.postPolicy;
    }
    if (patch.slowModeSeconds !== undefined && patch.slowModeSeconds !== conversation.slowModeSeconds) {
      settings.slowModeSeconds = patch.slowModeSeconds;
    }
    const renamed = title !== undefined && title !== conversation.title;
    const changed = Object.keys(settings).length > 0;
    if (!renamed && !changed) return conversation;
    const results = await this.deps.store.transaction(async (tx) => {
      const storePatch: ConversationPatch = { ...settings, ...(renamed ? { title } : {}) };
      await tx.updateConversation(conversationId, storePatch);
      const recorded: Recorded[] = [];
      if (renamed) {
        recorded.push(
          await this.record(tx, conversationId, auth.user.id, { type: 'system', action: 'renamed', title }),
        );
      }
      if (changed) {
        recorded.push(
          await this.record(tx, conversationId, auth.user.id, { type: 'system', action: 'settings.changed', settings }),
        );
      }
      await this.emitChanges(tx, recorded);
      return recorded;
    });
    return results.at(-1)?.conversation ?? conversation;
  }

  async addMembers(auth: AuthContext, conversationId: string, userIds: readonly string[]): Promise<Conversation> {
    const { conversation } = await this.authorize(auth, conversationId, 'addMembers');
    const requested = [...new Set(userIds)];
    const existing = await Promise.all(requested.map((id) => this.deps.store.getMember(conversationId, id)));
    const wanted = requested.filter((_, i) => !existing[i]);
    if (wanted.length === 0) return conversation;
    this.checkSize(conversation, conversation.memberCount + wanted.length);
    await this.checkUsersExist(wanted);
    await this.contacts.checkMayAdd(auth, wanted);
    await this.checkNoneBanned(conversationId, wanted);
    const now = this.deps.clock.now();
    const result = await this.deps.store.transaction(async (tx) => {
      const added = await tx.addMembers(
        conversationId,
        wanted.map((userId) => ({ userId, role: 'member' as const })),
        now,
      );
      if (added.length === 0) return null;
      const recorded = await this.record(tx, conversationId, auth.user.id, {
        type: 'system',
        action: 'member.added',
        userIds: added,
      });
      await this.emitChange(tx, recorded);
      await this.emitToUsers(tx, recorded.conversation, added);
      return recorded;
    });
    if (!result) return this.load(conversationId);
    return result.conversation;
  }

  /** Loads the target's member row and authorizes a targeted operation (kick, ban, mute, setRole). */
  async authorizeOnMember(
    auth: AuthContext,
    conversationId: string,
    operation: Operation,
    targetId: string,
    newRole?: Role,
  ): Promise<Access & { member: MemberRecord; target: Member | undefined }> {
    const target = await this.deps.store.getMember(conversationId, targetId);
    const access = await this.authorize(auth, conversationId, operation, {
      targetRole: target?.role,
      self: targetId === auth.user.id,
      ...(newRole === undefined ? {} : { newRole }),
    });
    return { ...access, target };
  }

  /** Removes (kicks) a member; they may come back (join, invite), unlike a ban. */
  async removeMember(auth: AuthContext, conversationId: string, userId: string): Promise<void> {
    const { target } = await this.authorizeOnMember(auth, conversationId, 'kick', userId);
    if (!target) throw new AppError('not_found', 'This user is not a member.');
    await this.deps.store.transaction(async (tx) => {
      await tx.removeMember(conversationId, userId);
      const recorded = await this.record(tx, conversationId, auth.user.id, {
        type: 'system',
        action: 'member.removed',
        userIds: [userId],
      });
      await this.emitChange(tx, recorded);
      await this.emitRemoved(tx, conversationId, userId);
    });
  }

  async setRole(auth: AuthContext, conversationId: string, userId: string, role: Role): Promise<Conversation> {
    const { conversation, target } = await this.authorizeOnMember(auth, conversationId, 'setRole', userId, role);
    if (!target) throw new AppError('not_found', 'This user is not a member.');
    if (target.role === role) return conversation;
    const result = await this.deps.store.transaction(async (tx) => {
      await tx.setMemberRole(conversationId, userId, role);
      const recorded = await this.record(tx, conversationId, auth.user.id, {
        type: 'system',
        action: 'member.role',
        userIds: [userId],
        role,
      });
      await this.emitChange(tx, recorded);
      return recorded;
    });
    return result.conversation;
  }

  /**
   * Leaves; an owner who leaves hands ownership to the highest-ranked, longest-standing
   * member (one query: a channel's members are never loaded).
   */
  async leave(auth: AuthContext, conversationId: string): Promise<void> {
    const { member } = await this.authorize(auth, conversationId, 'leave');
    await this.checkMembershipRate(auth.user.id);
    await this.deps.store.transaction(async (tx) => {
      await tx.removeMember(conversationId, auth.user.id);
      const left = await this.record(tx, conversationId, auth.user.id, {
        type: 'system',
        action: 'member.left',
        userIds: [auth.user.id],
      });
      const recorded = [left];
      const heir = member.role === 'owner' ? await tx.findHeir(conversationId, auth.user.id) : undefined;
      if (heir) {
        await tx.setMemberRole(conversationId, heir.userId, 'owner');
        recorded.push(
          await this.record(tx, conversationId, auth.user.id, {
            type: 'system',
            action: 'member.role',
            userIds: [heir.userId],
            role: 'owner',
          }),
        );
      }
      await this.emitChanges(tx, recorded);
      await this.emitRemoved(tx, conversationId, auth.user.id);
    });
  }

  /** Your notification level for one conversation; your other devices get `member.updated`. */
  async setNotifyLevel(auth: AuthContext, conversationId: string, level: NotifyLevel): Promise<void> {
    const { member } = await this.authorize(auth, conversationId, 'read');
    if (member.notifyLevel === level) return;
    await this.deps.store.write(`${conversationId}:${auth.user.id}`, async (tx) => {
      await tx.setNotifyLevel(conversationId, auth.user.id, level);
      await tx.emit(topics.user(auth.user.id), {
        v: 1,
        type: 'member.updated',
        userId: auth.user.id,
        conversationId,
        notifyLevel: level,
      });
    });
  }

  /** One member of a conversation the actor may read (undefined: not a member); never loads the member list. */
  async member(auth: AuthContext, conversationId: string, userId: string): Promise<Member | undefined> {
    await this.authorize(auth, conversationId, 'read', {}, { members: false });
    return this.deps.store.getMember(conversationId, userId);
  }

  /** A page of members by user id (any member may list them; channels page 100,000 this way). */
  async members(
    auth: AuthContext,
    conversationId: string,
    options: { cursor?: string | undefined; limit?: number | undefined },
  ): Promise<Page<Member>> {
    await this.authorize(auth, conversationId, 'read', {}, { members: false });
    return this.deps.store.listMembers(conversationId, {
      limit: Math.min(options.limit ?? 100, 500),
      ...(options.cursor === undefined ? {} : { cursor: options.cursor }),
    });
  }

  /**
   * Room nicknames (XEP-0045) of these members, their username when none is stored.
   * No authorization here: the caller (the XMPP gateway) has authorized the room.
   */
  async roomNicks(conversationId: string, userIds: readonly string[]): Promise<Map<string, string>> {
    const stored = await this.deps.store.roomNicks(conversationId, userIds);
    const missing = [...new Set(userIds)].filter((id) => !stored.has(id));
    if (missing.length > 0) {
      for (const user of await this.deps.store.getUsers(missing)) stored.set(user.id, user.username);
    }
    return stored;
  }

  /** The member whose room nickname folds to `fold` (no authorization: the caller has authorized the room). */
  roomNickHolder(conversationId: string, fold: string): Promise<string | undefined> {
    return this.deps.store.roomNickHolder(conversationId, fold);
  }

  /**
   * The member's room nickname becomes `raw` (domain/room-nick.ts rules). Refused
   * ('taken') when another member's nickname or any other user's username has the
   * same fold, so that nobody appears under a user's default nickname (their
   * username); the database's unique index decides between concurrent claims, on
   * any node. A change emits `room.nick` to the conversation's topic (XMPP occupants
   * see the 303 nick change). Choosing one's own username clears the stored nickname.
   */
  async setRoomNick(
    auth: AuthContext,
    conversationId: string,
    raw: string,
  ): Promise<
    { ok: true; nick: string } | { ok: false; reason: 'taken' } | { ok: false; reason: 'invalid'; text: string }
  > {
    const checked = checkRoomNick(raw);
    if (!checked.ok) return { ok: false, reason: 'invalid', text: checked.reason };
    const me = auth.user;
    const before = (await this.roomNicks(conversationId, [me.id])).get(me.id) ?? me.username;
    if (before === checked.nick) return { ok: true, nick: before };
    const owner = await this.deps.store.getUserByUsername(checked.fold);
    if (owner && owner.id !== me.id) return { ok: false, reason: 'taken' };
    const value = checked.nick === me.username ? null : { nick: checked.nick, fold: checked.fold };
    const result = await this.deps.store.transaction(async (tx) => {
      const set = await tx.setRoomNick(conversationId, me.id, value);
      if (set === 'set') {
        await tx.emit(topics.conversation(conversationId), {
          v: 1,
          type: 'room.nick',
          conversationId,
          userId: me.id,
          before,
          after: checked.nick,
        });
      }
      return set;
    });
    if (result === 'taken') return { ok: false, reason: 'taken' };
    if (result === 'not_member') throw new AppError('not_member', 'You are not a member of this conversation.');
    return { ok: true, nick: checked.nick };
  }

  /** Appends a system message inside the caller's transaction and reloads the conversation. */
  async record(tx: Store, conversationId: string, actorId: string, content: SystemContent): Promise<Recorded> {
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

  /** Records the `message.new` event of a recorded system message (in the caller's transaction). */
  async emitMessage(tx: Store, result: Recorded): Promise<void> {
    await tx.emit(topics.conversation(result.conversation.id), { v: 1, type: 'message.new', message: result.message });
  }

  /** `conversation.updated` to the members, then the system message. */
  async emitChange(tx: Store, result: Recorded): Promise<void> {
    await this.emitChanges(tx, [result]);
  }

  /** One `conversation.updated` (the conversation as the last change left it), then each system message. */
  async emitChanges(tx: Store, results: readonly Recorded[]): Promise<void> {
    const last = results.at(-1);
    if (!last) return;
    const topic = topics.conversation(last.conversation.id);
    await tx.emit(topic, { v: 1, type: 'conversation.updated', conversation: last.conversation });
    for (const result of results) await this.emitMessage(tx, result);
  }

  /** Tells a user who is no longer a member (their devices unsubscribe). */
  async emitRemoved(tx: Store, conversationId: string, userId: string): Promise<void> {
    await tx.emit(topics.user(userId), { v: 1, type: 'conversation.removed', conversationId, userId });
  }

  /** Tells users (on their personal topic) about a conversation they now belong to. */
  async emitToUsers(tx: Store, conversation: Conversation, userIds: readonly string[]): Promise<void> {
    for (const userId of userIds) {
      await tx.emit(topics.user(userId), { v: 1, type: 'conversation.updated', conversation });
    }
  }
}
