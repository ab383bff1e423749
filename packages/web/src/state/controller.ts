/**
 * ChatController: the one place that talks to the SDK. It mirrors the client's
 * events into the app state (through the pure reducers), fetches what the UI
 * needs (history pages, users, presence), and carries out the user's actions
 * (send, read, start chats, status). Components read the store and call these
 * methods; they never hold a ParleyClient themselves.
 */
import type {
  Ban,
  Call,
  ChannelListing,
  Conversation,
  Invite,
  Member,
  Message,
  NotifyLevel,
  PostPolicy,
  PresenceVisibility,
  Report,
  Role,
  SearchHit,
  SettablePresence,
  ThreadListing,
  UpdateConversationBody,
  User,
  Visibility,
} from '@parley/protocol';
import { placeFavourite } from '@parley/protocol';
import {
  newClientId,
  type ClientState,
  type ConversationCommand,
  type InteractionUpdate,
  type ParleyClient,
} from '@parley/sdk';
import { errorText } from '../lib/error-text';
import { mentionsMe } from '../lib/mentions';
import type { PendingItem } from '../lib/timeline-items';
import { initialState, type AppState, type Panel } from './app-state';
import {
  applyBlock,
  applyHistory,
  applyMarkedUnread,
  applyMemberUpdate,
  applyMessage,
  applyReceipt,
  applySummaries,
  applyThreadListings,
  applyThreadLoadingOlder,
  applyThreadPage,
  applyThreadRead,
  contiguousStart,
  expireTyping,
  removeConversation,
  setTyping,
  upsertConversation,
} from './reducers';
import { Store } from './store';
import { Trays } from './trays';
import { Uploads, type MediaHints } from './uploads';
import { CallController } from './calls';
import { favouriteOrder, withFavouriteOrder } from './favourites';
import { forgetLegacyFavourites, legacyFavourites } from '../lib/sidebar-prefs';
import { GroupCallController } from './group-calls';
import { reportFocus } from './focus-reporter';

/** Every user a message names: sender, quoted sender, reactors, thread participants, mentioned people. */
function usersOf(messages: readonly Message[]): string[] {
  const ids = new Set<string>();
  for (const m of messages) {
    ids.add(m.senderId);
    if (m.replyTo !== undefined) ids.add(m.replyTo.senderId);
    if (m.forwardedFrom !== undefined) ids.add(m.forwardedFrom.senderId);
    for (const r of m.reactions ?? []) for (const id of r.userIds) ids.add(id);
    for (const id of m.thread?.participantIds ?? []) ids.add(id);
    for (const id of m.mentions?.userIds ?? []) ids.add(id);
  }
  return [...ids];
}

const PAGE = 50;
/** Replies per page of a thread (the newest page when it opens, then older ones on demand). */
export const THREAD_PAGE = 50;
/** Re-send "typing" this often while the user keeps typing (the server expires it after 6 s). */
const TYPING_RENEW_MS = 3_000;
const STATUS_KEY = 'parley.status';

export interface ControllerHooks {
  /** The client stopped for good (logged out elsewhere, token gone): back to the login screen. */
  onSignedOut(reason: string): void;
  /** A live message from someone else (for notifications). */
  onIncoming?(message: Message, state: AppState): void;
  /** A call rings on this device (for notifications). */
  onRing?(call: Call, state: AppState): void;
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
  /** Files waiting in the composers' trays, previewed before they are sent. */
  readonly trays: Trays;
  /** 1:1 calls: the call screen's state and actions. */
  readonly calls: CallController;
  /** Group calls in groups and channels: availability per conversation, the call screen's state. */
  readonly groupCalls: GroupCallController;
  private readonly offs: (() => void)[] = [];
  private readonly usersInFlight = new Set<string>();
  private readonly orphans = new Map<string, Message[]>();
  private readonly typingSentAt = new Map<string, number>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readPending = new Map<string, number>();
  private readonly readSent = new Map<string, number>();
  private toastNonce = 0;
  /** Favourites this device kept before they lived on the server: looked for once per start. */
  private legacyFavouritesChecked = false;

  constructor(
    readonly client: ParleyClient,
    me: User,
    private readonly hooks: ControllerHooks,
  ) {
    this.store = new Store(initialState(me, savedStatus()));
    this.files = new Uploads(client, this.store);
    this.trays = new Trays(this.store, this.files);
    this.calls = new CallController(
      client,
      (text) => this.notify(text),
      (call) => hooks.onRing?.(call, this.state),
    );
    this.groupCalls = new GroupCallController(client, (text) => this.notify(text));
  }

  get state(): AppState {
    return this.store.get();
  }

  private update(updater: (state: AppState) => AppState): void {
    this.store.update(updater);
  }

