/**
 * ParleyClient, the SDK's public entry point. It owns the wiring: one Connection
 * (socket, auth, reconnect), one Timeline (order and dedupe), one SyncRunner
 * (catch-up after every connect and gap fill), one Outbox (ordered idempotent
 * sends) and the delivered-receipt batcher, and turns server events into typed
 * app events. It keeps the token it logged in with; it persists nothing itself
 * (an app can persist `cursors()` and the token and pass them back in).
 */
import { CallsApi } from './calls-api';
import { GroupCallsApi } from './group-calls-api';
import type {
  Conversation,
  LoginBody,
  Message,
  RegisterBody,
  SecondFactorLoginBody,
  SsoExchangeBody,
  ServerEvent,
  User,
} from '@parley/protocol';
import {
  AccountApi,
  BlocksApi,
  ContactsApi,
  ConversationsApi,
  MessagesApi,
  PresenceApi,
  ReceiptsApi,
  ThreadsApi,
  SessionsApi,
  TypingApi,
  UsersApi,
} from './client-api';
import type { ClientEvents, ClientState, ParleyClientOptions } from './client-types';
import { Connection, type ConnectionStatus } from './connection';
import { Emitter, type Unsubscribe } from './emitter';
import { ParleyError, localError, toParleyError } from './errors';
import { FilesApi } from './files';
import type { AuthResponseBody, ServerInfoResponseBody } from './http';
import { AdminHttpClient } from './admin-http';
import { Outbox } from './outbox';
import { SearchApi } from './search-api';
import { ChannelsApi, InvitesApi, ModerationApi } from './channels-api';
import { BotsApi, WebhooksApi } from './bots-api';
import { PushApi } from './push-api';
import { CommandsApi, InteractionTracker, InteractionsApi } from './interactions-api';
import { DeliveredReceipts } from './receipts';
import { SyncRunner } from './sync';
import { Timeline } from './timeline';
import { lazyGlobalWebSocket, pick, stopError } from './client-support';
import { realTimers, type TimerHandle, type Timers } from './timers';
import { FocusTracker } from './focus';
import { globalWebSocket, webSocketUrl } from './websocket';

interface Waiter {
  resolve(): void;
  reject(error: ParleyError): void;
}

/**
 * A Parley client: log in, connect, and receive every message exactly once and in
 * order, across reconnects.
 *
 * @example
 * ```ts
 * const client = new ParleyClient({ baseUrl: 'https://chat.example.com' });
 * await client.login({ username: 'alice', password: 'secret' });
 * client.on('message', (m) => render(m));
 * client.on('state', (s) => { if (s.state === 'stopped') showLogin(s.reason); });
 * await client.connect();
 * const dm = await client.conversations.createDirect(bobId);
 * await client.messages.send(dm.id, 'hi Bob');
 * ```
 *
 * @example Resuming where the app left off
 * ```ts
 * const client = new ParleyClient({ baseUrl, token: saved.token, cursors: saved.cursors });
 * client.on('message', (m) => { store(m); saved.cursors = client.cursors(); });
 * await client.connect();
 * ```
 */
