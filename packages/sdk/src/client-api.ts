/**
 * The grouped operations of ParleyClient (`client.messages`, `client.conversations`,
 * ...). Each is a thin, typed call: over the WebSocket when the operation exists
 * only there (typing, receipts, presence.set) or when it is open and faster
 * (history, presence.get), over HTTP otherwise. No state lives here; sending
 * goes through the outbox owned by the client.
 */
import type {
  Contact,
  Conversation,
  ConversationSummary,
  ConversationFilesQuery,
  HistoryQuery,
  Message,
  Presence,
  Role,
  Session,
  SettablePresence,
  PrivacySettings,
  ThreadListing,
  UpdateContactBody,
  UpdatePrivacyBody,
  UpdateProfileBody,
  User,
  UserSearchResponse,
} from '@parley/protocol';
import type { Component, Member, NotifyLevel, UpdateConversationBody } from '@parley/protocol';
import type { Connection } from './connection';
import { ParleyError, toParleyError } from './errors';
import { checkedText } from './text-check';
import type { HttpClient } from './http';
import { isValidId } from './ids';
import type { Outbox, OutboxEntry } from './outbox';
import type { HistoryPage } from './sync';

/** What the API groups need from the client. */
export interface ApiContext {
  readonly http: HttpClient;
  readonly connection: Connection;
  readonly outbox: Outbox;
}

/** Sending and reading messages. */
export class MessagesApi {
  constructor(private readonly ctx: ApiContext) {}

  /**
   * Queues a text message and resolves with the stored message once the server
   * acknowledged it. Works offline: the message is sent (with the same client id
   * on every retry, so never twice) when the connection is up, in order with the
   * other messages of the conversation. Rejects on a non-retryable error
   * (`not_member`, `blocked`, `muted`, `message_too_large`...) or when the client is closed.
   * A text the server would refuse (a control character, a lone surrogate: `invalid_text`,
   * see the protocol's text rules) is rejected at once, without queuing; CR LF is sent as LF.
   * `@username`, `@here` and `@channel` in the text are mentions: the server works them out.
   *
   * @param options.clientId your own id for the message (`^[A-Za-z0-9_-]{1,64}$`), e.g. to persist an outbox
   * @param options.replyTo the id of a message of the same conversation to quote
   * @param options.threadId the id of the root message: the message is a reply in its thread
   * @param options.linkPreviews false: the server fetches no link previews for this message
   *   (otherwise, on a server with `limits.linkPreviews`, they arrive later as a
   *   `link_previews.set` update: fold it with {@link applyUpdate})
   * @param options.components buttons and a select menu (bots only; docs/bots.md)
   *
   * @example
   * ```ts
   * await client.messages.send(channelId, 'agreed', { threadId: root.id, replyTo: question.id });
   * ```
   */
  send(
    conversationId: string,
    text: string,
    options: {
      clientId?: string;
      replyTo?: string;
      threadId?: string;
      linkPreviews?: boolean;
      components?: Component[];
    } = {},
  ): Promise<Message> {
    if (options.clientId !== undefined && !isValidId(options.clientId)) {
      return Promise.reject(new ParleyError('bad_request', 'clientId must match ^[A-Za-z0-9_-]{1,64}$'));
    }
    if (text.length === 0) return Promise.reject(new ParleyError('bad_request', 'text must not be empty'));
    let stored: string;
    try {
      stored = checkedText('text', text);
    } catch (error) {
      return Promise.reject(toParleyError(error));
    }
    // Buttons and menus (bots only: docs/bots.md, "Interactive messages").
    const components = options.components?.length ? { components: options.components } : {};
    return this.ctx.outbox.enqueue(conversationId, { type: 'text', text: stored, ...components }, options.clientId, {
      replyTo: options.replyTo,
      threadId: options.threadId,
      linkPreviews: options.linkPreviews,
    });
  }

