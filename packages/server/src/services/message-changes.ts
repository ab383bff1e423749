/**
 * Changes to sent messages: edit, delete, react, pin. Each is one transaction that
 * appends an `update` entry to the conversation's sequence and changes the target
 * (whose `rev` becomes the entry's seq) and records the entry as an ordinary
 * `message.new` event (published by the outbox relay after the commit), so every device applies changes in order with the
 * messages, live or through sync (P5). A change that changes nothing (the same
 * reaction twice, deleting a tombstone) appends nothing and answers with the
 * target as it is.
 */
import type { Message, UpdateContent } from '@parley/protocol';
import { isOpaque } from '../domain/content-text';
import { AppError } from '../domain/errors';
import { isEmoji } from '../domain/emoji';
import { newId } from '../domain/ids';
import type { Operation } from '../domain/permissions';
import { topics } from '../ports/bus';
import type { MemberRecord, Store } from '../ports/store';
import type { AuthContext } from './accounts';
import type { Access, ConversationService } from './conversations';
import type { ServiceDeps } from './deps';
import type { FileService } from './files';
import type { SendRoute } from './messages';
import { nativeResource } from './presence';
import type { MessageService } from './messages';

/** Thrown inside a change's transaction to roll back the entry it appended. */
class NoChange extends Error {
  constructor() {
    super('no change');
  }
}

type Target = Access & { member: MemberRecord; message: Message };