export class ParleyClient {
  /** Sending and reading messages. */
  readonly messages: MessagesApi;
  /** Conversations: list, create, rename, members, roles, leave. */
  readonly conversations: ConversationsApi;
  /** Typing notifications. */
  readonly typing: TypingApi;
  /** Read and delivered receipts. */
  readonly receipts: ReceiptsApi;
  /** Threads you take part in and their read state. */
  readonly threads: ThreadsApi;
  /** Presence. */
  readonly presence: PresenceApi;
  /**
   * The conversation this device shows in front of its user: no pushes of it reach your
   * devices while it is set (the client repeats it to the server as needed).
   * @example document.addEventListener('visibilitychange', () =>
   *   void client.focus.set(document.visibilityState === 'visible' ? openId : null));
   */
  readonly focus: FocusTracker;
  /** User lookup. */
  readonly users: UsersApi;
  /** Contacts. */
  readonly contacts: ContactsApi;
  /** Blocked users. */
  readonly blocks: BlocksApi;
  /** Logged-in devices. */
  readonly sessions: SessionsApi;
  /** Your own account. */
  readonly account: AccountApi;
  /** Full-text search across your conversations. */
  readonly search: SearchApi;
  /** Channels: create, the public directory, join. */
  readonly channels: ChannelsApi;
  /** Kick, ban, mute, reports. */
  readonly moderation: ModerationApi;
  /** Invite links. */
  readonly invites: InvitesApi;
  /** Bots you own and their tokens (docs/bots.md). */
  readonly bots: BotsApi;
  /** Outgoing and incoming webhooks of your bots. */
  readonly webhooks: WebhooksApi;
  /** Web Push: the VAPID key, this device's subscriptions, do-not-disturb (docs/notifications.md). */
  readonly push: PushApi;
  /** Slash commands: those offered in a conversation, invoking one, a bot's own list. */
  readonly commands: CommandsApi;
  /** Clicking a bot message's buttons and menus; a bot's answers to its interactions. */
  readonly interactions: InteractionsApi;
  private readonly interactionTracker = new InteractionTracker();
  /** Uploading (resumable), linking and downloading files. */
  readonly files: FilesApi;
  /** 1:1 call signalling with typed events (`client.calls.on('incoming', ...)`). */
  readonly calls: CallsApi;
  /** Group call signalling in groups and channels (`client.groupCalls.on('joined', ...)`); media: {@link GroupCall}. */
  readonly groupCalls: GroupCallsApi;

  private readonly emitter: Emitter<ClientEvents>;
  private readonly http: AdminHttpClient;
  private readonly connection: Connection;
  private readonly timeline: Timeline;
  private readonly runner: SyncRunner;
  private readonly outbox: Outbox;
  private readonly receiptBatcher: DeliveredReceipts;
  /** Ids of the channels we know of (see noteConversation). */
  private readonly channelIds = new Set<string>();
  private readonly timers: Timers;
  private currentToken: string | undefined;
  private currentUser: User | undefined;
  private currentState: ClientState = { state: 'stopped', reason: 'closed' };
  private waiters: Waiter[] = [];
  private gapTimer: TimerHandle | undefined;
  private generation = 0;
  private historyPageSize: number;