  /**
   * Forwards a message you may read to another conversation, through the outbox like
   * `send`. The copy carries `forwardedFrom` (the original sender and time), not the
   * source conversation.
   */
  forward(messageId: string, toConversationId: string, options: { clientId?: string } = {}): Promise<Message> {
    if (options.clientId !== undefined && !isValidId(options.clientId)) {
      return Promise.reject(new ParleyError('bad_request', 'clientId must match ^[A-Za-z0-9_-]{1,64}$'));
    }
    return this.ctx.outbox.enqueue(toConversationId, { type: 'forward', messageId }, options.clientId);
  }

  /**
   * Replaces the text of your own message (within the server's `editWindowSeconds`,
   * see `limits`); resolves with the message as it is now. Every device receives the
   * change as an `update` entry: fold it with {@link applyUpdate}.
   */
  async edit(messageId: string, text: string): Promise<Message> {
    return (await this.ctx.connection.request('message.edit', { messageId, text })).message;
  }
  /** Deletes a message (yours, or anyone's as a moderator): it becomes a tombstone. */
  async delete(messageId: string): Promise<Message> {
    return (await this.ctx.connection.request('message.delete', { messageId })).message;
  }
  /** Adds your reaction (one emoji); reacting twice with the same emoji changes nothing. */
  async react(messageId: string, emoji: string): Promise<Message> {
    return (await this.ctx.connection.request('reaction.set', { messageId, emoji, reacted: true })).message;
  }
  /** Removes your reaction. */
  async unreact(messageId: string, emoji: string): Promise<Message> {
    return (await this.ctx.connection.request('reaction.set', { messageId, emoji, reacted: false })).message;
  }
  /** Pins a message to its conversation (moderators and above; both people in a direct conversation). */
  async pin(messageId: string): Promise<Message> {
    return (await this.ctx.connection.request('message.pin', { messageId, pinned: true })).message;
  }
  /** Unpins a message. */
  async unpin(messageId: string): Promise<Message> {
    return (await this.ctx.connection.request('message.pin', { messageId, pinned: false })).message;
  }
  /**
   * Removes the link previews of your own message, for good (a later edit brings none
   * back). Every device receives a `link_previews.removed` update.
   */
  async removeLinkPreviews(messageId: string): Promise<Message> {
    return (await this.ctx.connection.request('link_previews.remove', { messageId })).message;
  }
  /** The pinned messages of a conversation, most recently pinned first (HTTP). */
  async pins(conversationId: string): Promise<Message[]> {
    return (await this.ctx.http.pins(conversationId)).messages;
  }
  /**
   * One message by id, as history shows it now (a tombstone once deleted, with my
   * reactions), if I may read its conversation; `not_found` otherwise (HTTP).
   */
  async get(messageId: string): Promise<Message> {
    return (await this.ctx.http.message(messageId)).message;
  }
  /** Who reacted with one emoji, earliest first, a page at a time (HTTP). */
  reactionUsers(
    messageId: string,
    emoji: string,
    options: { cursor?: string; limit?: number } = {},
  ): Promise<{ userIds: string[]; nextCursor: string | null }> {
    return this.ctx.http.reactionUsers(messageId, { emoji, ...options });
  }

  /**
   * Queues a message carrying a file you uploaded (`client.files.upload`), like
   * {@link send}: the server fills in name, size, sniffed type and media details.
   * Rejects with `not_found` for a file that is not yours, `file_not_ready` for an
   * upload that has not finished. Like a text, a file can quote a message (`replyTo`)
   * or be a reply in a thread (`threadId`); `@mentions` in the caption count.
   */
  sendFile(
    conversationId: string,
    fileId: string,
    options: { caption?: string; clientId?: string; replyTo?: string; threadId?: string } = {},
  ): Promise<Message> {
    if (options.clientId !== undefined && !isValidId(options.clientId)) {
      return Promise.reject(new ParleyError('bad_request', 'clientId must match ^[A-Za-z0-9_-]{1,64}$'));
    }
    let caption: { caption?: string } = {};
    try {
      if (options.caption?.trim()) caption = { caption: checkedText('caption', options.caption) };
    } catch (error) {
      return Promise.reject(toParleyError(error));
    }
    return this.ctx.outbox.enqueue(conversationId, { type: 'file', fileId, ...caption }, options.clientId, {
      replyTo: options.replyTo,
      threadId: options.threadId,
    });
  }

