/**
 * ChatController: the one place that talks to the SDK. It mirrors the client's
 * events into the app state (through the pure reducers), fetches what the UI
 * needs (history pages, users, presence), and carries out the user's actions
 * (send, read, start chats, status). Components read the store and call these
 * methods; they never hold a ParleyClient themselves.
 */
import type { Conversation, Message, SettablePresence, User } from '@parley/protocol';
import { newClientId, type ParleyClient, type ClientState } from '@parley/sdk';
import type { PendingItem } from '../lib/timeline-items';
import { initialState, type AppState } from './app-state';
import {
  applyHistory,
  applyMessage,
  applyReceipt,
  applySummaries,
  contiguousStart,
  expireTyping,
  removeConversation,
  setTyping,
  upsertConversation,
} from './reducers';
import { Store } from './store';
import { Uploads } from './uploads';

const PAGE = 50;
/** Re-send "typing" this often while the user keeps typing (the server expires it after 6 s). */
const TYPING_RENEW_MS = 3_000;
const STATUS_KEY = 'parley.status';

export interface ControllerHooks {
  /** The client stopped for good (logged out elsewhere, token gone): back to the login screen. */
  onSignedOut(reason: string): void;
  /** A live message from someone else (for notifications). */
  onIncoming?(message: Message, state: AppState): void;
}

function savedStatus(): SettablePresence {
  const value = localStorage.getItem(STATUS_KEY);
  return value === 'away' || value === 'busy' ? value : 'online';
}

const ignore = (): void => undefined;

export class ChatController {
  readonly store: Store<AppState>;
  /** Uploading and sending files; signed links for showing them. */
  readonly files: Uploads;
  private readonly offs: (() => void)[] = [];
  private readonly usersInFlight = new Set<string>();
  private readonly orphans = new Map<string, Message[]>();
  private readonly typingSentAt = new Map<string, number>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readPending = new Map<string, number>();

  constructor(
    readonly client: ParleyClient,
    me: User,
    private readonly hooks: ControllerHooks,
  ) {
    this.store = new Store(initialState(me, savedStatus()));
    this.files = new Uploads(client, this.store);
  }

  get state(): AppState {
    return this.store.get();
  }

  private update(updater: (state: AppState) => AppState): void {
    this.store.update(updater);
  }

  start(): void {
    const c = this.client;
    this.offs.push(
      c.on('state', (s) => this.onState(s)),
      c.on('synced', ({ conversations }) => {
        this.update((s) => applySummaries(s, conversations));
        this.afterListChange();
      }),
      c.on('conversation', (conversation) => this.onConversation(conversation)),
      c.on('conversation.removed', ({ conversationId }) => this.update((s) => removeConversation(s, conversationId))),
      c.on('message', (message) => this.onMessage(message)),
      c.on('typing', (t) => this.onTyping(t.conversationId, t.userId, t.typing, t.expiresInMs)),
      c.on('receipt', (r) => {
        this.update((s) => applyReceipt(s, r));
      }),
      c.on('presence', (p) => this.update((s) => ({ ...s, presence: { ...s.presence, [p.userId]: p } }))),
      c.on('user', (user) =>
        this.update((s) => ({ ...s, users: { ...s.users, [user.id]: user }, me: user.id === s.me.id ? user : s.me })),
      ),
      c.on('message.failed', ({ clientId, error }) => this.markFailed(clientId, error.message)),
    );
    const onVisible = () => {
      if (document.visibilityState === 'visible' && this.state.activeId !== null) this.markRead(this.state.activeId);
    };
    document.addEventListener('visibilitychange', onVisible);
    this.offs.push(() => document.removeEventListener('visibilitychange', onVisible));

    // The list over HTTP first, so the sidebar fills even before the socket is up.
    c.conversations.list().then((summaries) => {
      this.update((s) => (s.listLoaded ? s : applySummaries(s, summaries)));
      this.afterListChange();
    }, ignore);
    this.refreshContacts();
    // connect() rejects only when the client stops; the 'state' handler reacts to that.
    c.connect().catch(ignore);
  }

