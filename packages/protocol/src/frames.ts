/**
 * WebSocket frames. Every frame is one JSON text message. Client frames carry an
 * `id` chosen by the client; the server answers each with exactly one `result` or
 * `error` frame whose `re` repeats that id (P1). Server events carry no `re`.
 */
import { Type, type Static, type TSchema } from 'typebox';
import { ConversationId, UserId, ClientMessageId, SessionId, MessageId } from './ids';
import {
  Contact,
  ConversationSummary,
  Limits,
  Message,
  Presence,
  PrivacySettings,
  ReceiptKind,
  SendableContent,
  SettablePresence,
  Seq,
  Timestamp,
  User,
  Conversation,
  SearchHit,
  FavouritePosition,
  NotifyLevel,
  Report,
} from './models';
import { ERROR_CODES, type ErrorCode } from './errors';
import {
  CallIdData,
  CallListResult,
  CallResult,
  CallSignalData,
  CallSignalEventData,
  CallStartData,
  CallUpdatedData,
  IceServersData,
  IceServersResult,
} from './calls';
import {
  GroupCallAnswerData,
  GroupCallConversationData,
  GroupCallJoinData,
  GroupCallJoinResult,
  GroupCallMediaData,
  GroupCallStateResult,
  GroupCallSubscribeData,
  GroupCallSubscribeResult,
  GroupCallUnsubscribeData,
  GroupCallUpdatedData,
} from './group-calls';
import { Interaction, InteractionUpdate } from './interactions';

const RequestId = Type.String({ minLength: 1, maxLength: 64, description: 'Client-chosen request id' });

function request<T extends string, D extends TSchema>(type: T, data: D) {
  return Type.Object({ type: Type.Literal(type), id: RequestId, data }, { additionalProperties: false });
}

// ---- client -> server -------------------------------------------------------

export const AuthData = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 256 }),
    protocol: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);