  start(): void {
    const c = this.client;
    this.calls.start();
    this.groupCalls.start();
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
      c.on('message.failed', ({ clientId, error }) => this.markFailed(clientId, errorText(error))),
      // A contact added or renamed on any of my devices (or XMPP clients): the list as it is now.
      c.on('contact', (contact) => {
        if (!this.state.contacts.includes(contact.userId)) return this.refreshContacts();
        this.update((s) => {
          const { [contact.userId]: _old, ...others } = s.contactNicknames;
          const nicknames = contact.nickname === null ? others : { ...others, [contact.userId]: contact.nickname };
          return { ...s, contactNicknames: nicknames };
        });
      }),
      c.on('contact.removed', () => this.refreshContacts()),
      c.on('member.updated', (data) => {
        this.update((s) => applyMemberUpdate(s, data));
        if (data.markedUnread === true && this.state.activeId === data.conversationId)
          this.readSent.delete(data.conversationId);
      }),
      c.on('report', (report) => this.onReport(report)),
      c.on('block', ({ userId, blocked }) => {
        this.update((s) => applyBlock(s, userId, blocked));
        this.ensureUsers([userId]);
      }),
      c.on('privacy', (privacy) => this.update((s) => ({ ...s, privacy }))),
    );
    const onVisible = () => {
      if (document.visibilityState === 'visible' && this.state.activeId !== null) this.markRead(this.state.activeId);
    };
    document.addEventListener('visibilitychange', onVisible);
    this.offs.push(() => document.removeEventListener('visibilitychange', onVisible));
    // No pushes of the conversation in front of the user, on any of their devices.
    this.offs.push(reportFocus(c, this.store));

