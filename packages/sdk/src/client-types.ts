/**
 * The public types of ParleyClient: its options, the events an app listens to and
 * the connection state it reports. Types only.
 */
import type {
  Contact,
  Conversation,
  ConversationSummary,
  EventData,
  Limits,
  Message,
  Presence,
  PrivacySettings,
  Report,
  User,
  Interaction,
  InteractionUpdate,
} from '@parley/protocol';
import type { BackoffOptions } from './backoff';
import type { StopReason } from './connection';
import type { ParleyError } from './errors';
import type { FetchFn } from './http';
import type { Timers } from './timers';
import type { WebSocketConstructor } from './websocket';

/** Options of a {@link ParleyClient}. Durations in milliseconds. */
export interface ParleyClientOptions {
  /** Server base URL, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** WebSocket implementation; the global `WebSocket` by default (use `createNodeClient` on Node 20). */
  WebSocket?: WebSocketConstructor;
  /** WebSocket URL; derived from `baseUrl` (`ws(s)://host/v1/ws`) by default. */
  wsUrl?: string;
  /** A token from an earlier login, e.g. restored from storage. */
  token?: string;
  /**
   * Cursors an app persisted (conversation id -> highest seq it holds), to resume from.
   * Giving them (even `{}`) says the device has state and they name every conversation
   * it holds: any other conversation is new to it and arrives whole, from where the
   * membership starts (P9). Persist every conversation you keep.
   */
  cursors?: Readonly<Record<string, number>>;
  /**
   * Set to false when `cursors` names only the conversations the app follows (for
   * example one it tails) rather than all it holds: the first `sync` then starts the
   * others like a new device would (after the delivered cursor). Default true.
   */
  cursorsComplete?: boolean;
  /**
   * The store epoch persisted with `cursors` ({@link ParleyClient.epoch}). The server
   * compares it: cursors from another store (or from before a backup was restored)
   * are not trusted, and the client starts over (`reset` event).
   */
  epoch?: string;
  /** Reconnect backoff (exponential with full jitter). */
  backoff?: BackoffOptions;
  /** Time a WebSocket request may wait for its answer. Default 15 000. */
  requestTimeoutMs?: number;
  /** Time to open the WebSocket and authenticate. Default 10 000. */
  connectTimeoutMs?: number;
  /** Idle time before a keepalive ping; 0 disables. Default 20 000. */
  pingIntervalMs?: number;
  /** A ping unanswered this long drops the connection. Default 10 000. */
  pingTimeoutMs?: number;
  /** Timeout of HTTP requests. Default 15 000. */
  httpTimeoutMs?: number;
  /** Send `delivered` receipts for received messages automatically (never in channels, where a read receipt moves both cursors). Default true. */
  autoDeliveredReceipts?: boolean;
  /** Batching window of automatic delivered receipts. Default 250. */
  receiptBatchMs?: number;
  /** Wait this long for out-of-order messages before fetching a gap. Default 200. */
  gapFillDelayMs?: number;
  /** Page size for catch-up `history` requests; defaults to the server's `maxHistoryPage`. */
  historyPageSize?: number;
  /** `fetch` implementation; the global one by default. */
  fetch?: FetchFn;
  /** Clock and timers (tests). */
  timers?: Timers;
  /** Random source for backoff jitter (tests). */
  random?: () => number;
}

/** The connection state of a client. */
export type ClientState =
  /** Opening the WebSocket, authenticating and catching up. */
  | { state: 'connecting'; attempt: number }
  /** Authenticated and caught up: live events flow and the outbox is flushing. */
  | { state: 'connected'; user: User; sessionId: string; limits: Limits }
  /** The connection dropped; the client reconnects in `retryInMs`. */
  | { state: 'disconnected'; code: number; reason: string; retryInMs: number }
  /** The client will not reconnect on its own; `reason` says why. */
  | { state: 'stopped'; reason: StopReason; code?: number; error?: ParleyError };

/** A message the outbox gave up on (non-retryable error or closed client). */
export interface FailedSend {
  clientId: string;
  conversationId: string;
  error: ParleyError;
}

/** Events of a {@link ParleyClient} and their payloads. */
export interface ClientEvents {
  /** A message (or system change), exactly once per conversation and in seq order, including your own once acked. */
  message: Message;
  /** A conversation was created, you were added, or its title, members or roles changed. */
  conversation: Conversation;
  /** You left or were removed from a conversation. */
  'conversation.removed': { conversationId: string };
  /**
   * A group or channel you were in was deleted for everyone (live, or found by the next
   * sync after being away): drop it. `conversation.removed` is emitted too, so a list that
   * only handles removal stays right.
   */
  'conversation.deleted': { conversationId: string };
  /** Someone started or stopped typing. */
  typing: EventData<'typing'>;
  /** A member's delivered or read cursor moved. */
  receipt: EventData<'receipt'>;
  /** Your own state in a conversation changed (notification level, marked unread, a thread read), e.g. on another device. */
  'member.updated': EventData<'member.updated'>;
  /** A member reported a message in a conversation you moderate (moderators, admins and the owner). */
  report: Report;
  /** To a bot: a user invoked one of its commands or clicked one of its components; answer with `client.interactions.respond`. */
  interaction: Interaction;
  /** Your invocation or click was deferred, answered (an ephemeral reply is only here) or not answered in time. */
  'interaction.updated': InteractionUpdate;
  /** A user's presence changed. */
  presence: Presence;
  /** A user's profile changed. */
  user: User;
  /** You changed your privacy settings (on any device). */
  privacy: PrivacySettings;
  /** You blocked (`blocked: true`) or unblocked a user (on any device). */
  block: EventData<'block.updated'>;
  /** You added a contact or changed its nickname or groups (on any device). */
  contact: Contact;
  /** You removed a contact (on any device). */
  'contact.removed': { userId: string };
  /** The connection state changed. */
  state: ClientState;
  /** A (re)connect finished catching up; carries the conversation list as the server sent it. */
  synced: { conversations: ConversationSummary[] };
  /**
   * The server's store is not the one the held cursors came from (another epoch, or
   * a restored backup): every message and cursor held was dropped, and what follows
   * is a fresh start. Clear what you show and keep from before, then render the
   * `message` events that follow.
   */
  reset: { epoch: string };
  /** A queued message was given up; its `send()` promise rejects with the same error. */
  'message.failed': FailedSend;
  /** Something went wrong that no promise reports (bad frame, failed resync, throwing handler). */
  error: ParleyError;
}

/** Name of a client event. */
export type ClientEventName = keyof ClientEvents;
