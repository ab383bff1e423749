/**
 * Sending and reading messages. checkSend validates and authorizes (role, ban, mute,
 * slow mode, the quoted message, the thread root, the forwarded source, the sender's
 * upload for a file) and works out the mentions (of a text or a file's caption);
 * doSend commits the message (assigning the next seq, idempotent per client id)
 * with its `message.new` event in the outbox; the relay publishes the event only
 * after the commit, so nobody sees a message that could still be lost, and a bus
 * error after the commit delays the event instead of losing it (guarantees 1, 3
 * and 6). Between the two, outside any transaction, the pre-send hooks may allow,
 * change or reject the message (services/presend-review.ts, ADR 0030). Changes to
 * sent messages are in message-changes.ts.
 */
import { createHash } from 'node:crypto';
import {
  fileSummary,
  isBlank,
  type Conversation,
  type FileContent,
  type Component,
  type ForwardRef,
  type Mentions,
  type Message,
  type ReplyRef,
  type SendableContent,
  type TextContent,
} from '@parley/protocol';
import { contentText } from '../domain/content-text';
import { AppError } from '../domain/errors';
import { componentsProblem } from '../domain/components';
import { cleanText } from '../domain/text';
import { newId } from '../domain/ids';
import { parseMentions } from '../domain/mentions';
import { authorize } from '../domain/permissions';
import { topics } from '../ports/bus';
import type { MessageRoute } from '../ports/bus-events';
import type { ArchiveKey, ArchiveRange, MemberRecord, NewMessage } from '../ports/store';
import type { AuthContext } from './accounts';
import type { AudienceChanges } from './audience-changes';
import type { ContactService } from './contacts';
import type { E2eeService } from './e2ee';
import type { Access, ConversationService } from './conversations';
import type { ServiceDeps } from './deps';
import type { FileService } from './files';
import { nativeResource } from './presence';
import type { PresendReview } from './presend-review';

const encoder = new TextEncoder();

/** How much of a quoted message a reply carries. */
export const EXCERPT_CHARS = 200;

export interface SendInput {
  conversationId: string;
  clientId: string;
  content: SendableContent;
  replyTo?: string | undefined;
  threadId?: string | undefined;
  /** false: no link previews for this message (services/link-previews.ts). */
  linkPreviews?: boolean | undefined;
}

/** How a gateway names the sending device and the addressed one (bus-events.ts `MessageRoute`). */
export interface SendRoute {
  /** The sending device's resource; a native device's session-derived resource by default. */
  resource?: string;
  /** The recipient's resource, for a message addressed to one. */
  to?: string;
}

export interface SendResult {
  message: Message;
  duplicate: boolean;
}

export interface HistoryInput {
  conversationId: string;
  before?: number | undefined;
  after?: number | undefined;
  limit?: number | undefined;
  threadId?: string | undefined;
}

/** A query of the time-ordered archive (XMPP MAM); message ids name places. */
export interface ArchiveInput {
  /** One conversation (the reader must be allowed to read it); without it, the reader's direct conversations. */
  conversationId?: string | undefined;
  start?: number | undefined;
  end?: number | undefined;
  /** Only entries after every one / before every one of these messages (RSM and XEP-0313 ids combine). */
  after?: readonly string[] | undefined;
  before?: readonly string[] | undefined;
  /** Exactly these messages (XEP-0313 `ids`), in archive order; the other bounds are ignored. */
  ids?: readonly string[] | undefined;
  /** The newest page of the range instead of the oldest. */
  fromEnd?: boolean | undefined;
  limit?: number | undefined;
}

/** What checkSend worked out: the entry to append, minus its id, seq and time. */
type Prepared = Pick<NewMessage, 'content' | 'replyTo' | 'threadId' | 'forwardedFrom' | 'mentions' | 'firstPost'> & {
  /** The other members of a direct or group conversation, told of the sender's presence on a first post. */
  partners?: string[];
  /** Who a text (or caption) mentions, for a text a pre-send hook changed. */
  mentionsOf?: (text: string) => Promise<Mentions | undefined>;
  /** A pre-send hook changed the content: the digest of what was sent (ADR 0030). */
  changedDigest?: string;
};