  stop(): void {
    for (const off of this.offs.splice(0)) off();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private onState(s: ClientState): void {
    this.update((state) => ({
      ...state,
      connection: s.state,
      everConnected: state.everConnected || s.state === 'connected',
    }));
    if (s.state === 'connected') {
      // Presence is per device and starts as "online": re-apply the chosen status.
      if (this.state.myStatus !== 'online') this.client.presence.set(this.state.myStatus).catch(ignore);
      this.refreshPresence(this.knownUserIds());
      if (this.state.activeId !== null) this.markRead(this.state.activeId);
    }
    if (s.state === 'stopped' && (s.reason === 'session_revoked' || s.reason === 'unauthenticated')) {
      this.hooks.onSignedOut(s.reason);
    }
  }

  private onConversation(conversation: Conversation): void {
    this.update((s) => upsertConversation(s, conversation));
    const orphans = this.orphans.get(conversation.id);
    if (orphans !== undefined) {
      this.orphans.delete(conversation.id);
      for (const m of orphans) this.onMessage(m);
    }
    this.afterListChange();
  }

  private onMessage(message: Message): void {
    if (this.state.conversations[message.conversationId] === undefined) {
      // A message can come before its conversation's first event: fetch it, then apply.
      const held = this.orphans.get(message.conversationId);
      if (held !== undefined) {
        held.push(message);
        return;
      }
      this.orphans.set(message.conversationId, [message]);
      this.client.conversations.get(message.conversationId).then(
        (conversation) => this.onConversation(conversation),
        () => this.orphans.delete(message.conversationId),
      );
      return;
    }
    this.update((s) => applyMessage(s, message));
    if (message.senderId !== this.state.me.id && message.content.type !== 'system') {
      this.hooks.onIncoming?.(message, this.state);
    }
    if (message.content.type === 'system') this.ensureUsers(message.content.userIds ?? []);
    this.ensureUsers([message.senderId]);
    if (message.conversationId === this.state.activeId) this.markRead(message.conversationId);
  }

  private onTyping(conversationId: string, userId: string, typing: boolean, expiresInMs: number): void {
    if (userId === this.state.me.id) return;
    const until = typing ? Date.now() + expiresInMs : 0;
    this.update((s) => setTyping(s, conversationId, userId, until));
    if (typing) this.later(expiresInMs + 50, () => this.update((s) => expireTyping(s, Date.now())));
  }

  private knownUserIds(): string[] {
    const ids = new Set<string>(this.state.contacts);
    for (const c of Object.values(this.state.conversations)) for (const m of c.conversation.members) ids.add(m.userId);
    ids.delete(this.state.me.id);
    return [...ids];
  }

  private afterListChange(): void {
    const ids = this.knownUserIds();
    this.ensureUsers(ids);
    const unknown = ids.filter((id) => this.state.presence[id] === undefined);
    if (unknown.length > 0) this.refreshPresence(unknown);
    const active = this.state.activeId;
    if (active !== null && this.state.conversations[active] !== undefined) void this.ensureOpened(active);
  }

  private refreshPresence(ids: string[]): void {
    if (ids.length === 0) return;
    for (let i = 0; i < ids.length; i += 500) {
      this.client.presence.get(ids.slice(i, i + 500)).then((list) => {
        this.update((s) => {
          const presence = { ...s.presence };
          for (const p of list) presence[p.userId] = p;
          return { ...s, presence };
        });
      }, ignore);
    }
  }

  /** Fetches profiles we do not have yet (once each). */
  ensureUsers(ids: readonly string[]): void {
    for (const id of ids) {
      if (this.state.users[id] !== undefined || this.usersInFlight.has(id)) continue;
      this.usersInFlight.add(id);
      this.client.users.get(id).then(
        (user) => {
          this.usersInFlight.delete(id);
          this.update((s) => ({ ...s, users: { ...s.users, [user.id]: user } }));
        },
        () => this.usersInFlight.delete(id),
      );
    }
  }

  refreshContacts(): void {
    this.client.contacts.list().then((users) => {
      this.update((s) => {
        const all = { ...s.users };
        for (const u of users) all[u.id] = u;
        return { ...s, users: all, contacts: users.map((u) => u.id) };
      });
      const unknown = users.map((u) => u.id).filter((id) => this.state.presence[id] === undefined);
      this.refreshPresence(unknown);
    }, ignore);
  }

  // ---- actions -------------------------------------------------------------------------------

  /** Opens a conversation (or none): loads its newest page the first time and marks it read. */
  open(conversationId: string | null): void {
    this.update((s) => ({ ...s, activeId: conversationId }));
    if (conversationId !== null) void this.ensureOpened(conversationId);
  }

  private async ensureOpened(conversationId: string): Promise<void> {
    const current = this.state.conversations[conversationId];
    if (current === undefined || current.opened || current.loadingOlder) return;
    this.update((s) => {
      const c = s.conversations[conversationId];
      return c === undefined
        ? s
        : { ...s, conversations: { ...s.conversations, [conversationId]: { ...c, loadingOlder: true } } };
    });
    try {
      const page = await this.client.messages.history(conversationId, { limit: PAGE });
      this.update((s) => applyHistory(s, conversationId, page.messages, page.hasMore, true));
      this.ensureUsers(page.messages.map((m) => m.senderId));
      this.markRead(conversationId);
    } catch {
      this.update((s) => applyHistory(s, conversationId, [], true, false));
    }
  }

  /** Loads the page before the oldest message shown (scrolling up). */
  async loadOlder(conversationId: string): Promise<void> {
    const current = this.state.conversations[conversationId];
    if (current === undefined || current.loadingOlder || !current.hasMoreBefore) return;
    if (!current.opened) return this.ensureOpened(conversationId);
    const first = current.messages[contiguousStart(current.messages)];
    if (first === undefined) return;
    this.update((s) => ({
      ...s,
      conversations: { ...s.conversations, [conversationId]: { ...current, loadingOlder: true } },
    }));
    try {
      const page = await this.client.messages.history(conversationId, { before: first.seq, limit: PAGE });
      this.update((s) => applyHistory(s, conversationId, page.messages, page.hasMore, false));
      this.ensureUsers(page.messages.map((m) => m.senderId));
    } catch {
      this.update((s) => applyHistory(s, conversationId, [], true, false));
    }
  }

  /** Marks the open conversation read while the page is visible (debounced a little). */
  markRead(conversationId: string): void {
    if (document.visibilityState !== 'visible' || this.state.activeId !== conversationId) return;
    if (this.readPending.has(conversationId)) return;
    this.readPending.set(conversationId, 1);
    this.later(150, () => {
      this.readPending.delete(conversationId);
      const c = this.state.conversations[conversationId];
      // Check again: the tab may have been hidden since, and a message that arrived
      // meanwhile has not been seen.
      if (c === undefined || this.state.activeId !== conversationId || document.visibilityState !== 'visible') return;
      const seq = c.conversation.lastSeq;
      const mine = c.conversation.members.find((m) => m.userId === this.state.me.id);
      if (seq === 0 || (mine !== undefined && mine.readSeq >= seq && c.unread === 0)) return;
      this.update((s) => applyReceipt(s, { conversationId, userId: s.me.id, kind: 'read', seq }));
      this.client.receipts.markRead(conversationId, seq).catch(ignore);
    });
  }

  /** Sends a message; it shows at once as pending and goes out when the connection allows. */
  send(conversationId: string, text: string): void {
    const clientId = newClientId();
    const item: PendingItem = { clientId, conversationId, text, createdAt: Date.now() };
    this.update((s) => ({ ...s, pending: [...s.pending, item] }));
    this.stopTyping(conversationId);
    this.dispatch(item);
  }

  private dispatch(item: PendingItem): void {
    this.client.messages.send(item.conversationId, item.text, { clientId: item.clientId }).catch((error: unknown) => {
      this.markFailed(item.clientId, error instanceof Error ? error.message : String(error));
    });
  }

  private markFailed(clientId: string, reason: string): void {
    this.update((s) => ({
      ...s,
      pending: s.pending.map((p) => (p.clientId === clientId ? { ...p, failed: reason } : p)),
    }));
  }

  /** Sends a failed message again (same client id: the server stores it at most once). */
  retry(clientId: string): void {
    const item = this.state.pending.find((p) => p.clientId === clientId);
    if (item === undefined) return;
    const again: PendingItem = {
      clientId,
      conversationId: item.conversationId,
      text: item.text,
      createdAt: item.createdAt,
    };
    this.update((s) => ({ ...s, pending: s.pending.map((p) => (p.clientId === clientId ? again : p)) }));
    this.dispatch(again);
  }

  discard(clientId: string): void {
    this.update((s) => ({ ...s, pending: s.pending.filter((p) => p.clientId !== clientId) }));
  }

  /** The composer's text changed: say "typing" (renewed while it goes on), or stop. */
  composing(conversationId: string, hasText: boolean): void {
    if (!hasText) return this.stopTyping(conversationId);
    const last = this.typingSentAt.get(conversationId) ?? 0;
    if (Date.now() - last < TYPING_RENEW_MS) return;
    this.typingSentAt.set(conversationId, Date.now());
    this.client.typing.set(conversationId, true).catch(ignore);
  }

  stopTyping(conversationId: string): void {
    if (!this.typingSentAt.has(conversationId)) return;
    this.typingSentAt.delete(conversationId);
    this.client.typing.set(conversationId, false).catch(ignore);
  }

  async startDirect(userId: string): Promise<string> {
    await this.client.contacts.add(userId).catch(ignore);
    const conversation = await this.client.conversations.createDirect(userId);
    this.onConversation(conversation);
    this.refreshContacts();
    this.open(conversation.id);
    return conversation.id;
  }

  async createGroup(title: string, memberIds: string[]): Promise<string> {
    const conversation = await this.client.conversations.createGroup(title, memberIds);
    this.onConversation(conversation);
    this.open(conversation.id);
    return conversation.id;
  }

  async findUser(username: string): Promise<User | undefined> {
    const [user] = await this.client.users.findByUsername(username.trim().toLowerCase().replace(/^@/, ''));
    if (user !== undefined) this.update((s) => ({ ...s, users: { ...s.users, [user.id]: user } }));
    return user;
  }

  async setStatus(status: SettablePresence): Promise<void> {
    localStorage.setItem(STATUS_KEY, status);
    this.update((s) => ({ ...s, myStatus: status }));
    await this.client.presence.set(status).catch(ignore);
  }

  async setStatusText(text: string): Promise<void> {
    const user = await this.client.account.updateProfile({ statusText: text.trim() === '' ? null : text.trim() });
    this.update((s) => ({ ...s, me: user, users: { ...s.users, [user.id]: user } }));
  }
}
