/**
 * The AI assistant (docs/bots.md "AI assistant", ADR 0027): a built-in bot account that
 * answers when mentioned or in a direct conversation with it, and writes `/summarize`
 * answers. It works off the durable event path: `consume` (inside the dispatcher's
 * transaction, no network) queues one job per question, and `run` (the job) reads the
 * context as the assistant (so only from conversations it is a member of), asks the chat
 * model, and streams the answer into one message that grows by edits, at most one per
 * `editIntervalMs`, ending with a last edit (or a note saying why it stopped).
 *
 * A job that runs again (its node died mid-answer) posts nothing new: the answer's client
 * id is derived from the question, so sending it again returns the first message, which
 * the job then writes again from the start. An answer still being written ends with
 * STREAMING_MARK; one without it is finished, and a job that finds it so stops there.
 * Bots never make the assistant answer (no loops between bots).
 */
import type { InteractionUpdate, Message } from '@parley/protocol';
import { fitContext, STREAMING_MARK, type ContextMessage } from '../domain/assistant-context';
import { contentText } from '../domain/content-text';
import { AppError } from '../domain/errors';
import { newId } from '../domain/ids';
import { ChatModelError, type ChatModel } from '../ports/chat-model';
import type { EventConsumer, JobHandler, JobOutcome, JobRecord } from '../ports/jobs';
import type { OutboxRecord, Store, UserRecord } from '../ports/store';
import { toUser, type AuthContext } from './accounts';
import { BOT_TOKEN_EXPIRY } from './bot-tokens';
import { NO_PASSWORD } from './bots';
import type { ServiceDeps } from './deps';
import type { MessageChangeService } from './message-changes';
import type { MessageService } from './messages';

export const ASSISTANT_JOB = 'assistant.answer';

export interface AssistantOptions {
  username: string;
  /** The model; null: not configured (the assistant refuses politely if its account exists). */
  model: ChatModel | null;
  maxContextTokens: number;
  maxAnswerTokens: number;
  /** One answer, request to last piece (at most half the job lease: main.ts). */
  timeoutMs: number;
  editIntervalMs: number;
  /** The most recent messages read for context before the token budget cuts (bounded by the history page). */
  historyMessages: number;
}

interface AnswerPayload {
  kind: 'reply' | 'summarize';
  /** The question's message id, or the /summarize interaction's id: the answer's client id derives from it. */
  requestId: string;
  conversationId: string;
  /** Who asked. */
  userId: string;
  threadId?: string;
  /** The question (replies). */
  messageId?: string;
}

/** What the answer says when it could not be written (whole). */
export const NOTES = {
  notConfigured:
    'I am not configured on this server, so I cannot answer. An administrator can set PARLEY_ASSISTANT_BASE_URL and PARLEY_ASSISTANT_MODEL.',
  rateLimited: 'You asked me too often: wait a minute and ask again.',
  timeout: '⚠ The model did not answer in time: the answer stops here.',
  busy: "⚠ The model's server is busy (429): ask again in a moment.",
  failed: (status: number) => `⚠ The model's server failed (${status}): the answer stops here.`,
  network: '⚠ The connection to the model broke off: the answer stops here.',
  refused: "⚠ The model's address is not allowed (internal): an administrator must allow it.",
  empty: '⚠ The model gave no answer.',
  noUnread: 'You have no unread messages here.',
} as const;

/** The note that ends an answer the model could not finish. */
export function failureNote(error: ChatModelError): string {
  switch (error.reason) {
    case 'timeout':
      return NOTES.timeout;
    case 'status':
      return error.status === 429 ? NOTES.busy : NOTES.failed(error.status ?? 0);
    case 'refused_address':
      return NOTES.refused;
    case 'network':
      return NOTES.network;
  }
}

const SYSTEM_PROMPT = (name: string) =>
  `You are ${name}, a helpful assistant in a team chat. Messages from people are written as "Name: text". ` +
  'Answer the last message briefly and in its language. Use plain text or simple Markdown.';
const SUMMARY_TASK =
  'Summarise the messages above for the person who asked: the topics, decisions and open questions, in a few short points.';

/** The answer when it is still being written (it ends with the mark); undefined once finished. */
function unfinished(message: Message): Message | undefined {
  const content = message.content;
  return content.type === 'text' && content.text.endsWith(STREAMING_MARK) ? message : undefined;
}