  constructor(private readonly options: ParleyClientOptions) {
    this.timers = options.timers ?? realTimers;
    this.currentToken = options.token;
    this.historyPageSize = options.historyPageSize ?? 100;
    this.emitter = new Emitter<ClientEvents>((error) =>
      this.emitter.emit('error', new ParleyError('internal', 'an event handler threw', { cause: error })),
    );
    this.http = new AdminHttpClient({
      baseUrl: options.baseUrl,
      getToken: () => this.currentToken,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      ...(options.httpTimeoutMs === undefined ? {} : { timeoutMs: options.httpTimeoutMs }),
    });
    this.connection = new Connection({
      url: options.wsUrl ?? webSocketUrl(options.baseUrl),
      WebSocket: options.WebSocket ?? lazyGlobalWebSocket,
      getToken: () => this.currentToken,
      timers: this.timers,
      ...pick(options, [
        'backoff',
        'requestTimeoutMs',
        'connectTimeoutMs',
        'pingIntervalMs',
        'pingTimeoutMs',
        'random',
      ]),
    });
    this.timeline = new Timeline(options.cursors, { complete: options.cursorsComplete ?? true, epoch: options.epoch });
    this.runner = new SyncRunner({
      timeline: this.timeline,
      sync: (request) => this.connection.request('sync', request),
      history: (conversationId, after) =>
        this.connection.request('history', { conversationId, after, limit: this.historyPageSize }),
      deliver: (messages) => this.deliver(messages),
      onReset: (epoch) => {
        this.receiptBatcher.reset();
        this.emitter.emit('reset', { epoch });
      },
      onSummaries: (summaries) => {
        for (const summary of summaries) this.noteConversation(summary.conversation);
        this.emitter.emit('synced', { conversations: summaries });
      },
      onConversationError: (_id, error) => this.emitter.emit('error', error),
      onRemoved: (conversationId) => this.forgetConversation(conversationId),
    });
    this.outbox = new Outbox({
      send: (entry) =>
        this.connection.request('message.send', {
          conversationId: entry.conversationId,
          clientId: entry.clientId,
          content: entry.content,
          ...(entry.replyTo === undefined ? {} : { replyTo: entry.replyTo }),
          ...(entry.threadId === undefined ? {} : { threadId: entry.threadId }),
          ...(entry.linkPreviews === false ? { linkPreviews: false } : {}),
        }),
      onAcked: (ack) => this.ingest(ack.message),
      onRejected: (error, entry) =>
        this.emitter.emit('message.failed', { clientId: entry.clientId, conversationId: entry.conversationId, error }),
      timers: this.timers,
      ...pick(options, ['random']),
    });
    this.receiptBatcher = new DeliveredReceipts({
      send: (conversationId, seq) => this.connection.request('receipt.set', { conversationId, kind: 'delivered', seq }),
      timers: this.timers,
      onError: (error) => this.emitter.emit('error', error),
      ...(options.receiptBatchMs === undefined ? {} : { delayMs: options.receiptBatchMs }),
    });
    this.connection.on('status', (status) => this.onStatus(status));
    this.connection.on('event', (event) => this.onEvent(event));
    this.connection.on('error', (error) => this.emitter.emit('error', error));
    const ctx = { http: this.http, connection: this.connection, outbox: this.outbox };
    this.messages = new MessagesApi(ctx);
    this.conversations = new ConversationsApi(ctx);
    this.typing = new TypingApi(ctx);
    this.receipts = new ReceiptsApi(ctx);
    this.threads = new ThreadsApi(ctx);
    this.presence = new PresenceApi(ctx);
    this.focus = new FocusTracker(this.connection, this.timers, (error) => this.emitter.emit('error', error));
    this.users = new UsersApi(ctx);
    this.contacts = new ContactsApi(ctx);
    this.blocks = new BlocksApi(ctx);
    this.sessions = new SessionsApi(ctx);
    this.account = new AccountApi(ctx);
    this.search = new SearchApi(ctx);
    this.channels = new ChannelsApi(ctx);
    this.moderation = new ModerationApi(ctx);
    this.invites = new InvitesApi(ctx);
    this.bots = new BotsApi(ctx);
    this.webhooks = new WebhooksApi(ctx);
    this.push = new PushApi(ctx);
    this.commands = new CommandsApi(ctx, this.interactionTracker, this.timers);
    this.interactions = new InteractionsApi(ctx, this.interactionTracker, this.timers);
    this.files = new FilesApi(this.http);
    this.calls = new CallsApi(this.connection, (error) =>
      this.emitter.emit('error', new ParleyError('internal', 'a call event handler threw', { cause: error })),
    );
    this.groupCalls = new GroupCallsApi(this.connection, (error) =>
      this.emitter.emit('error', new ParleyError('internal', 'a group call event handler threw', { cause: error })),
    );
  }

  /**
   * Listens to an event; returns the function that stops listening.
   *
   * @example
   * ```ts
   * const off = client.on('typing', ({ conversationId, userId, typing }) => show(conversationId, userId, typing));
   * off();
   * ```
   */
  on<K extends keyof ClientEvents>(event: K, handler: (payload: ClientEvents[K]) => void): Unsubscribe {
    return this.emitter.on(event, handler);
  }

  /** The current connection state. */
  get state(): ClientState {
    return this.currentState;
  }

  /** The token in use (from login, register, `connect(token)` or the options). */
  get token(): string | undefined {
    return this.currentToken;
  }

