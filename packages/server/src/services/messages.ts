/**
 * Sending and reading messages. checkSend validates and authorizes; doSend commits
 * (assigning the next seq, idempotent per client id) and only then publishes, so
 * nobody sees a message that could still be lost (guarantees 1, 3 and 6).
 */
import type { Message, MessageContent, SendableContent } from '@parley/protocol';
import { AppError } from '../domain/errors';
import { newId } from '../domain/ids';
import { canPost, canRead } from '../domain/permissions';
import { topics } from '../ports/bus';
import type { AuthContext } from './accounts';
import type { ContactService } from './contacts';
import { refuse, type ConversationService } from './conversations';
import type { ServiceDeps } from './deps';
import type { FileService } from './files';

const encoder = new TextEncoder();

export interface SendInput {
  conversationId: string;
  clientId: string;
  content: SendableContent;
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
}

function sameContent(a: Message['content'], b: SendableContent): boolean {
  if (a.type === 'text' && b.type === 'text') return a.text === b.text;
  if (a.type === 'file' && b.type === 'file') return a.fileId === b.fileId && (a.caption ?? '') === (b.caption ?? '');
  return false;
}

export class MessageService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly conversations: ConversationService,
    private readonly contacts: ContactService,
    private readonly files: FileService,
  ) {}

  /** Validates and authorizes a send; returns the content to store (a file's details come from its record). */
  async checkSend(auth: AuthContext, input: SendInput): Promise<MessageContent> {
    const text = input.content.type === 'text' ? input.content.text : (input.content.caption ?? '');
    const bytes = encoder.encode(text).byteLength;
    const max = this.deps.limits.maxMessageBytes;
    if (bytes > max) {
      throw new AppError('message_too_large', `The message has ${bytes} bytes; the limit is ${max}.`, {
        details: { bytes, maxMessageBytes: max },
      });
    }
    if (input.content.type === 'text' && text.trim() === '') {
      throw new AppError('bad_request', 'The message text is empty.');
    }
    const conversation = await this.conversations.load(input.conversationId);
    const member = conversation.members.find((m) => m.userId === auth.user.id);
    refuse(canPost({ role: member?.role }));
    if (conversation.kind === 'direct') {
      const other = conversation.members.find((m) => m.userId !== auth.user.id);
      if (other) await this.contacts.checkNotBlocked(auth.user.id, other.userId);
    }
    return input.content.type === 'file' ? this.files.resolveForSend(auth, input.content) : input.content;
  }

  async send(auth: AuthContext, input: SendInput): Promise<SendResult> {
    // A retry of an acknowledged send answers from the store before any check, so
    // that the first ack is repeated even if, say, the sender has since been removed.
    const existing = await this.deps.store.getMessageByClientId(auth.user.id, input.clientId);
    if (existing) return this.repeatAck(existing, input);
    const content = await this.checkSend(auth, input);
    return this.doSend(auth, input, content);
  }

  private repeatAck(existing: Message, input: SendInput): SendResult {
    if (existing.conversationId !== input.conversationId || !sameContent(existing.content, input.content)) {
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

  private async doSend(auth: AuthContext, input: SendInput, content: MessageContent): Promise<SendResult> {
    const now = this.deps.clock.now();
    const result = await this.deps.store.appendMessage({
      id: newId('m', now),
      conversationId: input.conversationId,
      senderId: auth.user.id,
      clientId: input.clientId,
      content,
      createdAt: now,
    });
    if (result.duplicate) return this.repeatAck(result.message, input);
    await this.deps.bus.publish(topics.conversation(input.conversationId), {
      v: 1,
      type: 'message.new',
      message: result.message,
    });
    return result;
  }

  /**
   * Where a message sits: its conversation and seq, for a reader of that
   * conversation (XMPP MAM pages by message id; history pages by seq). Someone
   * who may not read it gets `not_found`, as if it did not exist.
   */
  async locate(auth: AuthContext, messageId: string): Promise<{ conversationId: string; seq: number }> {
    const message = await this.deps.store.getMessage(messageId);
    const conversation = message && (await this.deps.store.getConversation(message.conversationId));
    const role = conversation?.members.find((m) => m.userId === auth.user.id)?.role;
    if (!message || canRead({ role }) !== null) throw new AppError('not_found', 'No such message.');
    return { conversationId: message.conversationId, seq: message.seq };
  }

  /** A page of history in ascending seq: the newest page by default, or before/after a seq. */
  async history(auth: AuthContext, input: HistoryInput): Promise<{ messages: Message[]; hasMore: boolean }> {
    const conversation = await this.conversations.load(input.conversationId);
    refuse(canRead({ role: conversation.members.find((m) => m.userId === auth.user.id)?.role }));
    const limit = Math.min(input.limit ?? 50, this.deps.limits.historyPageMax);
    if (input.before !== undefined && input.after !== undefined) {
      throw new AppError('bad_request', 'Give either `before` or `after`, not both.');
    }
    if (input.after !== undefined) {
      const page = await this.deps.store.listMessages(input.conversationId, { after: input.after, limit: limit + 1 });
      return { messages: page.slice(0, limit), hasMore: page.length > limit };
    }
    const before = input.before ?? conversation.lastSeq + 1;
    const page = await this.deps.store.listMessages(input.conversationId, { before, limit: limit + 1 });
    return { messages: page.length > limit ? page.slice(1) : page, hasMore: page.length > limit };
  }
}