  /**
   * A page of history, ascending by seq: `before` for scrollback (the newest
   * messages below it), `after` for the messages that follow a seq; with `threadId`,
   * only the replies of that thread. Messages are in their current state (edits,
   * reactions and pins applied; `rev` says up to which update).
   */
  history(conversationId: string, query: HistoryQuery = {}): Promise<HistoryPage> {
    if (this.ctx.connection.isOpen) return this.ctx.connection.request('history', { conversationId, ...query });
    return this.ctx.http.history(conversationId, query);
  }

  /**
   * A conversation's "media and files": its file messages, newest first, a page at a
   * time (HTTP). `kind: 'media'` lists images and videos, `'files'` everything else.
   * For the next page pass `before` = the last message's seq while `hasMore` is true.
   *
   * ```ts
   * const page = await client.messages.files(conversationId, { kind: 'media', limit: 30 });
   * const older = await client.messages.files(conversationId, { kind: 'media', before: page.messages.at(-1)!.seq });
   * ```
   */
  files(conversationId: string, query: ConversationFilesQuery): Promise<{ messages: Message[]; hasMore: boolean }> {
    return this.ctx.http.conversationFiles(conversationId, query);
  }

  /** Messages queued and not yet acknowledged, in send order per conversation. */
  pending(): OutboxEntry[] {
    return this.ctx.outbox.pending();
  }
}

/** Creating, listing and managing conversations (HTTP). */
export class ConversationsApi {
  constructor(private readonly ctx: ApiContext) {}