    // The list over HTTP first, so the sidebar fills even before the socket is up.
    c.conversations.list().then((summaries) => {
      this.update((s) => (s.listLoaded ? s : applySummaries(s, summaries)));
      this.afterListChange();
    }, ignore);
    this.refreshContacts();
    this.refreshBlocks();
    // connect() rejects only when the client stops; the 'state' handler reacts to that.
    c.connect().catch(ignore);
  }

  stop(): void {
    for (const off of this.offs.splice(0)) off();
    this.calls.stop();
    this.groupCalls.stop();
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
      limits: s.state === 'connected' ? s.limits : state.limits,
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
    const fromBlocked = this.state.blocked.includes(message.senderId);
    if (
      message.senderId !== this.state.me.id &&
      !fromBlocked &&
      (message.content.type === 'text' || message.content.type === 'file')
    ) {
      const level = this.state.conversations[message.conversationId]?.notifyLevel ?? 'all';
      if (level === 'all' || (level === 'mentions' && mentionsMe(message, this.state.me.id))) {
        this.hooks.onIncoming?.(message, this.state);
      }
    }
    if (message.content.type === 'system') this.ensureUsers(message.content.userIds ?? []);
    this.ensureUsers(usersOf([message]));
    const panel = this.state.panel;
    if (panel?.kind === 'thread' && message.threadId === panel.rootId) this.markThreadRead(panel.rootId);
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
    if (this.state.listLoaded && !this.legacyFavouritesChecked) {
      this.legacyFavouritesChecked = true;
      void this.moveLegacyFavourites();
    }
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
    this.client.contacts.entries().then((entries) => {
      const users = entries.map((e) => e.user);
      this.update((s) => {
        const all = { ...s.users };
        for (const u of users) all[u.id] = u;
        const nicknames: Record<string, string> = {};
        for (const { contact } of entries) if (contact.nickname !== null) nicknames[contact.userId] = contact.nickname;
        return { ...s, users: all, contacts: users.map((u) => u.id), contactNicknames: nicknames };
      });
      const unknown = users.map((u) => u.id).filter((id) => this.state.presence[id] === undefined);
      this.refreshPresence(unknown);
    }, ignore);
  }

  /** The people I blocked (their messages show collapsed); kept current by `block` events. */
  refreshBlocks(): void {
    this.client.blocks.list().then((users) => {
      this.update((s) => {
        const all = { ...s.users };
        for (const u of users) all[u.id] = u;
        return { ...s, users: all, blocked: users.map((u) => u.id) };
      });
    }, ignore);
  }

  // ---- actions -------------------------------------------------------------------------------

  /** Opens a conversation (or none): loads its newest page the first time and marks it read. */
  open(conversationId: string | null): void {
    this.update((s) =>
      s.activeId === conversationId
        ? s
        : { ...s, activeId: conversationId, panel: null, editing: null, highlight: null },
    );
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
      this.ensureUsers(usersOf(page.messages));
      this.markRead(conversationId);
      this.loadThreads(conversationId);
    } catch {
      this.update((s) => applyHistory(s, conversationId, [], true, false));
    }
  }

  /** Loads the page before the oldest message shown (scrolling up); `limit` up to 500 (a jump far back). */
  async loadOlder(conversationId: string, limit = PAGE): Promise<void> {
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
      const page = await this.client.messages.history(conversationId, { before: first.seq, limit });
      this.update((s) => applyHistory(s, conversationId, page.messages, page.hasMore, false));
      this.ensureUsers(usersOf(page.messages));
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
      const readSeq = Math.max(mine?.readSeq ?? 0, this.readSent.get(conversationId) ?? 0);
      if (seq === 0 || (readSeq >= seq && c.unread === 0 && c.mentions === 0 && !c.markedUnread)) return;
      this.readSent.set(conversationId, seq);
      this.update((s) => applyReceipt(s, { conversationId, userId: s.me.id, kind: 'read', seq }));
      this.client.receipts.markRead(conversationId, seq).catch(ignore);
    });
  }

  /**
   * Sends a message; it shows at once as pending and goes out when the connection allows. In the
   * main composer it quotes the message being replied to; in a thread's composer it goes to the thread.
   */
  send(conversationId: string, text: string, options: { threadId?: string; linkPreviews?: false } = {}): void {
    const clientId = newClientId();
    const replyTo = options.threadId === undefined ? this.state.replyTo[conversationId] : undefined;
    const item: PendingItem = {
      clientId,
      conversationId,
      text,
      createdAt: Date.now(),
      ...(replyTo === undefined ? {} : { replyTo }),
      ...(options.threadId === undefined ? {} : { threadId: options.threadId }),
      ...(options.linkPreviews === false ? { linkPreviews: false as const } : {}),
    };
    this.update((s) => ({ ...s, pending: [...s.pending, item] }));
    if (replyTo !== undefined) this.cancelReply(conversationId);
    this.stopTyping(conversationId);
    this.dispatch(item);
  }

  /**
   * Uploads and sends a file (progress and cancel in `uploads`), like `send`: a reply
   * in a thread with `threadId`, else quoting the message being replied to, if any.
   */
  sendFile(conversationId: string, file: Blob, hints: MediaHints = {}, options: { threadId?: string } = {}): void {
    const replyTo = options.threadId === undefined ? this.state.replyTo[conversationId] : undefined;
    if (replyTo !== undefined) this.cancelReply(conversationId);
    this.files.send(conversationId, file, hints, { threadId: options.threadId, replyTo });
  }

  /**
   * Sends the files in a composer's tray, the caption with the first: in a thread with
   * `threadId`, else quoting the message being replied to, if any.
   */
  sendStaged(conversationId: string, caption: string, options: { threadId?: string } = {}): void {
    const replyTo = options.threadId === undefined ? this.state.replyTo[conversationId] : undefined;
    if (replyTo !== undefined) this.cancelReply(conversationId);
    this.stopTyping(conversationId);
    void this.trays.send(conversationId, {
      threadId: options.threadId,
      replyTo,
      caption: caption.trim() === '' ? undefined : caption,
    });
  }

  private dispatch(item: PendingItem): void {
    this.client.messages
      .send(item.conversationId, item.text, {
        clientId: item.clientId,
        ...(item.replyTo === undefined ? {} : { replyTo: item.replyTo }),
        ...(item.threadId === undefined ? {} : { threadId: item.threadId }),
        ...(item.linkPreviews === false ? { linkPreviews: false } : {}),
      })
      .catch((error: unknown) => {
        this.markFailed(item.clientId, errorText(error));
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
    const { failed: _failed, ...again } = item;
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

  // ---- people: the directory, profiles, my account (issue 13) ---------------------------------

  /** People whose username or name starts with `q` (the server decides who may be found). */
  async searchPeople(q: string, cursor?: string): Promise<{ users: User[]; nextCursor: string | null }> {
    const page = await this.client.users.search(q, { limit: 8, ...(cursor === undefined ? {} : { cursor }) });
    this.update((s) => {
      const users = { ...s.users };
      for (const u of page.users) users[u.id] = u;
      return { ...s, users };
    });
    return page;
  }

  /** A fresh profile and presence for a profile card. */
  async loadProfile(userId: string): Promise<void> {
    const user = await this.client.users.get(userId).catch(() => undefined);
    if (user !== undefined) this.update((s) => ({ ...s, users: { ...s.users, [user.id]: user } }));
    this.refreshPresence([userId]);
  }

  private setMe(user: User): void {
    this.update((s) => ({ ...s, me: user, users: { ...s.users, [user.id]: user } }));
  }

  /** Changes my display name (or other profile fields); a refusal shows as a toast. */
  async updateProfile(patch: { displayName?: string; avatarUrl?: null }): Promise<boolean> {
    const user = await this.attempt(this.client.account.updateProfile(patch));
    if (user !== undefined) this.setMe(user);
    return user !== undefined;
  }

  /** Sets my picture from an image the browser cropped (the server makes it a small square too). */
  async uploadAvatar(image: Blob): Promise<boolean> {
    const user = await this.attempt(this.client.account.uploadAvatar(image, image.type || 'image/png'));
    if (user !== undefined) this.setMe(user);
    return user !== undefined;
  }

  /** Changes my password (my other devices are logged out); the refusal's words, or undefined. */
  async changePassword(current: string, next: string): Promise<string | undefined> {
    try {
      await this.client.account.changePassword(current, next);
      return undefined;
    } catch (error) {
      return errorText(error);
    }
  }

  /**
   * Everything of mine as the export archive (docs/export-format.md), for the browser to
   * save. The browser holds it as a Blob until saved. The refusal's words, or the Blob.
   */
  async exportData(): Promise<Blob | string> {
    try {
      return await new Response(await this.client.account.exportData()).blob();
    } catch (error) {
      return errorText(error);
    }
  }

  /**
   * Deletes my account (with everything I sent when `withContent`); this device is then
   * signed out by the server. The refusal's words, or undefined.
   */
  async deleteAccount(password: string, withContent = false): Promise<string | undefined> {
    try {
      await this.client.account.deleteAccount(password, { withContent });
      return undefined;
    } catch (error) {
      return errorText(error);
    }
  }

  /** Sets a group's or channel's picture from an image the browser cropped (owners and admins). */
  async uploadConversationAvatar(conversationId: string, image: Blob): Promise<boolean> {
    const conversation = await this.attempt(
      this.client.conversations.uploadAvatar(conversationId, image, image.type || 'image/png'),
    );
    if (conversation !== undefined) this.onConversation(conversation);
    return conversation !== undefined;
  }

  /** Adds people to a group or channel (admins). */
  async addMembers(conversationId: string, userIds: string[]): Promise<boolean> {
    const conversation = await this.attempt(this.client.conversations.addMembers(conversationId, userIds));
    if (conversation !== undefined) this.onConversation(conversation);
    return conversation !== undefined;
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

  // ---- privacy and blocking --------------------------------------------------------------------

  /** Blocks someone: their messages collapse, neither sees the other's presence (docs/protocol.md). */
  async block(userId: string): Promise<boolean> {
    if ((await this.attempt(this.client.blocks.add(userId).then(() => true))) === undefined) return false;
    this.update((s) => applyBlock(s, userId, true));
    this.refreshPresence([userId]);
    return true;
  }

  async unblock(userId: string): Promise<boolean> {
    if ((await this.attempt(this.client.blocks.remove(userId).then(() => true))) === undefined) return false;
    this.update((s) => applyBlock(s, userId, false));
    this.refreshPresence([userId]);
    return true;
  }

  /** Shows one collapsed message from a blocked person. */
  reveal(messageId: string): void {
    this.update((s) => ({ ...s, revealed: { ...s.revealed, [messageId]: true } }));
  }

  async loadPrivacy(): Promise<void> {
    const privacy = await this.client.account.privacy().catch(() => null);
    if (privacy !== null) this.update((s) => ({ ...s, privacy }));
  }

  async setPresenceVisibility(presence: PresenceVisibility): Promise<boolean> {
    const privacy = await this.attempt(this.client.account.updatePrivacy({ presence }));
    if (privacy === undefined) return false;
    this.update((s) => ({ ...s, privacy }));
    // Reciprocal: what I now see of others may have changed too.
    this.refreshPresence(this.knownUserIds());
    return true;
  }

  // ---- slash commands and interactive messages (docs/bots.md) ---------------------------------

  /** The commands of this conversation's bots (none when they cannot be read). */
  commands(conversationId: string): Promise<ConversationCommand[]> {
    return this.client.commands.list(conversationId).catch(() => []);
  }

  /**
   * Invokes a command (from a thread: `threadId`); settles with the bot's first answer, or a
   * built-in's outcome (rejects with the server's refusal).
   */
  invokeCommand(
    conversationId: string,
    command: ConversationCommand,
    args: Record<string, string>,
    threadId?: string,
  ): Promise<InteractionUpdate> {
    this.stopTyping(conversationId);
    return this.client.commands.invoke(conversationId, command.name, args, {
      botId: command.builtin === true ? undefined : command.botId,
      threadId,
    });
  }

  /** Clicks a button (or picks a menu option) of a bot's message; settles like `invokeCommand`. */
  clickComponent(messageId: string, componentId: string, value?: string): Promise<InteractionUpdate> {
    return this.client.interactions.click(messageId, componentId, value);
  }

  /** Later answers of deferred interactions (and every other update of mine). */
  onInteractionUpdate(listener: (update: InteractionUpdate) => void): () => void {
    return this.client.on('interaction.updated', listener);
  }

  // ---- message actions -------------------------------------------------------------------------

  /** Shows a short notice (the toast) for a moment. */
  notify(text: string): void {
    const nonce = ++this.toastNonce;
    this.update((s) => ({ ...s, toast: { text, nonce } }));
    this.later(5_000, () => this.update((s) => (s.toast?.nonce === nonce ? { ...s, toast: null } : s)));
  }

  /** Runs an action; a refusal shows as a toast and the promise resolves to undefined. */
  private async attempt<T>(work: Promise<T>): Promise<T | undefined> {
    try {
      return await work;
    } catch (error) {
      this.notify(errorText(error));
      return undefined;
    }
  }

  startReply(conversationId: string, messageId: string): void {
    this.update((s) => ({ ...s, replyTo: { ...s.replyTo, [conversationId]: messageId } }));
  }

  cancelReply(conversationId: string): void {
    this.update((s) => {
      if (s.replyTo[conversationId] === undefined) return s;
      const replyTo = { ...s.replyTo };
      delete replyTo[conversationId];
      return { ...s, replyTo };
    });
  }

  /** Opens (or with null closes) the inline editor of one of my messages. */
  startEdit(messageId: string | null): void {
    this.update((s) => ({ ...s, editing: messageId }));
  }

  async edit(messageId: string, text: string): Promise<boolean> {
    const done = await this.attempt(this.client.messages.edit(messageId, text));
    if (done !== undefined) this.startEdit(null);
    return done !== undefined;
  }

  async deleteMessage(messageId: string): Promise<void> {
    await this.attempt(this.client.messages.delete(messageId));
  }

  async react(message: Message, emoji: string): Promise<void> {
    const mine =
      (message.myReactions ?? []).includes(emoji) ||
      (message.reactions ?? []).some((r) => r.emoji === emoji && r.userIds.includes(this.state.me.id));
    await this.attempt(
      mine ? this.client.messages.unreact(message.id, emoji) : this.client.messages.react(message.id, emoji),
    );
  }

  async reactionUsers(messageId: string, emoji: string): Promise<string[]> {
    const page = await this.attempt(this.client.messages.reactionUsers(messageId, emoji, { limit: 100 }));
    const ids = page?.userIds ?? [];
    this.ensureUsers(ids);
    return ids;
  }

  async pin(message: Message): Promise<void> {
    await this.attempt(
      message.pinnedAt === undefined ? this.client.messages.pin(message.id) : this.client.messages.unpin(message.id),
    );
  }

  /** Removes the link previews of one of my messages, for every reader. */
  async removeLinkPreviews(messageId: string): Promise<void> {
    await this.attempt(this.client.messages.removeLinkPreviews(messageId));
  }

  async pins(conversationId: string): Promise<Message[]> {
    const list = (await this.attempt(this.client.messages.pins(conversationId))) ?? [];
    this.ensureUsers(usersOf(list));
    return list;
  }

  /** A page of the conversation's media or other files, newest first; undefined when it failed (toast shown). */
  async conversationFiles(
    conversationId: string,
    kind: 'media' | 'files',
    before?: number,
  ): Promise<{ messages: Message[]; hasMore: boolean } | undefined> {
    const page = await this.attempt(
      this.client.messages.files(conversationId, { kind, limit: 30, ...(before === undefined ? {} : { before }) }),
    );
    if (page !== undefined) this.ensureUsers(usersOf(page.messages));
    return page;
  }

  async forward(messageId: string, toConversationId: string): Promise<boolean> {
    const done = await this.attempt(this.client.messages.forward(messageId, toConversationId));
    if (done !== undefined) this.notify('Message forwarded.');
    return done !== undefined;
  }

  async report(conversationId: string, messageId: string, reason: string): Promise<boolean> {
    const done = await this.attempt(this.client.moderation.report(conversationId, messageId, reason));
    if (done !== undefined) this.notify('Thanks: the moderators will look at it.');
    return done !== undefined;
  }

  // ---- panels, threads, jumping --------------------------------------------------------------

  openPanel(panel: Panel | null): void {
    this.update((s) => ({ ...s, panel }));
    if (panel?.kind === 'thread') void this.loadThread(panel.rootId);
  }

  private async loadThread(rootId: string): Promise<void> {
    const conversationId = this.state.activeId;
    if (conversationId === null) return;
    const page = await this.attempt(
      this.client.messages.history(conversationId, { threadId: rootId, limit: THREAD_PAGE }),
    );
    if (page === undefined) return;
    this.update((s) => applyThreadPage(s, conversationId, rootId, page.messages, undefined, page.hasMore));
    this.ensureUsers(usersOf(page.messages));
    this.markThreadRead(rootId);
    await this.loadThreadRoot(conversationId, rootId);
  }

  /** Loads the page of replies before the first one shown in a thread ("Load earlier replies", scrolling up). */
  async loadOlderReplies(rootId: string): Promise<void> {
    const thread = this.state.threads[rootId];
    const first = thread?.replies[0];
    if (thread === undefined || first === undefined || !thread.loaded || thread.loadingOlder || !thread.hasMoreBefore)
      return;
    const { conversationId } = thread;
    this.update((s) => applyThreadLoadingOlder(s, rootId, true));
    try {
      const page = await this.client.messages.history(conversationId, {
        threadId: rootId,
        before: first.seq,
        limit: THREAD_PAGE,
      });
      this.update((s) => applyThreadPage(s, conversationId, rootId, page.messages, undefined, page.hasMore));
      this.ensureUsers(usersOf(page.messages));
    } catch (error) {
      this.update((s) => applyThreadLoadingOlder(s, rootId, false));
      this.notify(errorText(error));
    }
  }

  /**
   * A thread opened from somewhere its root is not loaded (a search hit, a link):
   * fetch the root by id, so that the pane shows what the replies answer.
   */
  private async loadThreadRoot(conversationId: string, rootId: string): Promise<void> {
    if (this.state.threads[rootId]?.root !== undefined) return;
    if (this.state.conversations[conversationId]?.messages.some((m) => m.id === rootId) === true) return;
    const root = await this.client.messages.get(rootId).catch(() => undefined);
    if (root === undefined) return;
    this.update((s) => applyThreadPage(s, conversationId, rootId, [], root));
    this.ensureUsers(usersOf([root]));
  }

  /** Marks the open thread read up to its last reply (while the page is visible). */
  markThreadRead(rootId: string): void {
    const thread = this.state.threads[rootId];
    const last = thread?.replies[thread.replies.length - 1];
    if (thread === undefined || last === undefined || document.visibilityState !== 'visible') return;
    if ((this.state.threadReads[rootId] ?? 0) >= last.seq) return;
    this.update((s) => applyThreadRead(s, rootId, last.seq));
    this.client.threads.markRead(thread.conversationId, rootId, last.seq).catch(ignore);
  }

  /** The threads I take part in (in one conversation, or everywhere), with their unread counts. */
  async listThreads(conversationId?: string): Promise<ThreadListing[]> {
    const list = await this.attempt(this.client.threads.list(conversationId === undefined ? {} : { conversationId }));
    if (list === undefined) return [];
    this.update((s) => applyThreadListings(s, list));
    this.ensureUsers(usersOf(list.map((t) => t.root)));
    return list;
  }

  private loadThreads(conversationId: string): void {
    this.client.threads
      .list({ conversationId })
      .then((list) => this.update((s) => applyThreadListings(s, list)), ignore);
  }

  /**
   * Opens a conversation at one message (a search result, a quote, a pin): loads older pages
   * until it is in view, then scrolls to it and flashes it. A thread reply opens its thread.
   */
  async jumpTo(conversationId: string, messageId: string, seq: number, threadId?: string): Promise<void> {
    if (this.state.activeId !== conversationId) this.open(conversationId);
    if (threadId !== undefined) {
      this.openPanel({ kind: 'thread', rootId: threadId });
    } else {
      for (let guard = 0; guard < 40; guard++) {
        await this.ensureOpened(conversationId);
        const c = this.state.conversations[conversationId];
        if (c === undefined) return;
        const first = c.messages[contiguousStart(c.messages)];
        if (!c.opened || c.loadingOlder) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          continue;
        }
        if (first === undefined || first.seq <= seq || !c.hasMoreBefore) break;
        // Far back (a link to an old message): big pages, down to just past it.
        await this.loadOlder(conversationId, Math.min(500, Math.max(PAGE, first.seq - seq + PAGE)));
      }
    }
    this.update((s) => ({ ...s, highlight: { messageId, nonce: (s.highlight?.nonce ?? 0) + 1 } }));
  }

  async search(query: {
    query: string;
    conversationId?: string;
    senderId?: string;
    from?: number;
    to?: number;
    cursor?: string;
  }): Promise<{ hits: SearchHit[]; nextCursor: string | null } | undefined> {
    const result = await this.attempt(this.client.search.query({ ...query, limit: 20 }));
    if (result !== undefined) this.ensureUsers(usersOf(result.hits.map((h) => h.message)));
    return result;
  }

  // ---- channels, membership, moderation ---------------------------------------------------------

  async createChannel(options: {
    title: string;
    visibility: Visibility;
    postPolicy: PostPolicy;
    topic?: string;
    description?: string;
  }): Promise<string | undefined> {
    const conversation = await this.attempt(this.client.channels.create(options));
    if (conversation === undefined) return undefined;
    this.onConversation(conversation);
    this.setRole(conversation.id, 'owner');
    this.open(conversation.id);
    return conversation.id;
  }

  private setRole(conversationId: string, role: Role): void {
    this.update((s) => {
      const c = s.conversations[conversationId];
      return c === undefined ? s : { ...s, conversations: { ...s.conversations, [conversationId]: { ...c, role } } };
    });
  }

  async directory(query: string, cursor?: string): Promise<{ channels: ChannelListing[]; nextCursor: string | null }> {
    const page = await this.attempt(
      this.client.channels.directory({
        ...(query === '' ? {} : { query }),
        ...(cursor === undefined ? {} : { cursor }),
        limit: 30,
      }),
    );
    return page ?? { channels: [], nextCursor: null };
  }

  async join(conversationId: string): Promise<boolean> {
    const conversation = await this.attempt(this.client.channels.join(conversationId));
    if (conversation === undefined) return false;
    this.onConversation(conversation);
    if (this.state.conversations[conversationId]?.role === undefined) this.setRole(conversationId, 'member');
    this.open(conversationId);
    return true;
  }

  async updateConversation(conversationId: string, patch: UpdateConversationBody): Promise<boolean> {
    const conversation = await this.attempt(this.client.conversations.update(conversationId, patch));
    if (conversation !== undefined) this.onConversation(conversation);
    return conversation !== undefined;
  }

  async members(conversationId: string, cursor?: string): Promise<{ members: Member[]; nextCursor: string | null }> {
    const page = await this.attempt(
      this.client.conversations.members(conversationId, { ...(cursor === undefined ? {} : { cursor }), limit: 50 }),
    );
    if (page === undefined) return { members: [], nextCursor: null };
    this.ensureUsers(page.members.map((m) => m.userId));
    return page;
  }

  async changeRole(conversationId: string, userId: string, role: Role): Promise<boolean> {
    return (await this.attempt(this.client.conversations.setRole(conversationId, userId, role))) !== undefined;
  }

  async kick(conversationId: string, userId: string): Promise<boolean> {
    const done = await this.attempt(this.client.moderation.kick(conversationId, userId).then(() => true));
    return done === true;
  }

  async ban(conversationId: string, userId: string, durationSeconds?: number, reason?: string): Promise<boolean> {
    const options = {
      ...(durationSeconds === undefined ? {} : { durationSeconds }),
      ...(reason === undefined || reason === '' ? {} : { reason }),
    };
    return (await this.attempt(this.client.moderation.ban(conversationId, userId, options).then(() => true))) === true;
  }

  async unban(conversationId: string, userId: string): Promise<boolean> {
    return (await this.attempt(this.client.moderation.unban(conversationId, userId).then(() => true))) === true;
  }

  async bans(conversationId: string): Promise<Ban[]> {
    const list = (await this.attempt(this.client.moderation.bans(conversationId))) ?? [];
    this.ensureUsers(list.map((b) => b.userId));
    return list;
  }

  async mute(conversationId: string, userId: string, durationSeconds: number): Promise<boolean> {
    return (
      (await this.attempt(this.client.moderation.mute(conversationId, userId, durationSeconds).then(() => true))) ===
      true
    );
  }

  async unmute(conversationId: string, userId: string): Promise<boolean> {
    return (await this.attempt(this.client.moderation.unmute(conversationId, userId).then(() => true))) === true;
  }

  async reports(conversationId: string): Promise<Report[]> {
    const list = (await this.attempt(this.client.moderation.reports(conversationId, { state: 'open' }))) ?? [];
    this.update((s) => ({ ...s, openReports: { ...s.openReports, [conversationId]: list.length } }));
    this.ensureUsers(list.flatMap((r) => [r.reporterId, ...(r.message === null ? [] : [r.message.senderId])]));
    return list;
  }

  async resolveReport(conversationId: string, reportId: string): Promise<boolean> {
    const done =
      (await this.attempt(this.client.moderation.resolveReport(conversationId, reportId).then(() => true))) === true;
    if (done)
      this.update((s) => ({
        ...s,
        openReports: { ...s.openReports, [conversationId]: Math.max(0, (s.openReports[conversationId] ?? 1) - 1) },
      }));
    return done;
  }

  private onReport(report: Report): void {
    if (report.resolvedAt !== null) return;
    this.update((s) => ({
      ...s,
      openReports: { ...s.openReports, [report.conversationId]: (s.openReports[report.conversationId] ?? 0) + 1 },
    }));
    this.ensureUsers([report.reporterId]);
  }

  async createInvite(conversationId: string, expiresInSeconds?: number, maxUses?: number): Promise<Invite | undefined> {
    return this.attempt(
      this.client.invites.create(conversationId, {
        ...(expiresInSeconds === undefined ? {} : { expiresInSeconds }),
        ...(maxUses === undefined ? {} : { maxUses }),
      }),
    );
  }

  async invites(conversationId: string): Promise<Invite[]> {
    return (await this.attempt(this.client.invites.list(conversationId))) ?? [];
  }

  async revokeInvite(conversationId: string, code: string): Promise<boolean> {
    return (await this.attempt(this.client.invites.revoke(conversationId, code).then(() => true))) === true;
  }

  async previewInvite(code: string): Promise<ChannelListing | undefined> {
    const preview = await this.attempt(this.client.invites.preview(code));
    return preview?.channel;
  }

  async acceptInvite(code: string): Promise<boolean> {
    const conversation = await this.attempt(this.client.invites.accept(code));
    if (conversation === undefined) return false;
    this.onConversation(conversation);
    if (this.state.conversations[conversation.id]?.role === undefined) this.setRole(conversation.id, 'member');
    this.open(conversation.id);
    return true;
  }

  async setNotifyLevel(conversationId: string, level: NotifyLevel): Promise<void> {
    const before = this.state.conversations[conversationId]?.notifyLevel;
    this.update((s) => applyMemberUpdate(s, { conversationId, notifyLevel: level }));
    const done = await this.attempt(this.client.conversations.setNotifyLevel(conversationId, level).then(() => true));
    if (done !== true && before !== undefined)
      this.update((s) => applyMemberUpdate(s, { conversationId, notifyLevel: before }));
  }

  /**
   * Adds or moves a favourite: before `before` (another favourite) or last. Shown at once; the
   * server keeps it for every device of mine (they get `member.updated`); undone if refused.
   */
  placeFavourite(conversationId: string, before?: string): Promise<boolean> {
    const order = placeFavourite(favouriteOrder(this.state.conversations), conversationId, { before });
    return this.changeFavourites(order, () =>
      this.client.conversations.favourite(conversationId, before === undefined ? {} : { before }),
    );
  }

  removeFavourite(conversationId: string): Promise<boolean> {
    const order = placeFavourite(favouriteOrder(this.state.conversations), conversationId, null);
    return this.changeFavourites(order, () => this.client.conversations.unfavourite(conversationId));
  }

  private async changeFavourites(order: readonly string[], send: () => Promise<void>): Promise<boolean> {
    const before = favouriteOrder(this.state.conversations);
    this.update((s) => withFavouriteOrder(s, order));
    const done = (await this.attempt(send().then(() => true))) === true;
    if (!done) this.update((s) => withFavouriteOrder(s, before));
    return done;
  }

  /**
   * Favourites an earlier version kept in this browser move to the server once, in their order
   * after the server's own; one that fails stays here for the next start.
   */
  private async moveLegacyFavourites(): Promise<void> {
    const me = this.state.me.id;
    const pending = [...legacyFavourites(me)];
    while (pending.length > 0) {
      const id = pending[0] ?? '';
      const c = this.state.conversations[id];
      if (c !== undefined && c.favouritePosition === null && !(await this.placeFavourite(id))) return;
      pending.shift();
      forgetLegacyFavourites(me, pending);
    }
  }

  /** Marks a conversation unread from one message (or its last), and leaves it so that it stays unread. */
  async markUnread(conversationId: string, seq?: number): Promise<void> {
    const c = this.state.conversations[conversationId];
    if (c === undefined) return;
    const from = seq ?? c.lastMessage?.seq ?? c.conversation.lastSeq;
    if (from < 1) return;
    if (this.state.activeId === conversationId) this.open(null);
    this.readSent.delete(conversationId);
    this.update((s) => applyMarkedUnread(s, conversationId, from));
    await this.attempt(this.client.receipts.markUnread(conversationId, from));
  }

  /** Archives a group or channel: read-only for everyone; every member's list moves it to "Archived". */
  async archive(conversationId: string): Promise<void> {
    const conversation = await this.attempt(this.client.conversations.archive(conversationId));
    if (conversation !== undefined) this.onConversation(conversation);
  }

  async unarchive(conversationId: string): Promise<void> {
    const conversation = await this.attempt(this.client.conversations.unarchive(conversationId));
    if (conversation !== undefined) this.onConversation(conversation);
  }

  /** Deletes a group or channel for everyone (its owner); it leaves every member's list. */
  async deleteConversation(conversationId: string): Promise<void> {
    const done = await this.attempt(this.client.conversations.delete(conversationId).then(() => true));
    if (done === true) this.update((s) => removeConversation(s, conversationId));
  }

  async leave(conversationId: string): Promise<void> {
    const done = await this.attempt(this.client.conversations.leave(conversationId).then(() => true));
    if (done === true) this.update((s) => removeConversation(s, conversationId));
  }
}