  /** The logged-in user, once known (after login, register or connect). */
  get user(): User | undefined {
    return this.currentUser;
  }

  /** Per-conversation cursors: the highest seq handed to the app. Persist them to resume later. */
  cursors(): Record<string, number> {
    return this.timeline.cursors();
  }

  /** The store epoch the cursors belong to: persist it with them and pass both back (`epoch`, `cursors`). */
  epoch(): string | undefined {
    return this.timeline.epoch;
  }

  /**
   * What the server says before anyone logs in (no token needed): whether sign-up is
   * `open` or `closed`, and whether any account exists yet (a fresh server).
   *
   * @example
   * ```ts
   * const { hasAccounts } = await client.serverInfo();
   * if (!hasAccounts) showFirstAccountForm();
   * ```
   */
  serverInfo(): Promise<ServerInfoResponseBody> {
    return this.http.serverInfo();
  }

  /**
   * The device says the network is gone (the browser's `offline` event): drops the
   * socket now instead of waiting for a ping to time out, so that the state says
   * `disconnected` at once; reconnecting follows as after any drop (and
   * {@link reconnectNow} when the network is back). No effect unless connected or connecting.
   */
  networkLost(): void {
    this.connection.reconnect('network lost');
  }

  /** Creates an account and keeps its token. */
  async register(body: RegisterBody): Promise<AuthResponseBody> {
    return this.adopt(await this.http.register(body));
  }

  /** Logs in and keeps the token. */
  async login(body: LoginBody): Promise<AuthResponseBody> {
    return this.adopt(await this.http.login(body));
  }

  /**
   * Finishes a single sign-on login (`GET /v1/auth/sso/start` in the browser, then the
   * provider, then the callback, which puts a one-time code in the web app's address)
   * and keeps the token.
   *
   * @example
   * const code = new URLSearchParams(location.hash.split('?')[1]).get('code');
   * if (code) await client.ssoExchange({ code, deviceName: 'Firefox on Linux' });
   */
  async ssoExchange(body: SsoExchangeBody): Promise<AuthResponseBody> {
    return this.adopt(await this.http.ssoExchange(body));
  }

  /**
   * Finishes a login that `login` refused with `second_factor_required`: the challenge
   * from that error (`secondFactorChallenge(error)`) and a TOTP or recovery code.
   *
   * @example
   * ```ts
   * try {
   *   await client.login({ username, password });
   * } catch (err) {
   *   const pending = secondFactorChallenge(err);
   *   if (!pending) throw err;
   *   await client.loginSecondFactor({ challenge: pending.challenge, code: await askForCode() });
   * }
   * ```
   */
  async loginSecondFactor(body: SecondFactorLoginBody): Promise<AuthResponseBody> {
    return this.adopt(await this.http.loginSecondFactor(body));
  }

  /** Server administration, the audit log and your own 2FA, over HTTP with this client's token. */
  get admin(): AdminHttpClient {
    return this.http;
  }

  /** Revokes this session on the server, forgets the token and closes the connection. */
  async logout(): Promise<void> {
    try {
      await this.http.logout();
    } finally {
      this.close();
      this.currentToken = undefined;
      this.currentUser = undefined;
    }
  }

  /**
   * Opens the connection (with `token`, or the one kept from login) and resolves
   * once authenticated and caught up. Transient failures are retried with backoff
   * while this promise waits; it rejects when the client stops (bad or revoked
   * token, unsupported protocol, `close()`, `maxAttempts` reached).
   */
  connect(token?: string): Promise<void> {
    if (token !== undefined) this.currentToken = token;
    if (this.currentState.state === 'connected') return Promise.resolve();
    if (this.options.WebSocket === undefined && globalWebSocket() === undefined) {
      return Promise.reject(
        new TypeError(
          'no WebSocket implementation: pass options.WebSocket, or use createNodeClient from @parley/sdk/node',
        ),
      );
    }
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.connection.start();
    return done;
  }