  /** Your conversations with their last message and unread count. */
  async list(): Promise<ConversationSummary[]> {
    return (await this.ctx.http.listConversations()).conversations;
  }
  /** One conversation you are a member of. */
  async get(conversationId: string): Promise<Conversation> {
    return (await this.ctx.http.getConversation(conversationId)).conversation;
  }
  /** The direct conversation with a user, created on first use. */
  async createDirect(userId: string): Promise<Conversation> {
    return (await this.ctx.http.createDirect({ userId })).conversation;
  }
  /** A new group with you as owner. */
  async createGroup(title: string, memberIds: string[] = []): Promise<Conversation> {
    return (await this.ctx.http.createGroup({ title, memberIds })).conversation;
  }
  /** Renames a group. */
  async rename(conversationId: string, title: string): Promise<Conversation> {
    return (await this.ctx.http.renameConversation(conversationId, { title })).conversation;
  }
  /**
   * Sets a group's or channel's picture from an image (owners and admins; PNG, JPEG, GIF or
   * WebP, at most 5 MiB): stored as a 256 px WebP square; members see `settings.changed`.
   * `update(id, { avatarUrl: null })` removes it.
   */
  async uploadAvatar(conversationId: string, image: Blob | Uint8Array, type: string): Promise<Conversation> {
    return (await this.ctx.http.uploadConversationAvatar(conversationId, image, type)).conversation;
  }
  /** Adds members to a group. */
  async addMembers(conversationId: string, userIds: string[]): Promise<Conversation> {
    return (await this.ctx.http.addMembers(conversationId, { userIds })).conversation;
  }
  /** Removes a member from a group. */
  removeMember(conversationId: string, userId: string): Promise<void> {
    return this.ctx.http.removeMember(conversationId, userId);
  }
  /** Changes a member's role. */
  async setRole(conversationId: string, userId: string, role: Role): Promise<Conversation> {
    return (await this.ctx.http.setRole(conversationId, userId, { role })).conversation;
  }
  /** Leaves a group. */
  leave(conversationId: string): Promise<void> {
    return this.ctx.http.leave(conversationId);
  }
  /**
   * Archives a group or channel (its owner or admins): read-only for everyone (posting,
   * reacting, editing, pinning and joining fail with `conversation_archived`), still
   * readable and searchable by its members. Every member's devices get the conversation
   * with `archivedAt` set (the `conversation` event).
   */
  async archive(conversationId: string): Promise<Conversation> {
    return (await this.ctx.http.archiveConversation(conversationId)).conversation;
  }
  /** Makes an archived group or channel writable again (its owner). */
  async unarchive(conversationId: string): Promise<Conversation> {
    return (await this.ctx.http.unarchiveConversation(conversationId)).conversation;
  }
  /**
   * Deletes a group or channel for everyone (its owner): its messages, reactions, threads,
   * pins, receipts and files that no other conversation carries are erased. Every member's
   * devices get `conversation.deleted` and drop it.
   */
  delete(conversationId: string): Promise<void> {
    return this.ctx.http.deleteConversation(conversationId);
  }
  /**
   * Changes the title and settings (owners and admins): topic, description, and for
   * channels visibility, post policy and slow mode. Each change is a system message.
   */
  async update(conversationId: string, patch: UpdateConversationBody): Promise<Conversation> {
    return (await this.ctx.http.updateConversation(conversationId, patch)).conversation;
  }
  /** A page of members by user id (channels list no members in `Conversation.members`). */
  members(
    conversationId: string,
    options: { cursor?: string; limit?: number } = {},
  ): Promise<{ members: Member[]; nextCursor: string | null }> {
    return this.ctx.http.members(conversationId, options);
  }
  /** Your notification level here; your other devices get `member.updated`. */
  setNotifyLevel(conversationId: string, level: NotifyLevel): Promise<void> {
    return this.ctx.http.setMemberSettings(conversationId, { notifyLevel: level });
  }
  /**
   * Makes the conversation one of your favourites, or moves it: before `before` (another of
   * your favourites), or last. Favourites follow you: every device of yours gets
   * `member.updated` with `favouritePosition` for each conversation whose place changed, and
   * `ConversationSummary.favouritePosition` on the next sync.
   *
   * @example
   * await client.conversations.favourite(channelId); // last
   * await client.conversations.favourite(dmId, { before: channelId }); // first
   */
  favourite(conversationId: string, place: { before?: string } = {}): Promise<void> {
    return this.ctx.http.placeFavourite(conversationId, place.before === undefined ? {} : { before: place.before });
  }
  /** No longer one of your favourites (your devices get `member.updated` with `favouritePosition: null`). */
  unfavourite(conversationId: string): Promise<void> {
    return this.ctx.http.removeFavourite(conversationId);
  }
}

/** Typing notifications (WebSocket; rejects with a retryable error when offline). */
export class TypingApi {
  constructor(private readonly ctx: ApiContext) {}

  /** Says that you started (`true`) or stopped (`false`) typing in a conversation. */
  async set(conversationId: string, typing: boolean): Promise<void> {
    await this.ctx.connection.request('typing.set', { conversationId, typing });
  }
}

/** Read and delivered cursors (WebSocket; rejects with a retryable error when offline). */
export class ReceiptsApi {
  constructor(private readonly ctx: ApiContext) {}

  /** Marks every message up to `seq` as read. */
  async markRead(conversationId: string, seq: number): Promise<void> {
    await this.ctx.connection.request('receipt.set', { conversationId, kind: 'read', seq });
  }
  /** Marks every message up to `seq` as delivered (the client does this on its own by default). */
  async markDelivered(conversationId: string, seq: number): Promise<void> {
    await this.ctx.connection.request('receipt.set', { conversationId, kind: 'delivered', seq });
  }
  /**
   * Shows the conversation as unread from the message at `seq` on, on every device
   * (`member.updated` with `markedUnread: true`), until you read it again.
   */
  async markUnread(conversationId: string, seq: number): Promise<void> {
    await this.ctx.connection.request('unread.mark', { conversationId, seq });
  }
}