export const MessageSendData = Type.Object(
  {
    conversationId: ConversationId,
    clientId: ClientMessageId,
    content: SendableContent,
    replyTo: Type.Optional(MessageId),
    /** Reply in the thread under this root message. */
    threadId: Type.Optional(MessageId),
    /** false: the server fetches no link previews for this message (default true). */
    linkPreviews: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** At most 64 UTF-16 units of emoji (one grapheme, skin tones and ZWJ sequences included). */
export const Emoji = Type.String({ minLength: 1, maxLength: 64, description: 'One Unicode emoji' });

export const MessageEditData = Type.Object(
  { messageId: MessageId, text: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);
export const MessageDeleteData = Type.Object({ messageId: MessageId }, { additionalProperties: false });
export const ReactionSetData = Type.Object(
  { messageId: MessageId, emoji: Emoji, reacted: Type.Boolean({ description: 'true adds, false removes' }) },
  { additionalProperties: false },
);
export const MessagePinData = Type.Object(
  { messageId: MessageId, pinned: Type.Boolean() },
  { additionalProperties: false },
);
/** The sender removes the link previews of their own message (and no later edit brings them back). */
export const LinkPreviewsRemoveData = Type.Object({ messageId: MessageId }, { additionalProperties: false });
export const ThreadReadData = Type.Object(
  { conversationId: ConversationId, threadId: MessageId, seq: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);
export const UnreadMarkData = Type.Object(
  {
    conversationId: ConversationId,
    seq: Type.Integer({ minimum: 1, description: 'The first message to show as unread' }),
  },
  { additionalProperties: false },
);

export const SearchData = Type.Object(
  {
    query: Type.String({ minLength: 1, maxLength: 200 }),
    conversationId: Type.Optional(ConversationId),
    senderId: Type.Optional(UserId),
    from: Type.Optional(Timestamp),
    to: Type.Optional(Timestamp),
    sort: Type.Optional(Type.Union([Type.Literal('recent'), Type.Literal('relevance')])),
    cursor: Type.Optional(Type.String({ maxLength: 200, description: 'nextCursor of the previous page' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
  },
  { additionalProperties: false },
);

export const SyncData = Type.Object(
  {
    cursors: Type.Record(Type.String(), Seq, {
      description:
        'Highest contiguous seq the client holds per conversation id; see `complete` for the conversations it does not name',
    }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    complete: Type.Optional(
      Type.Boolean({
        description:
          'True when the device has state and `cursors` names every conversation it holds: a conversation it does not name is new to it and starts where the membership starts (its creation or join entry). False or absent (a new device): unnamed conversations start after the delivered cursor, older entries through `history`',
      }),
    ),
    epoch: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description:
          'The `epoch` of the sync result the cursors came from. Another epoch means they belong to another store (or to this one before a backup was restored): the server answers `reset: true` and treats the device as new',
      }),
    ),
  },
  { additionalProperties: false },
);

export const HistoryData = Type.Object(
  {
    conversationId: ConversationId,
    before: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Return messages with seq < before, newest first page' }),
    ),
    after: Type.Optional(Type.Integer({ minimum: 0, description: 'Return messages with seq > after' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    /** Only the replies in the thread under this root message. */
    threadId: Type.Optional(MessageId),
  },
  { additionalProperties: false },
);

export const TypingSetData = Type.Object(
  { conversationId: ConversationId, typing: Type.Boolean() },
  { additionalProperties: false },
);

export const ReceiptSetData = Type.Object(
  { conversationId: ConversationId, kind: ReceiptKind, seq: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);

export const PresenceSetData = Type.Object({ status: SettablePresence }, { additionalProperties: false });

/**
 * Which conversation this device shows in front of its user (focused window, visible
 * page), or null. While it holds, nobody's pushes for that conversation reach any of the
 * user's devices (docs/notifications.md); it lapses after `expiresInMs` unless sent
 * again, and when the connection closes.
 */
export const FocusSetData = Type.Object(
  { conversationId: Type.Union([ConversationId, Type.Null()]) },
  { additionalProperties: false },
);

export const PresenceGetData = Type.Object(
  { userIds: Type.Array(UserId, { maxItems: 500 }) },
  { additionalProperties: false },
);

export const PingData = Type.Object({}, { additionalProperties: false });

export const ClientFrameSchemas = {
  auth: request('auth', AuthData),
  ping: request('ping', PingData),
  'message.send': request('message.send', MessageSendData),
  sync: request('sync', SyncData),
  history: request('history', HistoryData),
  'typing.set': request('typing.set', TypingSetData),
  'receipt.set': request('receipt.set', ReceiptSetData),
  'presence.set': request('presence.set', PresenceSetData),
  'presence.get': request('presence.get', PresenceGetData),
  'focus.set': request('focus.set', FocusSetData),
  'message.edit': request('message.edit', MessageEditData),
  'message.delete': request('message.delete', MessageDeleteData),
  'reaction.set': request('reaction.set', ReactionSetData),
  'message.pin': request('message.pin', MessagePinData),
  'link_previews.remove': request('link_previews.remove', LinkPreviewsRemoveData),
  'thread.read': request('thread.read', ThreadReadData),
  'unread.mark': request('unread.mark', UnreadMarkData),
  search: request('search', SearchData),
  'call.start': request('call.start', CallStartData),
  'call.accept': request('call.accept', CallIdData),
  'call.decline': request('call.decline', CallIdData),
  'call.hangup': request('call.hangup', CallIdData),
  'call.signal': request('call.signal', CallSignalData),
  'call.ice_servers': request('call.ice_servers', IceServersData),
  'call.list': request('call.list', IceServersData),
  'group_call.get': request('group_call.get', GroupCallConversationData),
  'group_call.join': request('group_call.join', GroupCallJoinData),
  'group_call.subscribe': request('group_call.subscribe', GroupCallSubscribeData),
  'group_call.answer': request('group_call.answer', GroupCallAnswerData),
  'group_call.unsubscribe': request('group_call.unsubscribe', GroupCallUnsubscribeData),
  'group_call.media': request('group_call.media', GroupCallMediaData),
  'group_call.leave': request('group_call.leave', GroupCallConversationData),
} as const;

export type ClientFrameType = keyof typeof ClientFrameSchemas;
export type ClientFrame = { [K in ClientFrameType]: Static<(typeof ClientFrameSchemas)[K]> }[ClientFrameType];
export type ClientFrameOf<K extends ClientFrameType> = Static<(typeof ClientFrameSchemas)[K]>;
export type ClientData<K extends ClientFrameType> = ClientFrameOf<K>['data'];

export function isClientFrameType(type: unknown): type is ClientFrameType {
  return typeof type === 'string' && Object.hasOwn(ClientFrameSchemas, type);
}

// ---- results (data of the `result` frame answering each client frame) -------

export const AuthResult = Type.Object({
  user: User,
  sessionId: SessionId,
  protocol: Type.Integer(),
  serverTime: Timestamp,
  limits: Limits,
});
export const MessageSendResult = Type.Object({
  message: Message,
  duplicate: Type.Boolean({
    description: 'True when this client id was already stored: the first ack is repeated (P6)',
  }),
});
export const SyncResult = Type.Object({
  conversations: Type.Array(ConversationSummary),
  messages: Type.Array(Message, { description: 'Missed messages, ascending seq within each conversation' }),
  truncated: Type.Array(ConversationId, {
    description: 'Conversations with more missed messages than the limit: page the rest with `history`',
  }),
  epoch: Type.String({ description: "The store's identity: keep it with the cursors and send it with the next sync" }),
  removed: Type.Optional(
    Type.Array(ConversationId, {
      description:
        'Conversations named in `cursors` that you can no longer read (you left or were removed while away, or the conversation was deleted): drop them',
    }),
  ),
  reset: Type.Optional(
    Type.Literal(true, {
      description:
        "The cursors sent are not from this store (another epoch, or a cursor beyond a conversation's last seq: a restored backup). They were ignored and the device was resynced as a new one: drop every message and cursor held and start over from this result",
    }),
  ),
});
export const HistoryResult = Type.Object({
  messages: Type.Array(Message, { description: 'Ascending seq' }),
  hasMore: Type.Boolean({ description: 'More messages exist in the requested direction' }),
});
export const EmptyResult = Type.Object({});
export const PresenceGetResult = Type.Object({ presences: Type.Array(Presence) });
export const FocusSetResult = Type.Object({
  expiresInMs: Type.Integer({
    minimum: 1,
    description: 'The focus lapses after this long: send `focus.set` again before then while it holds',
  }),
});
export const MessageResult = Type.Object({ message: Message });
export const SearchResult = Type.Object({
  hits: Type.Array(SearchHit),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `cursor` for the next page' }),
});

export const ResultSchemas = {
  auth: AuthResult,
  ping: EmptyResult,
  'message.send': MessageSendResult,
  sync: SyncResult,
  history: HistoryResult,
  'typing.set': EmptyResult,
  'receipt.set': EmptyResult,
  'presence.set': EmptyResult,
  'presence.get': PresenceGetResult,
  'focus.set': FocusSetResult,
  'message.edit': MessageResult,
  'message.delete': MessageResult,
  'reaction.set': MessageResult,
  'message.pin': MessageResult,
  'link_previews.remove': MessageResult,
  'thread.read': EmptyResult,
  'unread.mark': EmptyResult,
  search: SearchResult,
  'call.start': CallResult,
  'call.accept': CallResult,
  'call.decline': CallResult,
  'call.hangup': CallResult,
  'call.signal': EmptyResult,
  'call.ice_servers': IceServersResult,
  'call.list': CallListResult,
  'group_call.get': GroupCallStateResult,
  'group_call.join': GroupCallJoinResult,
  'group_call.subscribe': GroupCallSubscribeResult,
  'group_call.answer': EmptyResult,
  'group_call.unsubscribe': EmptyResult,
  'group_call.media': EmptyResult,
  'group_call.leave': EmptyResult,
} as const satisfies Record<ClientFrameType, TSchema>;

export type ResultOf<K extends ClientFrameType> = Static<(typeof ResultSchemas)[K]>;

// ---- server -> client -------------------------------------------------------

const ErrorCodeSchema = Type.Union((Object.keys(ERROR_CODES) as ErrorCode[]).map((code) => Type.Literal(code)));

export const WireErrorSchema = Type.Object({
  code: ErrorCodeSchema,
  message: Type.String(),
  retryable: Type.Boolean(),
  details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

function event<T extends string, D extends TSchema>(type: T, data: D) {
  return Type.Object({ type: Type.Literal(type), data });
}

export const EventSchemas = {
  /** A new message (or system change) in a conversation you are a member of. */
  'message.new': event('message.new', Type.Object({ message: Message })),
  /** You were added to a conversation, or its title, members or roles changed. */
  'conversation.updated': event('conversation.updated', Type.Object({ conversation: Conversation })),
  /** You left or were removed from a conversation: drop it from the list. */
  'conversation.removed': event('conversation.removed', Type.Object({ conversationId: ConversationId })),
  /** The conversation was deleted for everyone (its messages and files are being erased): drop it. */
  'conversation.deleted': event('conversation.deleted', Type.Object({ conversationId: ConversationId })),
  /** Someone started or stopped typing; `typing: true` expires on its own after `expiresInMs`. */
  typing: event(
    'typing',
    Type.Object({
      conversationId: ConversationId,
      userId: UserId,
      typing: Type.Boolean(),
      expiresInMs: Type.Integer(),
    }),
  ),
  /** A member's delivered or read cursor moved forward. */
  receipt: event(
    'receipt',
    Type.Object({ conversationId: ConversationId, userId: UserId, kind: ReceiptKind, seq: Seq }),
  ),
  /** A contact's or conversation partner's aggregated presence changed. */
  presence: event('presence', Presence),
  /** A user you can see changed their profile. */
  'user.updated': event('user.updated', Type.Object({ user: User })),
  /** You changed your privacy settings (on any device). */
  'privacy.updated': event('privacy.updated', Type.Object({ privacy: PrivacySettings })),
  /** You blocked or unblocked someone (on any device). */
  'block.updated': event('block.updated', Type.Object({ userId: UserId, blocked: Type.Boolean() })),
  /** You added a contact or changed your nickname or groups for one (on any device). */
  'contact.updated': event('contact.updated', Type.Object({ contact: Contact })),
  /** You removed a contact (on any device). */
  'contact.removed': event('contact.removed', Type.Object({ userId: UserId })),
  /**
   * Your own per-conversation state changed on another device (notification level, marked
   * unread, thread read, place in your favourites: one event per conversation whose place moved).
   */
  'member.updated': event(
    'member.updated',
    Type.Object({
      conversationId: ConversationId,
      notifyLevel: Type.Optional(NotifyLevel),
      favouritePosition: Type.Optional(FavouritePosition),
      markedUnread: Type.Optional(Type.Boolean()),
      thread: Type.Optional(Type.Object({ threadId: MessageId, readSeq: Seq })),
    }),
  ),
  /** A member reported a message (sent to the conversation's moderators, admins and owner). */
  'report.new': event('report.new', Type.Object({ report: Report })),
  /**
   * A call you are part of changed (to every device of both people): ringing, answered
   * (on which device), ended (why). docs/protocol.md, "Calls".
   */
  'call.updated': event('call.updated', CallUpdatedData),
  /** The other device in your call sent a session description, an ICE candidate or its media state. */
  'call.signal': event('call.signal', CallSignalEventData),
  /**
   * The group call of a conversation you are a member of changed: someone joined, left or
   * changed their media. docs/protocol.md, "Group calls".
   */
  'group_call.updated': event('group_call.updated', GroupCallUpdatedData),
  /** To a bot: a user invoked one of its commands or clicked one of its components; answer before `deadlineAt`. */
  'interaction.new': event('interaction.new', Type.Object({ interaction: Interaction })),
  /**
   * To the user who invoked or clicked (their devices only): the bot deferred, answered (an
   * ephemeral reply is here and nowhere else), or did not respond in time.
   */
  'interaction.updated': event('interaction.updated', InteractionUpdate),
  /**
   * The server may have missed events meant for this connection (its node was cut off
   * from the cluster bus for a moment): send `sync` with your cursors now.
   */
  'sync.required': event('sync.required', Type.Object({ reason: Type.Literal('missed_events') })),
} as const;

export type EventType = keyof typeof EventSchemas;
export type ServerEvent = { [K in EventType]: Static<(typeof EventSchemas)[K]> }[EventType];
export type EventOf<K extends EventType> = Static<(typeof EventSchemas)[K]>;
export type EventData<K extends EventType> = EventOf<K>['data'];

export const ResultFrame = Type.Object({ type: Type.Literal('result'), re: Type.String(), data: Type.Unknown() });
export const ErrorFrame = Type.Object({
  type: Type.Literal('error'),
  re: Type.Union([Type.String(), Type.Null()], { description: 'Request id answered, or null when the frame had none' }),
  error: WireErrorSchema,
});
export type ResultFrame = Static<typeof ResultFrame>;
export type ErrorFrame = Static<typeof ErrorFrame>;

export type ServerFrame = ResultFrame | ErrorFrame | ServerEvent;
