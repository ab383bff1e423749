/**
 * The web app's state: what the UI shows, as one immutable value. The SDK owns
 * delivery (order, dedupe, resync); this state only mirrors what it reports, plus
 * UI facts (the open conversation, messages still in the outbox, typing timers).
 */
import type { Conversation, Message, Presence, SettablePresence, User } from '@parley/protocol';
import type { ClientState } from '@parley/sdk';
import type { PendingItem } from '../lib/timeline-items';

export interface ConversationState {
  conversation: Conversation;
  lastMessage: Message | null;
  /** Messages from others after my read cursor. */
  unread: number;
  /** Messages up to this seq are already counted in `unread` (the sync summary counted them). */
  countedThrough: number;
  /** Messages held for display, ascending by seq, no duplicates. */
  messages: readonly Message[];
  /** The newest history page was fetched (so `messages` ends at the conversation's latest). */
  opened: boolean;
  /** Older history exists before the first contiguous message. */
  hasMoreBefore: boolean;
  loadingOlder: boolean;
}

export type ConnectionState = ClientState['state'];

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
  contacts: readonly string[];
  activeId: string | null;
  myStatus: SettablePresence;
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
    contacts: [],
    activeId: null,
    myStatus,
  };
}