  /**
   * Reconnects at once instead of waiting out the backoff, when the client is
   * `disconnected`; does nothing in any other state. Call it when the network is
   * known to be back.
   *
   * @example
   * ```ts
   * window.addEventListener('online', () => client.reconnectNow());
   * ```
   */
  reconnectNow(): void {
    this.connection.retryNow();
  }

  /**
   * Closes the connection and stops reconnecting. Queued messages are rejected
   * (retryable `unavailable`, reason `closed`). The token and cursors are kept,
   * so `connect()` resumes.
   */
  close(): void {
    this.generation += 1;
    this.connection.stop();
    this.goOffline();
    this.outbox.rejectAll(localError('closed', 'the client was closed'));
    if (this.currentState.state !== 'stopped') this.setState({ state: 'stopped', reason: 'closed' });
    this.settleWaiters(localError('closed', 'the client was closed'));
  }

  private adopt(response: AuthResponseBody): AuthResponseBody {
    this.currentToken = response.token;
    this.currentUser = response.user;
    return response;
  }

  private onStatus(status: ConnectionStatus): void {
    switch (status.state) {
      case 'connecting':
        this.goOffline();
        this.setState({ state: 'connecting', attempt: status.attempt });
        return;
      case 'connected':
        this.onAuthenticated(status.auth);
        return;
      case 'disconnected':
        this.goOffline();
        this.setState({ state: 'disconnected', code: status.code, reason: status.reason, retryInMs: status.retryInMs });
        return;
      case 'stopped': {
        this.goOffline();
        const state: ClientState = { state: 'stopped', reason: status.reason };
        if (status.code !== undefined) state.code = status.code;
        if (status.error !== undefined) state.error = status.error;
        this.setState(state);
        this.settleWaiters(status.error ?? stopError(status.reason));
        return;
      }
    }
  }

  private onAuthenticated(auth: NonNullable<Connection['auth']>): void {
    this.currentUser = auth.user;
    this.historyPageSize = this.options.historyPageSize ?? auth.limits.maxHistoryPage;
    const generation = ++this.generation;
    this.receiptBatcher.setOnline(true);
    this.runner.run(true).then(
      () => {
        if (generation !== this.generation || !this.connection.isOpen) return;
        this.outbox.setOnline(true);
        this.focus.setOnline(true);
        this.setState({ state: 'connected', user: auth.user, sessionId: auth.sessionId, limits: auth.limits });
        this.settleWaiters();
        // A call that rang or was answered while this device was away is announced now.
        this.calls.list().catch((error: unknown) => this.emitter.emit('error', toParleyError(error)));
        this.scheduleGapFill();
      },
      (reason: unknown) => {
        if (generation !== this.generation || !this.connection.isOpen) return;
        const error = toParleyError(reason);
        this.emitter.emit('error', error);
        // Without a completed resync we could miss messages: start over on a new socket.
        this.connection.reconnect(`sync failed: ${error.code}`);
      },
    );
  }