/** What was sent under a client id, as a digest (a hook's change is recognised on a retry). */
function contentDigest(content: SendableContent): string {
  return createHash('sha256').update(JSON.stringify(content)).digest('base64url');
}

function sameContent(existing: Message, input: SendInput): boolean {
  const a = existing.content;
  const b = input.content;
  if (b.type === 'forward') return existing.forwardedFrom !== undefined;
  if (a.type === 'text' && b.type === 'text') return a.text === b.text;
  if (a.type === 'file' && b.type === 'file') return a.fileId === b.fileId && (a.caption ?? '') === (b.caption ?? '');
  if (a.type === 'mls' && b.type === 'mls') return a.data === b.data;
  return false;
}

/** The archive's order: (createdAt, seq, id). */
function compareKeys(a: ArchiveKey, b: ArchiveKey): number {
  if (a.createdAt !== b.createdAt) return a.createdAt - b.createdAt;
  if (a.seq !== b.seq) return a.seq - b.seq;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The first characters of a text, whole code points only. */
export function excerpt(text: string): string {
  return Array.from(text).slice(0, EXCERPT_CHARS).join('');
}

export class MessageService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly conversations: ConversationService,
    private readonly contacts: ContactService,
    private readonly files: FileService,
    private readonly audience: AudienceChanges,
    private readonly e2ee: E2eeService,
    private readonly presend?: PresendReview,
  ) {}

  /**
   * A text (or a new caption, when editing a file message) as it is stored: the text
   * rules (refused characters are `invalid_text`, CR LF becomes LF), within the size
   * limit, and not blank (only invisible characters count as empty).
   */
  checkText(raw: string, field: 'text' | 'caption' = 'text'): string {
    const text = cleanText(field, raw);
    this.checkSize(text);
    if (isBlank(text)) throw new AppError('bad_request', 'The message text is empty.');
    return text;
  }

  /** A message's buttons and select menu (docs/bots.md): bots only, within the limits. */
  checkComponents(auth: AuthContext, components: readonly Component[]): void {
    if (auth.user.bot !== true) {
      throw new AppError('invalid_components', 'Only bots send buttons and menus.', {
        details: { reason: 'bots_only' },
      });
    }
    const problem = componentsProblem(components);
    if (problem) throw new AppError('invalid_components', `Components: ${problem}.`, { details: { reason: problem } });
  }

  /**
   * The sent content with its text in stored form (text rules applied), before
   * anything else looks at it: an idempotent retry compares what would be stored.
   */
  cleanContent(content: SendableContent): SendableContent {
    if (content.type === 'text') {
      const { components, ...rest } = content;
      // No components is the same as none at all (one stored form).
      return { ...rest, text: cleanText('text', content.text), ...(components?.length ? { components } : {}) };
    }
    if (content.type === 'file' && content.caption !== undefined) {
      return { ...content, caption: cleanText('caption', content.caption) };
    }
    return content;
  }

  /** A file's caption counts against PARLEY_MAX_MESSAGE_BYTES like a text; it may be empty. */
  private checkSize(text: string): void {
    const bytes = encoder.encode(text).byteLength;
    const max = this.deps.limits.maxMessageBytes;
    if (bytes > max) {
      throw new AppError('message_too_large', `The message has ${bytes} bytes; the limit is ${max}.`, {
        details: { bytes, maxMessageBytes: max },
      });
    }
  }

  /** A muted member may read but not post or edit. */
  checkNotMuted(member: MemberRecord): void {
    if (member.mutedUntil !== null && member.mutedUntil > this.deps.clock.now()) {
      throw new AppError('muted', 'A moderator muted you in this conversation.', {
        details: { mutedUntil: member.mutedUntil },
      });
    }
  }

  /**
   * The right to post, whatever the content: the role and broadcast policy (matrix), a ban,
   * a mute, and in a direct conversation a block either way. Typing needs the same right.
   */
  async checkMayPost(auth: AuthContext, conversationId: string): Promise<Access & { member: MemberRecord }> {
    // A group's member list is not loaded for each post (a direct conversation's two are).
    const access = await this.conversations.authorize(auth, conversationId, 'post', {}, { members: false });
    this.checkNotMuted(access.member);
    if (access.conversation.kind === 'direct') {
      const other = access.conversation.members.find((m) => m.userId !== auth.user.id);
      if (other) await this.contacts.checkNotBlocked(auth.user.id, other.userId);
    }
    return access;
  }

  /** `input.content` is in stored form already (cleanContent). */
  async checkSend(auth: AuthContext, input: SendInput): Promise<Prepared> {
    if (input.content.type === 'text') this.checkText(input.content.text);
    if (input.content.type === 'text' && input.content.components) {
      this.checkComponents(auth, input.content.components);
    }
    if (input.content.type === 'file') this.checkSize(input.content.caption ?? '');
    const { conversation, member } = await this.checkMayPost(auth, input.conversationId);
    this.checkSlowMode(conversation, member);
    const prepared: Prepared = { content: { type: 'text', text: '' } };
    if (conversation.encryption === 'mls' || input.content.type === 'mls') {
      // End-to-end encrypted: only MLS ciphertext in, and nothing derived from it (no mentions).
      if (conversation.encryption !== 'mls') {
        throw new AppError('e2ee_not_encrypted', 'This conversation is not end-to-end encrypted: send text.');
      }
      if (input.content.type !== 'mls') {
        throw new AppError('e2ee_required', 'This conversation is end-to-end encrypted: send MLS messages only.');
      }
      prepared.content = await this.e2ee.checkApplication(auth, conversation, input.content);
    } else if (input.content.type === 'forward') {
      // A forwarded file is the same file: appendMessage adds the forward's own ref to it,
      // so deleting the original does not take the file from the forward.
      const source = await this.forwardSource(auth, input.content.messageId);
      prepared.content = source.content;
      prepared.forwardedFrom = source.from;
    } else {
      const text = input.content.type === 'text' ? input.content.text : (input.content.caption ?? '');
      prepared.content =
        input.content.type === 'file' ? await this.files.resolveForSend(auth, input.content) : input.content;
      // (mentions: a text or caption; the encrypted branch above never gets here)
      const mentions = await this.mentions(text, conversation, member);
      if (mentions) prepared.mentions = mentions;
      prepared.mentionsOf = (changed) => this.mentions(changed, conversation, member);
    }
    if (input.threadId !== undefined) {
      const root = await this.deps.store.getMessage(input.threadId);
      if (!root || root.conversationId !== input.conversationId) throw new AppError('not_found', 'No such thread.');
      if (root.threadId !== undefined || root.content.type === 'update' || root.content.type === 'system') {
        throw new AppError('invalid_operation', 'Threads start under a message, not under a reply or a change.');
      }
      prepared.threadId = root.id;
    }
    if (input.replyTo !== undefined) prepared.replyTo = await this.replyRef(input.conversationId, input.replyTo);
    if (member.tookPartAt === null) {
      // The first post here: the sender takes part (their presence may now reach these members).
      prepared.firstPost = true;
      if (conversation.kind !== 'channel') {
        const { members } = await this.conversations.load(conversation.id);
        prepared.partners = members.map((m) => m.userId);
      }
    }
    return prepared;
  }

  private checkSlowMode(conversation: Conversation, member: MemberRecord): void {
    const seconds = conversation.slowModeSeconds;
    if (seconds <= 0 || member.lastPostAt === null) return;
    const facts = { kind: conversation.kind, postPolicy: conversation.postPolicy, role: member.role };
    if (authorize('bypassSlowMode', facts) === null) return;
    const retryAfterMs = member.lastPostAt + seconds * 1000 - this.deps.clock.now();
    if (retryAfterMs > 0) {
      throw new AppError('slow_mode', `Slow mode: one message every ${seconds} seconds.`, {
        details: { retryAfterMs, slowModeSeconds: seconds },
      });
    }
  }

  private async replyRef(conversationId: string, messageId: string): Promise<ReplyRef> {
    const quoted = await this.deps.store.getMessage(messageId);
    if (!quoted || quoted.conversationId !== conversationId) throw new AppError('not_found', 'No such message.');
    if (quoted.content.type === 'update' || quoted.content.type === 'system') {
      throw new AppError('invalid_operation', 'Only messages can be quoted.');
    }
    // An encrypted message has no text the server can quote: the excerpt stays empty and
    // clients show the quote from what they decrypted.
    const readable = contentText(quoted.content);
    const text = quoted.content.type === 'file' ? fileSummary(quoted.content) : readable.readable ? readable.text : '';
    return { messageId: quoted.id, seq: quoted.seq, senderId: quoted.senderId, excerpt: excerpt(text) };
  }

  /**
   * The content to copy (a text, or a file with its caption) and where it first came
   * from; the reader must be able to read the source.
   */
  private async forwardSource(
    auth: AuthContext,
    messageId: string,
  ): Promise<{ content: TextContent | FileContent; from: ForwardRef }> {
    const source = await this.deps.store.getMessage(messageId);
    if (!source) throw new AppError('not_found', 'No such message.');
    await this.conversations.authorize(auth, source.conversationId, 'read');
    const content = source.content;
    if (content.type === 'text') {
      this.checkText(content.text);
    } else if (content.type === 'file') {
      if (!(await this.deps.store.getFile(content.fileId))) throw new AppError('not_found', 'The file is gone.');
    } else {
      throw new AppError('invalid_operation', 'Only text and file messages can be forwarded.');
    }
    return {
      // A forward is a copy of the words: the bot's buttons stay on the original.
      content: content.type === 'text' ? { type: 'text', text: content.text } : content,
      from: source.forwardedFrom ?? { senderId: source.senderId, createdAt: source.createdAt },
    };
  }

  /**
   * Who the text mentions: `@username` of members (people who may read it), and
   * `@here`/`@channel` only for roles allowed `mentionAll` (others' text is sent
   * unflagged). Undefined when it mentions nobody.
   */
  async mentions(text: string, conversation: Conversation, member: MemberRecord): Promise<Mentions | undefined> {
    const parsed = parseMentions(text);
    const userIds: string[] = [];
    // Someone who blocked the sender is never mentioned by them (no count, no highlight).
    const blockedBy =
      parsed.usernames.length > 0 ? new Set((await this.deps.store.listBlockRelations(member.userId)).blockedBy) : null;
    for (const username of parsed.usernames) {
      const user = await this.deps.store.getUserByUsername(username);
      if (!user || blockedBy?.has(user.id)) continue;
      const listed = conversation.members.find((m) => m.userId === user.id);
      if (listed || (await this.deps.store.getMemberRecord(conversation.id, user.id))) userIds.push(user.id);
    }
    const facts = { kind: conversation.kind, postPolicy: conversation.postPolicy, role: member.role };
    const all = (parsed.here || parsed.channel) && authorize('mentionAll', facts) === null;
    const here = all && parsed.here;
    const channel = all && parsed.channel;
    if (userIds.length === 0 && !here && !channel) return undefined;
    return { userIds, here, channel };
  }

  async send(auth: AuthContext, raw: SendInput, route: SendRoute = {}): Promise<SendResult> {
    const input = { ...raw, content: this.cleanContent(raw.content) };
    // A retry of an acknowledged send answers from the store before any other check, so
    // that the first ack is repeated even if, say, the sender has since been removed.
    const existing = await this.deps.store.getMessageByClientId(auth.user.id, input.clientId);
    if (existing) return this.repeatAck(existing, input);
    const prepared = await this.checkSend(auth, input);
    // Before the write and outside it: a slow hook holds no transaction (ADR 0030).
    await this.applyHooks(auth, input, prepared);
    return this.doSend(auth, input, prepared, route);
  }

  /**
   * The pre-send hooks' verdict on a text or a file's caption (never on encrypted
   * content): a change replaces the text, is checked by the text rules and its mentions
   * are worked out again; a reject throws `message_rejected`.
   */
  private async applyHooks(auth: AuthContext, input: SendInput, prepared: Prepared): Promise<void> {
    const content = prepared.content;
    if (!this.presend || (content.type !== 'text' && content.type !== 'file')) return;
    const verdict = await this.presend.review(
      {
        conversationId: input.conversationId,
        sender: { id: auth.user.id, username: auth.user.username, bot: auth.user.bot === true },
        clientId: input.clientId,
        contentType: content.type,
        text: content.type === 'text' ? content.text : (content.caption ?? ''),
        ...(content.type === 'file' ? { fileName: content.name } : {}),
        ...(prepared.threadId ? { threadId: prepared.threadId } : {}),
        ...(prepared.replyTo ? { replyTo: prepared.replyTo.messageId } : {}),
        forwarded: prepared.forwardedFrom !== undefined,
      },
      (text) => (content.type === 'text' ? this.checkText(text) : this.checkCaption(text)),
    );
    if (verdict.text === undefined) return;
    prepared.content =
      content.type === 'text' ? { ...content, text: verdict.text } : { ...content, caption: verdict.text };
    const mentions = await prepared.mentionsOf?.(verdict.text);
    if (mentions) prepared.mentions = mentions;
    else delete prepared.mentions;
    prepared.changedDigest = contentDigest(input.content);
  }

  /** A file's caption as stored: the text rules and the size limit; it may be empty. */
  private checkCaption(raw: string): string {
    const caption = cleanText('caption', raw);
    this.checkSize(caption);
    return caption;
  }

  private async repeatAck(existing: Message, input: SendInput): Promise<SendResult> {
    // A pre-send hook changed what was sent: the retry carries the text before the change.
    const changedFrom =
      existing.conversationId === input.conversationId && !sameContent(existing, input)
        ? await this.deps.store.getPresendChange(existing.senderId, input.clientId)
        : undefined;
    if (changedFrom !== undefined && changedFrom === contentDigest(input.content)) {
      return { message: existing, duplicate: true };
    }
    if (existing.conversationId !== input.conversationId || !sameContent(existing, input)) {
      throw new AppError(
        'client_id_conflict',
        'This client id was already used for a different message: use a new one.',
        {
          details: { messageId: existing.id },
        },
      );
    }
    return { message: existing, duplicate: true };
  }

  private async doSend(auth: AuthContext, input: SendInput, prepared: Prepared, route: SendRoute): Promise<SendResult> {
    const routeOut: MessageRoute = { resource: route.resource ?? nativeResource(auth.session.id) };
    if (route.to !== undefined) routeOut.to = route.to;
    const now = this.deps.clock.now();
    const entry: NewMessage = {
      id: newId('m', now),
      conversationId: input.conversationId,
      senderId: auth.user.id,
      clientId: input.clientId,
      content: prepared.content,
      createdAt: now,
    };
    if (prepared.threadId) entry.threadId = prepared.threadId;
    if (prepared.replyTo) entry.replyTo = prepared.replyTo;
    if (prepared.forwardedFrom) entry.forwardedFrom = prepared.forwardedFrom;
    if (prepared.mentions) entry.mentions = prepared.mentions;
    if (prepared.firstPost) entry.firstPost = true;
    if (input.linkPreviews === false) entry.linkPreviewsOff = true;
    const result = await this.deps.store.write(input.conversationId, async (tx) => {
      const appended = await tx.appendMessage(entry);
      if (!appended.duplicate && prepared.changedDigest !== undefined) {
        await tx.recordPresendChange({
          senderId: auth.user.id,
          clientId: input.clientId,
          digest: prepared.changedDigest,
          at: now,
        });
      }
      if (!appended.duplicate) {
        await tx.emit(topics.conversation(input.conversationId), {
          v: 1,
          type: 'message.new',
          message: appended.message,
          route: routeOut,
        });
      }
      return appended;
    });
    if (result.duplicate) return this.repeatAck(result.message, input);
    if (prepared.partners) await this.audience.tookPart(auth.user.id, prepared.partners);
    return result;
  }

  /**
   * Where a message sits: its conversation and seq, for a reader of that
   * conversation (XMPP MAM pages by message id; history pages by seq). Someone
   * who may not read it gets `not_found`, as if it did not exist.
   */
  async locate(auth: AuthContext, messageId: string): Promise<{ conversationId: string; seq: number }> {
    const message = await this.deps.store.getMessage(messageId);
    const member = message && (await this.deps.store.getMemberRecord(message.conversationId, auth.user.id));
    if (!message || !member) throw new AppError('not_found', 'No such message.');
    return { conversationId: message.conversationId, seq: message.seq };
  }

  /** One message for a reader of its conversation, with their own reactions; `not_found` for anyone else. */
  async get(auth: AuthContext, messageId: string): Promise<Message> {
    const { store } = this.deps;
    const message = await store.getMessage(messageId);
    const member = message && (await store.getMemberRecord(message.conversationId, auth.user.id));
    if (!message || !member) throw new AppError('not_found', 'No such message.');
    const [mine] = await store.withMyReactions(auth.user.id, [message]);
    return mine ?? message;
  }

  /**
   * One message as history shows it now (a tombstone once deleted, with the reader's
   * own reactions), for someone who may read its conversation (`GET /v1/messages/:id`);
   * anyone else gets `not_found`, as if it did not exist.
   */
  async read(auth: AuthContext, messageId: string): Promise<Message> {
    const { store } = this.deps;
    const message = await store.getMessage(messageId);
    if (!message) throw new AppError('not_found', 'No such message.');
    try {
      await this.conversations.authorize(auth, message.conversationId, 'read');
    } catch (error) {
      if (error instanceof AppError) throw new AppError('not_found', 'No such message.');
      throw error;
    }
    const [mine] = await store.withMyReactions(auth.user.id, [message]);
    return mine ?? message;
  }

  /**
   * A message by the client id its sender gave it, for a reader of its conversation
   * (XMPP clients name messages by the stanza id they sent); `not_found` otherwise.
   */
  async getByClientId(auth: AuthContext, senderId: string, clientId: string): Promise<Message> {
    const { store } = this.deps;
    const message = await store.getMessageByClientId(senderId, clientId);
    const member = message && (await store.getMemberRecord(message.conversationId, auth.user.id));
    if (!message || !member) throw new AppError('not_found', 'No such message.');
    const [mine] = await store.withMyReactions(auth.user.id, [message]);
    return mine ?? message;
  }

  /** The emoji one user reacts with on a message the reader may read (XEP-0444 sends the whole set). */
  async reactionsBy(auth: AuthContext, messageId: string, userId: string): Promise<string[]> {
    const message = await this.get(auth, messageId);
    const [theirs] = await this.deps.store.withMyReactions(userId, [message]);
    return theirs?.myReactions ?? [];
  }

  /**
   * A page of the time-ordered archive, ascending by (createdAt, seq, id): one
   * conversation the reader may read, or every direct conversation they belong to.
   * A place id that is not in that archive (or that the reader may not read) is
   * `not_found`. `complete` says nothing more lies in the paging direction.
   */
  async archive(auth: AuthContext, input: ArchiveInput): Promise<{ messages: Message[]; complete: boolean }> {
    if (input.conversationId !== undefined) await this.conversations.authorize(auth, input.conversationId, 'read');
    const limit = Math.max(0, Math.min(input.limit ?? 50, this.deps.limits.historyPageMax));
    const { store } = this.deps;
    const inArchive = async (id: string): Promise<Message> => {
      const message = await store.getMessage(id);
      const member = message && (await store.getMemberRecord(message.conversationId, auth.user.id));
      const conversation =
        message && member && input.conversationId === undefined
          ? await store.getConversation(message.conversationId)
          : undefined;
      const inScope =
        input.conversationId === undefined
          ? conversation?.kind === 'direct'
          : message?.conversationId === input.conversationId;
      if (!message || !member || !inScope || message.content.type === 'system') {
        throw new AppError('not_found', 'No such message in this archive.');
      }
      return message;
    };
    const place = async (id: string): Promise<ArchiveKey> => {
      const { createdAt, seq } = await inArchive(id);
      return { createdAt, seq, id };
    };
    if (input.ids !== undefined) {
      // XEP-0313 `ids`: exactly these messages, in archive order.
      const found = [];
      for (const id of new Set(input.ids)) found.push(await inArchive(id));
      found.sort((a, b) => compareKeys(a, b));
      return {
        messages: await store.withMyReactions(auth.user.id, found.slice(0, limit)),
        complete: found.length <= limit,
      };
    }
    const range: ArchiveRange = { limit: limit + 1 };
    if (input.conversationId !== undefined) range.conversationId = input.conversationId;
    if (input.start !== undefined) range.start = input.start;
    if (input.end !== undefined) range.end = input.end;
    // The tightest bound of each side: the latest `after`, the earliest `before`.
    for (const id of input.after ?? []) {
      const found = await place(id);
      if (!range.after || compareKeys(found, range.after) > 0) range.after = found;
    }
    for (const id of input.before ?? []) {
      const found = await place(id);
      if (!range.before || compareKeys(found, range.before) < 0) range.before = found;
    }
    if (input.fromEnd) range.fromEnd = true;
    if (limit === 0) return { messages: [], complete: false };
    const page = await store.listArchive(auth.user.id, range);
    const more = page.length > limit;
    const messages = more ? (input.fromEnd ? page.slice(1) : page.slice(0, limit)) : page;
    return { messages: await store.withMyReactions(auth.user.id, messages), complete: !more };
  }

  /**
   * A page of history in ascending seq: the newest page by default, or before/after a
   * seq; with `threadId`, the replies of that thread. Messages are in their current
   * state (edits, reactions, pins applied) with the reader's own reactions.
   */
  async history(auth: AuthContext, input: HistoryInput): Promise<{ messages: Message[]; hasMore: boolean }> {
    const { conversation } = await this.conversations.authorize(
      auth,
      input.conversationId,
      'read',
      {},
      { members: false },
    );
    const limit = Math.min(input.limit ?? 50, this.deps.limits.historyPageMax);
    if (input.before !== undefined && input.after !== undefined) {
      throw new AppError('bad_request', 'Give either `before` or `after`, not both.');
    }
    const range = input.threadId === undefined ? {} : { threadId: input.threadId };
    const { store } = this.deps;
    if (input.after !== undefined) {
      const page = await store.listMessages(input.conversationId, { ...range, after: input.after, limit: limit + 1 });
      return {
        messages: await store.withMyReactions(auth.user.id, page.slice(0, limit)),
        hasMore: page.length > limit,
      };
    }
    const before = input.before ?? conversation.lastSeq + 1;
    const page = await store.listMessages(input.conversationId, { ...range, before, limit: limit + 1 });
    const messages = page.length > limit ? page.slice(1) : page;
    return { messages: await store.withMyReactions(auth.user.id, messages), hasMore: page.length > limit };
  }
}