export class MessageChangeService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly conversations: ConversationService,
    private readonly messages: MessageService,
    private readonly files: FileService,
  ) {}

  /** The target and the actor's access for one operation; update and system entries are not targets. */
  private async target(auth: AuthContext, messageId: string, operation: Operation): Promise<Target> {
    const message = await this.deps.store.getMessage(messageId);
    if (!message) throw new AppError('not_found', 'No such message.');
    const access = await this.conversations.authorize(auth, message.conversationId, operation);
    if (message.content.type === 'update' || message.content.type === 'system') {
      throw new AppError('invalid_operation', 'Only messages can be changed.');
    }
    // An encrypted conversation's edits and reactions would be plaintext here: they travel
    // inside MLS application messages instead. Deleting (a tombstone) and pinning reveal nothing.
    const opaque = access.conversation.encryption === 'mls' || isOpaque(message.content);
    if (opaque && (operation === 'editOwn' || operation === 'react')) {
      throw new AppError(
        'e2ee_required',
        'In an end-to-end encrypted conversation, edits and reactions are sent encrypted.',
      );
    }
    if (message.content.type === 'mls' && message.content.kind === 'commit') {
      throw new AppError('invalid_operation', 'Only messages can be changed.');
    }
    return { ...access, message };
  }

  private async current(auth: AuthContext, messageId: string): Promise<Message> {
    const message = await this.deps.store.getMessage(messageId);
    if (!message) throw new AppError('not_found', 'No such message.');
    const [mine] = await this.deps.store.withMyReactions(auth.user.id, [message]);
    return mine ?? message;
  }

  /**
   * Appends the update entry, runs the change with its seq and records the entry's
   * event, in one write (the relay publishes it after the commit). Returns the
   * target as it is now.
   */
  private async apply(
    auth: AuthContext,
    target: Message,
    content: Omit<UpdateContent, 'type' | 'messageId'>,
    change: (tx: Store, rev: number, at: number) => Promise<boolean | undefined | void>,
    route: SendRoute = {},
  ): Promise<Message> {
    // Live delivery names the device that made the change (XMPP: from its full JID, XEP-0308).
    const from = { resource: route.resource ?? nativeResource(auth.session.id) };
    const at = this.deps.clock.now();
    try {
      await this.deps.store.write(target.conversationId, async (tx) => {
        const { message } = await tx.appendMessage({
          id: newId('m', at),
          conversationId: target.conversationId,
          senderId: auth.user.id,
          clientId: newId('u', at),
          content: { type: 'update', messageId: target.id, ...content },
          createdAt: at,
        });
        if ((await change(tx, message.seq, at)) === false) throw new NoChange();
        await tx.emit(topics.conversation(target.conversationId), { v: 1, type: 'message.new', message, route: from });
        return message;
      });
    } catch (error) {
      if (error instanceof NoChange) return this.current(auth, target.id);
      throw error;
    }
    return this.current(auth, target.id);
  }

  /**
   * Own text messages, or the caption of an own file message (the file stays), within
   * PARLEY_EDIT_WINDOW_SECONDS; mentions are parsed again.
   */
  async edit(auth: AuthContext, messageId: string, raw: string, route: SendRoute = {}): Promise<Message> {
    const { conversation, member, message } = await this.target(auth, messageId, 'editOwn');
    const text = this.messages.checkText(raw, message.content.type === 'file' ? 'caption' : 'text');
    if (message.senderId !== auth.user.id) throw new AppError('forbidden', 'You may only edit your own messages.');
    this.messages.checkNotMuted(member);
    const content = message.content;
    if ((content.type !== 'text' && content.type !== 'file') || message.forwardedFrom) {
      throw new AppError('invalid_operation', 'Deleted and forwarded messages cannot be edited.');
    }
    const window = this.deps.limits.editWindowSeconds;
    if (window > 0 && this.deps.clock.now() - message.createdAt > window * 1000) {
      throw new AppError('edit_window_passed', `Messages can be edited for ${window} seconds after sending.`, {
        details: { editWindowSeconds: window },
      });
    }
    if ((content.type === 'text' ? content.text : content.caption) === text) return this.current(auth, messageId);
    const mentions = await this.messages.mentions(text, conversation, member);
    return this.apply(
      auth,
      message,
      { action: 'edited', text, ...(mentions ? { mentions } : {}) },
      (tx, rev, at) => tx.editMessage(messageId, text, mentions, at, rev),
      route,
    );
  }

  /**
   * Own messages (deleteOwn) or anyone's (deleteAny). A file message's ref goes after
   * the tombstone commits; the file is deleted once no other message (a forward) carries it.
   */
  async delete(auth: AuthContext, messageId: string, route: SendRoute = {}): Promise<Message> {
    const message = await this.deps.store.getMessage(messageId);
    if (!message) throw new AppError('not_found', 'No such message.');
    const operation = message.senderId === auth.user.id ? 'deleteOwn' : 'deleteAny';
    const target = await this.target(auth, messageId, operation);
    if (target.message.content.type === 'deleted') return this.current(auth, messageId);
    const deleted = await this.apply(
      auth,
      target.message,
      { action: 'deleted' },
      (tx, rev, at) => tx.deleteMessage(messageId, at, rev),
      route,
    );
    if (target.message.content.type === 'file') {
      // After the commit. A blob store failure leaves blobs the cleanup removes; a failure to release
      // the refs leaves a ref the cleanup cannot see, so it is logged (docs/operations.md).
      await this.files.releaseForMessage(messageId).catch((error: unknown) => {
        this.deps.logger.error({ err: error, messageId }, 'releasing the files of a deleted message failed');
      });
    }
    return deleted;
  }

  /** Adds or removes the actor's reaction; at most PARLEY_MAX_REACTIONS_PER_MESSAGE distinct emoji. */
  async react(
    auth: AuthContext,
    messageId: string,
    emoji: string,
    reacted: boolean,
    route: SendRoute = {},
  ): Promise<Message> {
    if (!isEmoji(emoji)) {
      throw new AppError('bad_request', 'A reaction is one emoji.', { details: { emoji } });
    }
    const { message } = await this.target(auth, messageId, 'react');
    if (message.content.type === 'deleted') throw new AppError('invalid_operation', 'The message was deleted.');
    // Someone who blocked the actor gets no reactions from them (removing an old one is allowed).
    if (
      reacted &&
      message.senderId !== auth.user.id &&
      (await this.deps.store.isBlocked(message.senderId, auth.user.id))
    ) {
      throw new AppError('privacy_restricted', 'This person does not accept reactions from you.', {
        details: { userIds: [message.senderId] },
      });
    }
    const { store, limits } = this.deps;
    if (!reacted) {
      return this.apply(
        auth,
        message,
        { action: 'reaction.removed', emoji },
        (tx, rev) => tx.removeReaction(messageId, auth.user.id, emoji, rev),
        route,
      );
    }
    const known = message.reactions?.some((r) => r.emoji === emoji) ?? false;
    if (!known && (await store.countReactionKinds(messageId)) >= limits.maxReactionsPerMessage) {
      throw new AppError('limit_reached', 'This message has as many different reactions as it may have.', {
        details: { limit: 'reactions', max: limits.maxReactionsPerMessage },
      });
    }
    return this.apply(
      auth,
      message,
      { action: 'reaction.added', emoji },
      (tx, rev, at) => tx.addReaction(messageId, auth.user.id, emoji, at, rev),
      route,
    );
  }

  /** Pins or unpins; at most PARLEY_MAX_PINS per conversation. */
  async pin(auth: AuthContext, messageId: string, pinned: boolean): Promise<Message> {
    const { message } = await this.target(auth, messageId, 'pin');
    if (message.content.type === 'deleted') throw new AppError('invalid_operation', 'The message was deleted.');
    if ((message.pinnedAt !== undefined) === pinned) return this.current(auth, messageId);
    if (pinned) {
      const max = this.deps.limits.maxPins;
      if ((await this.deps.store.listPinned(message.conversationId, max)).length >= max) {
        throw new AppError('limit_reached', 'This conversation has as many pinned messages as it may have.', {
          details: { limit: 'pins', max },
        });
      }
    }
    return this.apply(auth, message, { action: pinned ? 'pinned' : 'unpinned' }, (tx, rev, at) =>
      tx.setPinned(messageId, pinned ? { at, by: auth.user.id } : null, rev),
    );
  }

  /**
   * The sender removes the link previews of their own message, for good: later edits
   * bring none back (ADR 0017). Allowed whenever they may edit their own messages,
   * without the edit window (it changes nothing they wrote).
   */
  async removeLinkPreviews(auth: AuthContext, messageId: string, route: SendRoute = {}): Promise<Message> {
    const { message } = await this.target(auth, messageId, 'editOwn');
    if (message.senderId !== auth.user.id) {
      throw new AppError('forbidden', 'You may only remove the previews of your own messages.');
    }
    if (message.content.type === 'deleted') throw new AppError('invalid_operation', 'The message was deleted.');
    if (message.linkPreviewsOff === true && message.linkPreviews === undefined) return this.current(auth, messageId);
    return this.apply(
      auth,
      message,
      { action: 'link_previews.removed' },
      (tx, rev) => tx.setLinkPreviews(messageId, [], true, rev),
      route,
    );
  }

  /** Pinned messages of a conversation, most recently pinned first. */
  async pins(auth: AuthContext, conversationId: string): Promise<Message[]> {
    await this.conversations.authorize(auth, conversationId, 'read');
    const pinned = await this.deps.store.listPinned(conversationId, this.deps.limits.maxPins);
    return this.deps.store.withMyReactions(auth.user.id, pinned);
  }

  /** Who reacted with one emoji, earliest first. */
  async reactionUsers(
    auth: AuthContext,
    messageId: string,
    emoji: string,
    options: { cursor?: string | undefined; limit?: number | undefined },
  ): Promise<{ userIds: string[]; nextCursor: string | null }> {
    const message = await this.deps.store.getMessage(messageId);
    if (!message) throw new AppError('not_found', 'No such message.');
    await this.conversations.authorize(auth, message.conversationId, 'read');
    const page = await this.deps.store.listReactionUsers(messageId, emoji, {
      ...(options.cursor ? { cursor: options.cursor } : {}),
      limit: Math.min(options.limit ?? 100, 500),
    });
    return { userIds: page.items, nextCursor: page.nextCursor };
  }
}