/** Threads you take part in, and their read state. */
export class ThreadsApi {
  constructor(private readonly ctx: ApiContext) {}

  /**
   * Threads you started or replied in, most recent reply first, each with its root
   * message (`root.thread` has the reply count and participants) and your unread count (HTTP).
   * Replies themselves: `messages.history(conversationId, { threadId })`.
   */
  async list(options: { conversationId?: string } = {}): Promise<ThreadListing[]> {
    return (await this.ctx.http.threads(options)).threads;
  }
  /** Marks the replies of a thread up to `seq` as read (your other devices get `member.updated`). */
  async markRead(conversationId: string, threadId: string, seq: number): Promise<void> {
    await this.ctx.connection.request('thread.read', { conversationId, threadId, seq });
  }
}

/** Presence. */
export class PresenceApi {
  constructor(private readonly ctx: ApiContext) {}

  /** Sets this device's status (WebSocket). */
  async set(status: SettablePresence): Promise<void> {
    await this.ctx.connection.request('presence.set', { status });
  }
  /** The current presence of some users (WebSocket when connected, HTTP otherwise). */
  async get(userIds: string[]): Promise<Presence[]> {
    if (userIds.length === 0) return [];
    if (this.ctx.connection.isOpen) return (await this.ctx.connection.request('presence.get', { userIds })).presences;
    return (await this.ctx.http.presence(userIds)).presences;
  }
}

/** Looking up users (HTTP). */
export class UsersApi {
  constructor(private readonly ctx: ApiContext) {}

  /** One user's public profile. */
  async get(userId: string): Promise<User> {
    return (await this.ctx.http.getUser(userId)).user;
  }
  /**
   * The user directory: people whose username, display name or a word of it starts with
   * `q`, a page at a time (the server decides who may be found: PARLEY_USER_DIRECTORY;
   * people blocked either way are never found).
   * @example const { users, nextCursor } = await client.users.search('ali')
   */
  async search(q: string, options: { cursor?: string; limit?: number } = {}): Promise<UserSearchResponse> {
    return this.ctx.http.searchUsers({ q, ...options });
  }
  /** Users with this username (zero or one). */
  async findByUsername(username: string): Promise<User[]> {
    return (await this.ctx.http.findUsers(username)).users;
  }
}

/** Your contact list (HTTP). */
export class ContactsApi {
  constructor(private readonly ctx: ApiContext) {}

  /** Your contacts. */
  async list(): Promise<User[]> {
    return (await this.ctx.http.listContacts()).users;
  }
  /**
   * Your contacts with what you keep about each (nickname, groups), by username.
   * @example for (const { user, contact } of await client.contacts.entries()) show(contact.nickname ?? user.displayName)
   */
  async entries(): Promise<{ user: User; contact: Contact }[]> {
    const { users, contacts } = await this.ctx.http.listContacts();
    const byId = new Map(contacts.map((c) => [c.userId, c]));
    return users.flatMap((user) => {
      const contact = byId.get(user.id);
      return contact ? [{ user, contact }] : [];
    });
  }
  /** Adds a contact. */
  add(userId: string): Promise<void> {
    return this.ctx.http.addContact(userId);
  }
  /**
   * Sets your nickname (`null`: none) and/or groups for a contact; absent fields stay.
   * Every device of yours gets a `contact` event.
   * @example await client.contacts.update(bob.id, { nickname: 'Bobby', groups: ['Friends'] })
   */
  async update(userId: string, patch: UpdateContactBody): Promise<Contact> {
    return (await this.ctx.http.updateContact(userId, patch)).contact;
  }
  /** Removes a contact. */
  remove(userId: string): Promise<void> {
    return this.ctx.http.removeContact(userId);
  }
}