  private onEvent(event: ServerEvent): void {
    switch (event.type) {
      case 'message.new':
        this.ingest(event.data.message);
        return;
      case 'conversation.updated':
        this.noteConversation(event.data.conversation);
        return;
      case 'conversation.removed':
        this.forgetConversation(event.data.conversationId);
        return;
      case 'conversation.deleted':
        this.emitter.emit('conversation.deleted', { conversationId: event.data.conversationId });
        this.forgetConversation(event.data.conversationId);
        return;
      case 'typing':
        this.emitter.emit('typing', event.data);
        return;
      case 'receipt':
        this.emitter.emit('receipt', event.data);
        return;
      case 'presence':
        this.emitter.emit('presence', event.data);
        return;
      case 'user.updated':
        if (event.data.user.id === this.currentUser?.id) this.currentUser = event.data.user;
        this.emitter.emit('user', event.data.user);
        return;
      case 'member.updated':
        this.emitter.emit('member.updated', event.data);
        return;
      case 'privacy.updated':
        this.emitter.emit('privacy', event.data.privacy);
        return;
      case 'block.updated':
        this.emitter.emit('block', event.data);
        return;
      case 'contact.updated':
        this.emitter.emit('contact', event.data.contact);
        return;
      case 'contact.removed':
        this.emitter.emit('contact.removed', event.data);
        return;
      case 'report.new':
        this.emitter.emit('report', event.data.report);
        return;
      case 'call.updated':
        this.calls.handleUpdated(event.data.call);
        return;
      case 'interaction.new':
        this.emitter.emit('interaction', event.data.interaction);
        return;
      case 'interaction.updated':
        this.interactionTracker.handle(event.data);
        this.emitter.emit('interaction.updated', event.data);
        return;
      case 'call.signal':
        this.calls.handleSignal(event.data);
        return;
      case 'group_call.updated':
        this.groupCalls.handleUpdated(event.data);
        return;
      case 'sync.required':
        // The server may have missed events for us: resume from our cursors.
        this.runner.run(true).catch((reason: unknown) => this.connection.reconnect(`sync failed: ${String(reason)}`));
        return;
    }
  }

  /**
   * Channels get no automatic delivered receipts: with every connected member
   * acknowledging, one post would cost a write per member. Their delivered cursor
   * moves with read receipts.
   */
  /** Drops what is held for a conversation the user no longer has, and tells the app. */
  private forgetConversation(conversationId: string): void {
    this.timeline.forget(conversationId);
    this.receiptBatcher.forget(conversationId);
    this.emitter.emit('conversation.removed', { conversationId });
  }

  private noteConversation(conversation: Conversation): void {
    if (conversation.kind === 'channel') this.channelIds.add(conversation.id);
    this.emitter.emit('conversation', conversation);
  }

  /** A live message (event or own ack): through the timeline, then to the app. */
  private ingest(message: Message): void {
    this.deliver(this.timeline.receive(message));
    if (this.timeline.heldCount(message.conversationId) > 0) this.scheduleGapFill();
  }

  private deliver(messages: Message[]): void {
    for (const message of messages) {
      this.emitter.emit('message', message);
      const automatic = this.options.autoDeliveredReceipts !== false && !this.channelIds.has(message.conversationId);
      if (automatic && message.senderId !== this.currentUser?.id) {
        this.receiptBatcher.note(message.conversationId, message.seq);
      }
    }
  }

  /** Fills gaps after a short wait, in case the missing messages are only late. */
  private scheduleGapFill(): void {
    if (this.gapTimer !== undefined || this.currentState.state !== 'connected') return;
    if (this.timeline.gaps().length === 0 && this.timeline.unknown().length === 0) return;
    const generation = this.generation;
    this.gapTimer = this.timers.setTimeout(() => {
      this.gapTimer = undefined;
      if (generation !== this.generation || !this.connection.isOpen) return;
      this.runner.run(false).then(
        () => this.scheduleGapFill(),
        (reason: unknown) => {
          if (generation !== this.generation || !this.connection.isOpen) return;
          this.emitter.emit('error', toParleyError(reason));
          this.connection.reconnect('gap fill failed');
        },
      );
    }, this.options.gapFillDelayMs ?? 200);
  }

  private goOffline(): void {
    this.outbox.setOnline(false);
    this.focus.setOnline(false);
    this.receiptBatcher.stop();
    if (this.gapTimer !== undefined) this.timers.clearTimeout(this.gapTimer);
    this.gapTimer = undefined;
  }

  private setState(state: ClientState): void {
    this.currentState = state;
    this.emitter.emit('state', state);
  }

  private settleWaiters(error?: ParleyError): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) {
      if (error === undefined) waiter.resolve();
      else waiter.reject(error);
    }
  }
}
