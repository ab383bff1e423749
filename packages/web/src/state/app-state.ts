/**
 * The web app's state: what the UI shows, as one immutable value. The SDK owns
 * delivery (order, dedupe, resync); this state only mirrors what it reports, plus
 * UI facts (the open conversation, messages still in the outbox, typing timers).
 */
import type {
  Conversation,
  Limits,
  Message,
  NotifyLevel,
  Presence,
  PrivacySettings,
  Role,
  SettablePresence,
  User,
} from '@parley/protocol';
import type { ClientState } from '@parley/sdk';
import type { Line } from '../lib/names';
import type { PendingItem } from '../lib/timeline-items';

export interface ConversationState {
  conversation: Conversation;
  lastMessage: Message | null;
  /** Messages from others after my read cursor (top level: not thread replies). */
  unread: number;
  /** Unread messages (thread replies included) that mention me, @here or @channel. */
  mentions: number;
  notifyLevel: NotifyLevel;
  /** I marked the conversation unread (reading it clears this). */
  markedUnread: boolean;
  /** My place for it in my favourites (0 first), kept by the server for all my devices; null: not one. */
  favouritePosition: number | null;
  /** My role here (undefined until the server's list says; direct and group members carry it too). */
  role: Role | undefined;
  /** A moderator muted me here until then. */
  mutedUntil: number | null;
  /** When I last posted here (for the slow-mode countdown). */
  lastPostAt: number;
  /** Messages up to this seq are already counted in `unread` (the sync summary counted them). */
  countedThrough: number;
  /**
   * Entries held, ascending by seq, no duplicates: messages, system changes, thread replies and
   * update entries alike (so that the run of consecutive seqs is known). The timeline shows only
   * top-level messages; update entries are folded into their targets as they arrive.
   */
  messages: readonly Message[];
  /** The newest history page was fetched (so `messages` ends at the conversation's latest). */
  opened: boolean;
  /** Older history exists before the first contiguous message. */
  hasMoreBefore: boolean;
  loadingOlder: boolean;
}

export type ConnectionState = ClientState['state'];

/** The replies of one thread, as far as fetched. */
export interface ThreadState {
  conversationId: string;
  /** The root message, when known (it may live on a page of history not loaded). */
  root: Message | undefined;
  /** Replies ascending by seq: the newest page, and older pages as they are loaded. */
  replies: readonly Message[];
  loaded: boolean;
  /** Older replies exist before the first one held (from the last history page). */
  hasMoreBefore: boolean;
  /** A page of older replies is on its way. */
  loadingOlder: boolean;
}

/** Side panes of the chat view. */
export type Panel =
  { kind: 'thread'; rootId: string } | { kind: 'pins' } | { kind: 'members' } | { kind: 'info' } | { kind: 'reports' };

/** A file being uploaded (then sent) from this browser. */
export interface UploadItem {
  id: string;
  conversationId: string;
  name: string;
  size: number;
  /** Bytes the server has acknowledged. */
  sent: number;
  /** Uploaded; the file message is on its way. */
  sending?: boolean;
  failed?: string;
}

/** A file in the composer's tray, waiting to be sent. */
export interface StagedFile {
  id: string;
  file: File;
}

/** The tray of one composer (a conversation's, or a thread's): its files and why others were refused. */
export interface StagedTray {
  files: readonly StagedFile[];
  /** Why files were refused, a sentence each (file names as user text). */
  errors: readonly Line[];
}

export interface AppState {
  me: User;
  connection: ConnectionState;
  /** Became connected at least once: before that, "connecting" is not an outage. */
  everConnected: boolean;
  conversations: Readonly<Record<string, ConversationState>>;
  /** True once the first conversation list arrived (HTTP or sync). */
  listLoaded: boolean;
  users: Readonly<Record<string, User>>;
  presence: Readonly<Record<string, Presence>>;
  /** conversationId -> userId -> expiry (epoch ms). */
  typing: Readonly<Record<string, Readonly<Record<string, number>>>>;
  pending: readonly PendingItem[];
  uploads: readonly UploadItem[];
  /** Files picked, pasted or dropped and not sent yet, by composer (see `trayKey`). */
  staged: Readonly<Record<string, StagedTray>>;
  contacts: readonly string[];
  /** What I call my contacts (my nickname for them, only I see it), by user id. */
  contactNicknames: Readonly<Record<string, string>>;
  /** People I blocked: their messages show collapsed and never count as mentions. */
  blocked: readonly string[];
  /** Messages from blocked people I chose to show (this session). */
  revealed: Readonly<Record<string, true>>;
  /** My privacy settings (null until loaded). */
  privacy: PrivacySettings | null;
  activeId: string | null;
  myStatus: SettablePresence;
  limits: Limits | null;
  /** Thread replies by root message id. */
  threads: Readonly<Record<string, ThreadState>>;
  /** My read cursor per thread (root id -> seq), for the threads I take part in. */
  threadReads: Readonly<Record<string, number>>;
  /** The side pane of the open conversation. */
  panel: Panel | null;
  /** The message the composer replies to, per conversation. */
  replyTo: Readonly<Record<string, string>>;
  /** The message being edited inline. */
  editing: string | null;
  /** A message to scroll to and flash (search results, quotes); `nonce` repeats a jump. */
  highlight: { messageId: string; nonce: number } | null;
  /** Open reports per conversation (moderators). */
  openReports: Readonly<Record<string, number>>;
  /** A short notice about the last action (e.g. why the server refused it), shown as a toast. */
  toast: { text: string; nonce: number } | null;
}

export function initialState(me: User, myStatus: SettablePresence): AppState {
  return {
    me,
    connection: 'connecting',
    everConnected: false,
    conversations: {},
    listLoaded: false,
    users: { [me.id]: me },
    presence: {},
    typing: {},
    pending: [],
    uploads: [],
    staged: {},
    contacts: [],
    contactNicknames: {},
    blocked: [],
    revealed: {},
    privacy: null,
    activeId: null,
    myStatus,
    limits: null,
    threads: {},
    threadReads: {},
    panel: null,
    replyTo: {},
    editing: null,
    highlight: null,
    openReports: {},
    toast: null,
  };
}

/** The tray of a conversation's composer, or of a thread's. */
export function trayKey(conversationId: string, threadId?: string): string {
  return threadId === undefined ? conversationId : `${conversationId}/${threadId}`;
}