/** The users you blocked (HTTP). */
export class BlocksApi {
  constructor(private readonly ctx: ApiContext) {}

  /** Users you blocked. */
  async list(): Promise<User[]> {
    return (await this.ctx.http.listBlocks()).users;
  }
  /**
   * Blocks a user: neither of you can message the other or see the other's presence; they
   * cannot add you to conversations, nor reach you with typing, receipts, reactions or
   * mentions. Their messages in conversations you share still arrive (collapse them).
   * Your other devices get the `block` event.
   */
  add(userId: string): Promise<void> {
    return this.ctx.http.block(userId);
  }
  /** Unblocks a user. */
  remove(userId: string): Promise<void> {
    return this.ctx.http.unblock(userId);
  }
}

/** Your logged-in devices (HTTP). */
export class SessionsApi {
  constructor(private readonly ctx: ApiContext) {}

  /** Every session of your account; `current` marks this one. */
  async list(): Promise<Session[]> {
    return (await this.ctx.http.listSessions()).sessions;
  }
  /** Logs a device out; its connections close with code 4003. */
  revoke(sessionId: string): Promise<void> {
    return this.ctx.http.revokeSession(sessionId);
  }
}

/** Your own account (HTTP). */
export class AccountApi {
  constructor(private readonly ctx: ApiContext) {}

  /** Your profile. */
  async me(): Promise<User> {
    return (await this.ctx.http.me()).user;
  }
  /** Changes your display name, avatar or status text. */
  async updateProfile(changes: UpdateProfileBody): Promise<User> {
    return (await this.ctx.http.updateProfile(changes)).user;
  }
  /**
   * Your privacy settings: `presence` says who sees your online status, last seen and status
   * text (`everyone` in your audience, your `contacts`, `nobody`); reciprocal: you see theirs
   * only as far as you share yours.
   */
  async privacy(): Promise<PrivacySettings> {
    return (await this.ctx.http.privacy()).privacy;
  }
  /** Changes your privacy settings; your other devices get the `privacy` event. */
  async updatePrivacy(changes: UpdatePrivacyBody): Promise<PrivacySettings> {
    return (await this.ctx.http.updatePrivacy(changes)).privacy;
  }
  /**
   * Sets your profile picture from an image (PNG, JPEG, GIF or WebP, at most 5 MiB): the
   * server crops it to its centre square and stores a 256 px WebP.
   */
  async uploadAvatar(image: Blob | Uint8Array, type: string): Promise<User> {
    return (await this.ctx.http.uploadAvatar(image, type)).user;
  }
  /**
   * Deletes your account, confirmed by your password: every device is logged out, your
   * profile becomes "Deleted account"; the username stays taken. Your messages stay under
   * that name, unless `withContent`: then the server erases everything you sent (edits,
   * reactions, files no other message carries) in batches after answering, and every
   * device drops those messages through `expired` update entries.
   *
   * @example
   * ```ts
   * await client.account.deleteAccount(password, { withContent: true });
   * ```
   */
  deleteAccount(password: string, options: { withContent?: boolean } = {}): Promise<void> {
    return this.ctx.http.deleteAccount({ password, ...(options.withContent === true ? { withContent: true } : {}) });
  }
  /**
   * Everything of yours (profile, contacts, conversations, the messages and files you
   * sent) as a tar archive, streamed (docs/export-format.md). Limited to a few per hour.
   *
   * @example
   * ```ts
   * const body = await client.account.exportData();
   * await pipeline(Readable.fromWeb(body), createWriteStream('parley-export.tar'));
   * ```
   */
  exportData(): Promise<ReadableStream<Uint8Array>> {
    return this.ctx.http.exportMyData();
  }
  /** Changes your password; the server may revoke your other sessions. */
  changePassword(currentPassword: string, newPassword: string): Promise<void> {
    return this.ctx.http.changePassword({ currentPassword, newPassword });
  }
}
