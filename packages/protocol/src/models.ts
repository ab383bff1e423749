/**
 * Entities as they travel on the wire (WebSocket and HTTP alike). Times are epoch
 * milliseconds (server clock); sequence numbers are per conversation, start at 1
 * and have no gaps (P4).
 */
import { Type, type Static } from 'typebox';
import { ConversationId, MessageId, SessionId, UserId, ClientMessageId } from './ids';
import { FileContent, FileSendContent } from './files';

export const Timestamp = Type.Integer({ minimum: 0, description: 'Epoch milliseconds' });
export const Seq = Type.Integer({
  minimum: 0,
  description: 'Per-conversation sequence number; 0 means "before the first message"',
});

export const Username = Type.String({
  pattern: '^[a-z0-9][a-z0-9_.-]{1,31}$',
  description: 'Lower-case login name, 2-32 characters: letters, digits, "_", "." and "-"',
});

export const User = Type.Object(
  {
    id: UserId,
    username: Username,
    displayName: Type.String(),
    avatarUrl: Type.Union([Type.String(), Type.Null()]),
    statusText: Type.Union([Type.String(), Type.Null()]),
    createdAt: Timestamp,
  },
  { description: 'Public profile of an account' },
);
export type User = Static<typeof User>;

export const Session = Type.Object(
  {
    id: SessionId,
    deviceName: Type.String(),
    createdAt: Timestamp,
    lastSeenAt: Timestamp,
    expiresAt: Timestamp,
    current: Type.Boolean({ description: 'True for the session that made the request' }),
  },
  { description: 'One logged-in device' },
);
export type Session = Static<typeof Session>;

export const Role = Type.Union([Type.Literal('owner'), Type.Literal('admin'), Type.Literal('member')]);
export type Role = Static<typeof Role>;

export const ConversationKind = Type.Union([Type.Literal('direct'), Type.Literal('group')]);
export type ConversationKind = Static<typeof ConversationKind>;

export const Member = Type.Object({
  userId: UserId,
  role: Role,
  joinedAt: Timestamp,
  readSeq: Seq,
  deliveredSeq: Seq,
});
export type Member = Static<typeof Member>;

/** Text content; its size limit is `PARLEY_MAX_MESSAGE_BYTES` in UTF-8 bytes. */
export const TextContent = Type.Object({ type: Type.Literal('text'), text: Type.String({ minLength: 1 }) });
export type TextContent = Static<typeof TextContent>;

export const SystemAction = Type.Union([
  Type.Literal('created'),
  Type.Literal('member.added'),
  Type.Literal('member.removed'),
  Type.Literal('member.left'),
  Type.Literal('member.role'),
  Type.Literal('renamed'),
]);
export type SystemAction = Static<typeof SystemAction>;

/**
 * A change to the conversation itself, recorded in its sequence so that every
 * device sees it in order with the messages (P5).
 */
export const SystemContent = Type.Object({
  type: Type.Literal('system'),
  action: SystemAction,
  userIds: Type.Optional(Type.Array(UserId)),
  title: Type.Optional(Type.String()),
  role: Type.Optional(Role),
});
export type SystemContent = Static<typeof SystemContent>;

export const MessageContent = Type.Union([TextContent, SystemContent, FileContent]);
export type MessageContent = Static<typeof MessageContent>;

/** What a client may send: text, or a file it uploaded (the server fills in the file's details). */
export const SendableContent = Type.Union([TextContent, FileSendContent]);
export type SendableContent = Static<typeof SendableContent>;

export const Message = Type.Object({
  id: MessageId,
  conversationId: ConversationId,
  seq: Type.Integer({ minimum: 1 }),
  senderId: UserId,
  clientId: ClientMessageId,
  content: MessageContent,
  createdAt: Timestamp,
});
export type Message = Static<typeof Message>;

export const Conversation = Type.Object(
  {
    id: ConversationId,
    kind: ConversationKind,
    title: Type.Union([Type.String(), Type.Null()]),
    createdAt: Timestamp,
    lastSeq: Seq,
    lastActivityAt: Timestamp,
    members: Type.Array(Member),
  },
  { description: 'A direct (exactly two people) or group conversation' },
);
export type Conversation = Static<typeof Conversation>;

/** An entry of the conversation list: the conversation as seen by one member. */
export const ConversationSummary = Type.Object({
  conversation: Conversation,
  lastMessage: Type.Union([Message, Type.Null()]),
  unreadCount: Type.Integer({ minimum: 0, description: 'Messages from others after your read cursor' }),
  readSeq: Seq,
  deliveredSeq: Seq,
});
export type ConversationSummary = Static<typeof ConversationSummary>;

export const PresenceStatus = Type.Union([
  Type.Literal('online'),
  Type.Literal('away'),
  Type.Literal('busy'),
  Type.Literal('offline'),
]);
export type PresenceStatus = Static<typeof PresenceStatus>;

/** Status a device may choose; `offline` is derived from having no device connected. */
export const SettablePresence = Type.Union([Type.Literal('online'), Type.Literal('away'), Type.Literal('busy')]);
export type SettablePresence = Static<typeof SettablePresence>;

export const Presence = Type.Object({
  userId: UserId,
  status: PresenceStatus,
  lastSeenAt: Type.Union([Timestamp, Type.Null()]),
});
export type Presence = Static<typeof Presence>;

export const ReceiptKind = Type.Union([Type.Literal('delivered'), Type.Literal('read')]);
export type ReceiptKind = Static<typeof ReceiptKind>;

/** Limits the server enforces, sent at authentication so clients can check early. */
export const Limits = Type.Object({
  maxMessageBytes: Type.Integer(),
  maxFrameBytes: Type.Integer(),
  maxHistoryPage: Type.Integer(),
  maxGroupMembers: Type.Integer(),
  maxFileBytes: Type.Optional(Type.Integer({ description: 'Largest upload accepted, in bytes (absent: no uploads)' })),
});
export type Limits = Static<typeof Limits>;