export class AssistantService implements EventConsumer, JobHandler {
  readonly name = 'assistant';
  readonly kind = ASSISTANT_JOB;
  private account: UserRecord | undefined;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly messages: MessageService,
    private readonly changes: MessageChangeService,
    private readonly options: AssistantOptions | null,
  ) {}

  /** True when a model is configured (and /summarize is offered). */
  get available(): boolean {
    return this.options?.model != null && this.account !== undefined;
  }

  /** The assistant's account, when there is one. */
  get user(): UserRecord | undefined {
    return this.account;
  }

  /**
   * At start-up: creates the assistant's bot account when configured (on any node; a node that
   * loses the race reads the winner's). Off, an account left from an earlier run is kept, so
   * that mentions and direct messages get a polite refusal. A person's account of that
   * username is never taken over.
   */
  async start(): Promise<void> {
    if (!this.options) return;
    const { store, clock } = this.deps;
    const username = this.options.username;
    let record = await store.getUserByUsername(username);
    if (!record && this.options.model) {
      const now = clock.now();
      try {
        record = await store.createUser({
          id: newId('u', now),
          username,
          displayName: 'Assistant',
          passwordHash: NO_PASSWORD,
          createdAt: now,
          bot: true,
        });
      } catch (error) {
        record = await store.getUserByUsername(username);
        if (!record) throw error;
      }
    }
    if (record && (record.bot !== true || record.ownerId !== null)) {
      throw new AppError(
        'invalid_operation',
        `PARLEY_ASSISTANT_USERNAME=${username} belongs to an account that is not the assistant: choose another username.`,
      );
    }
    this.account = record;
  }

  private auth(account: UserRecord): AuthContext {
    // The assistant acts in-process, with no token: a session that exists only here names its device.
    const now = this.deps.clock.now();
    return {
      user: account,
      session: {
        id: 's_assistant',
        userId: account.id,
        tokenHash: '',
        deviceName: 'assistant',
        createdAt: now,
        lastSeenAt: now,
        expiresAt: BOT_TOKEN_EXPIRY,
      },
    };
  }

  // ---- the durable consumer ----------------------------------------------------------

  /** One job per question: a person's text that mentions the assistant, or any in a direct conversation with it. */
  async consume(events: readonly OutboxRecord[], tx: Store): Promise<number> {
    const account = this.account;
    if (!account) return 0;
    const now = this.deps.clock.now();
    let jobs = 0;
    for (const record of events) {
      if (record.event.type !== 'message.new') continue;
      const message = record.event.message;
      if (message.content.type !== 'text' || message.senderId === account.id) continue;
      if (!(await this.isQuestion(tx, message, account.id))) continue;
      if ((await tx.getUser(message.senderId))?.bot === true) continue;
      const payload: AnswerPayload = {
        kind: 'reply',
        requestId: message.id,
        conversationId: message.conversationId,
        userId: message.senderId,
        messageId: message.id,
        ...(message.threadId === undefined ? {} : { threadId: message.threadId }),
      };
      await tx.enqueueJob({ id: newId('j', now), kind: ASSISTANT_JOB, payload, dueAt: now, createdAt: now });
      jobs += 1;
    }
    return jobs;
  }

  private async isQuestion(tx: Store, message: Message, assistantId: string): Promise<boolean> {
    if (message.mentions?.userIds.includes(assistantId) === true) return true;
    // One point read per text message: is the assistant a member here, and is it a direct conversation?
    if (!(await tx.getMember(message.conversationId, assistantId))) return false;
    return (await tx.getConversation(message.conversationId, { members: false }))?.kind === 'direct';
  }

  // ---- /summarize ------------------------------------------------------------------------

  /** Queues a summary of the thread, or of the caller's unread messages; the assistant posts it. */
  async summarize(auth: AuthContext, conversationId: string, threadId?: string): Promise<InteractionUpdate> {
    const account = this.account;
    if (!account || !this.options?.model) {
      throw new AppError('assistant_unavailable', 'The assistant is not configured on this server.', {
        details: { reason: 'not_configured' },
      });
    }
    const { store, clock, rates } = this.deps;
    if (!(await store.getMember(conversationId, account.id))) {
      throw new AppError('assistant_unavailable', `Add @${account.username} to this conversation first.`, {
        details: { reason: 'not_member' },
      });
    }
    if (threadId !== undefined && (await store.getMessage(threadId))?.conversationId !== conversationId) {
      throw new AppError('not_found', 'No such thread here.');
    }
    const decision = await rates.take('assistant', auth.user.id);
    if (!decision.allowed) {
      throw new AppError('rate_limited', 'Too many questions to the assistant: wait and retry.', {
        details: { retryAfterMs: decision.retryAfterMs },
      });
    }
    const now = clock.now();
    const requestId = newId('i', now);
    const payload: AnswerPayload = {
      kind: 'summarize',
      requestId,
      conversationId,
      userId: auth.user.id,
      ...(threadId === undefined ? {} : { threadId }),
    };
    await store.transaction((tx) =>
      tx.enqueueJob({ id: newId('j', now), kind: ASSISTANT_JOB, payload, dueAt: now, createdAt: now }),
    );
    return {
      interactionId: requestId,
      conversationId,
      botId: account.id,
      status: 'answered',
      ephemeral: { text: `@${account.username} is writing the summary; it appears here in a moment.` },
    };
  }

  // ---- the job ---------------------------------------------------------------------------

  async run(job: JobRecord): Promise<JobOutcome> {
    const payload = job.payload as AnswerPayload;
    const account = this.account;
    if (!account) return { done: true };
    const auth = this.auth(account);
    try {
      await this.answer(auth, payload);
    } catch (error) {
      // Not a member any more, the question deleted, a send refused: there is nobody to answer.
      if (!(error instanceof AppError)) throw error;
      this.deps.logger.info({ requestId: payload.requestId, code: error.code }, 'assistant answer dropped');
    }
    return { done: true };
  }

  private async answer(auth: AuthContext, payload: AnswerPayload): Promise<void> {
    const model = this.options?.model;
    if (!model || !this.options) {
      await this.post(auth, payload, NOTES.notConfigured);
      return;
    }
    if (payload.kind === 'reply') {
      const decision = await this.deps.rates.take('assistant', payload.userId);
      if (!decision.allowed) {
        await this.post(auth, payload, NOTES.rateLimited);
        return;
      }
    }
    const context = await this.context(auth, payload);
    if (context.messages.length === 0) {
      // Nothing to summarise; a question with no readable text (deleted meanwhile) gets no answer.
      if (payload.kind === 'summarize') await this.post(auth, payload, NOTES.noUnread);
      return;
    }
    const turns = fitContext(
      SYSTEM_PROMPT(auth.user.displayName),
      context.messages,
      auth.user.id,
      this.options.maxContextTokens - this.options.maxAnswerTokens,
      payload.kind === 'summarize' ? SUMMARY_TASK : undefined,
    );
    const posted = await this.post(auth, payload, `${context.heading}…${STREAMING_MARK}`);
    if (!posted) return; // finished by an earlier run of this job
    await this.stream(auth, posted, context.heading, model, turns);
  }

  /**
   * Posts the answer's message (once per request: its client id derives from the request).
   * Undefined when an earlier run already finished it.
   */
  private async post(auth: AuthContext, payload: AnswerPayload, text: string): Promise<Message | undefined> {
    const clientId = `as-${payload.requestId}`;
    // An earlier run of this job posted it already (and may have written part of it since).
    const earlier = await this.messages.getByClientId(auth, auth.user.id, clientId).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'not_found') return undefined;
      throw error;
    });
    if (earlier) return unfinished(earlier);
    const question = payload.messageId === undefined ? undefined : await this.deps.store.getMessage(payload.messageId);
    const sent = await this.messages.send(auth, {
      conversationId: payload.conversationId,
      clientId,
      content: { type: 'text', text },
      linkPreviews: false,
      ...(payload.threadId === undefined ? {} : { threadId: payload.threadId }),
      ...(payload.threadId === undefined && question ? { replyTo: question.id } : {}),
    });
    return sent.duplicate ? unfinished(sent.message) : sent.message;
  }

  /**
   * Streams the model's answer into `message`: an edit at most every `editIntervalMs` (a timer
   * shows what has come so far even while the model pauses), and a last edit with the whole
   * answer, or what came and a note saying why it stopped.
   */
  private async stream(
    auth: AuthContext,
    message: Message,
    heading: string,
    model: ChatModel,
    turns: ReturnType<typeof fitContext>,
  ): Promise<void> {
    const options = this.options!;
    const { clock } = this.deps;
    let text = '';
    let shown = '';
    let lastEdit = clock.now();
    let timer: { cancel(): void } | undefined;
    let edits: Promise<void> = Promise.resolve();
    let editFailure: Error | undefined;
    const flush = () => {
      timer = undefined;
      if (text === shown || text.trim() === '') return;
      shown = text;
      lastEdit = clock.now();
      const body = `${heading}${shown.trimEnd()}${STREAMING_MARK}`;
      edits = edits.then(() =>
        this.changes.updateBotMessage(auth, message.id, { text: body }).then(
          () => undefined,
          (error: unknown) => {
            editFailure ??= error instanceof Error ? error : new Error(String(error));
          },
        ),
      );
    };
    let note: string | undefined;
    try {
      const signal = AbortSignal.timeout(options.timeoutMs);
      for await (const piece of model.stream({ turns, maxTokens: options.maxAnswerTokens, signal })) {
        if (editFailure !== undefined) break; // the message is gone (deleted, the assistant removed)
        text += piece;
        timer ??= clock.setTimeout(flush, Math.max(0, lastEdit + options.editIntervalMs - clock.now()));
      }
    } catch (error) {
      if (!(error instanceof ChatModelError)) throw error;
      this.deps.logger.info(
        { reason: error.reason, status: error.status, messageId: message.id },
        'assistant model failed',
      );
      note = failureNote(error);
    } finally {
      timer?.cancel();
      await edits;
    }
    if (editFailure !== undefined) throw editFailure;
    const answer = text.trim();
    if (note === undefined && answer === '') note = NOTES.empty;
    const body = [answer, note].filter((part) => part !== undefined && part !== '').join('\n\n');
    await this.changes.updateBotMessage(auth, message.id, { text: `${heading}${body}` });
  }

  /** The messages to send the model, read as the assistant (so only where it is a member). */
  private async context(
    auth: AuthContext,
    payload: AnswerPayload,
  ): Promise<{ messages: ContextMessage[]; heading: string }> {
    const { store } = this.deps;
    // Readable is not enough (a public channel is readable by all): the assistant reads only where it is a member.
    if (!(await store.getMember(payload.conversationId, auth.user.id))) {
      throw new AppError('not_member', 'The assistant is not a member of this conversation.');
    }
    const limit = this.options?.historyMessages ?? 50;
    const question = payload.messageId === undefined ? undefined : await store.getMessage(payload.messageId);
    const before = question ? question.seq + 1 : undefined;
    const base = { conversationId: payload.conversationId, limit, ...(before === undefined ? {} : { before }) };
    let found: Message[];
    let heading = '';
    if (payload.threadId !== undefined) {
      const root = await this.messages.read(auth, payload.threadId);
      const replies = await this.messages.history(auth, { ...base, threadId: payload.threadId });
      found = [root, ...replies.messages];
      if (payload.kind === 'summarize') heading = 'Summary of this thread:\n\n';
    } else {
      const page = await this.messages.history(auth, base);
      found = page.messages.filter((m) => m.threadId === undefined);
      if (payload.kind === 'summarize') {
        const readSeq = (await store.getMember(payload.conversationId, payload.userId))?.readSeq ?? 0;
        found = found.filter((m) => m.seq > readSeq && m.senderId !== payload.userId);
        const asker = await store.getUser(payload.userId);
        heading = `Summary of your ${found.length} unread messages, @${asker?.username ?? ''}:\n\n`;
      }
    }
    // The answers being written (this one included) are not context.
    const readable = found.filter((m) => !(m.senderId === auth.user.id && m.clientId === `as-${payload.requestId}`));
    const users = new Map(
      (await store.getUsers([...new Set(readable.map((m) => m.senderId))])).map((u) => [u.id, toUser(u).displayName]),
    );
    const messages: ContextMessage[] = [];
    for (const m of readable) {
      const text = contentText(m.content);
      if (text.readable)
        messages.push({ senderId: m.senderId, senderName: users.get(m.senderId) ?? '?', text: text.text });
    }
    return { messages, heading };
  }
}
