/**
 * Entities as they travel on the wire (WebSocket and HTTP alike). Times are epoch
 * milliseconds (server clock); sequence numbers are per conversation, start at 1
 * and have no gaps (P4).
 */
import { Components } from './components';
import { Type, type Static } from 'typebox';
import { ConversationId, MessageId, SessionId, UserId, ClientMessageId } from './ids';
import { FileContent, FileSendContent } from './files';
import { Encryption, MlsContent, MlsSendContent } from './e2ee';
import { CallContent } from './calls';

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
    /** Present and true for a bot account (docs/bots.md); absent for people. */
    bot: Type.Optional(Type.Boolean({ description: 'True for a bot account; absent for people' })),
  },
  { description: 'Public profile of an account' },
);
export type User = Static<typeof User>;

/** Longest contact nickname, in characters (after normalization). */
export const MAX_CONTACT_NICKNAME = 100;
/** Most groups one contact is filed under. */
export const MAX_CONTACT_GROUPS = 32;
/** Longest group name, in characters (after normalization). */
export const MAX_CONTACT_GROUP_NAME = 64;

export const ContactNickname = Type.String({
  maxLength: MAX_CONTACT_NICKNAME,
  description: `What you call the contact (a name: text rules), at most ${MAX_CONTACT_NICKNAME} characters`,
});
export const ContactGroupName = Type.String({
  minLength: 1,
  maxLength: MAX_CONTACT_GROUP_NAME,
  description: `A group name (a name: text rules, not blank), at most ${MAX_CONTACT_GROUP_NAME} characters`,
});
export const ContactGroups = Type.Array(ContactGroupName, {
  maxItems: MAX_CONTACT_GROUPS,
  description: `Groups you file the contact under (no repeats), at most ${MAX_CONTACT_GROUPS}`,
});

/**
 * One entry of your contact list: the contact's user id and what you keep about them,
 * which only you see (the XMPP roster's `name` and groups, RFC 6121 2.1.2).
 */
export const Contact = Type.Object(
  {
    userId: UserId,
    nickname: Type.Union([ContactNickname, Type.Null()], { description: 'null: none (show their display name)' }),
    groups: ContactGroups,
    addedAt: Timestamp,
  },
  { description: 'A contact of yours, with your nickname and groups for them' },
);
export type Contact = Static<typeof Contact>;

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

/**
 * A member's role, strongest first. Owners and admins manage the conversation;
 * moderators keep order (delete, kick, ban, mute, pin, reports); members post;
 * read-only members only read, react and report. See docs/protocol.md for the matrix.
 */
export const Role = Type.Union([
  Type.Literal('owner'),
  Type.Literal('admin'),
  Type.Literal('moderator'),
  Type.Literal('member'),
  Type.Literal('readonly'),
]);
export type Role = Static<typeof Role>;

export const ConversationKind = Type.Union([Type.Literal('direct'), Type.Literal('group'), Type.Literal('channel')]);
export type ConversationKind = Static<typeof ConversationKind>;

/** Public channels are listed in the directory and anyone may join; private ones are invite-only. */
export const Visibility = Type.Union([Type.Literal('public'), Type.Literal('private')]);
export type Visibility = Static<typeof Visibility>;

/** `everyone`: a discussion (all members post); `admins`: a broadcast channel (owners and admins post). */
export const PostPolicy = Type.Union([Type.Literal('everyone'), Type.Literal('admins')]);
export type PostPolicy = Static<typeof PostPolicy>;

/** Per-member notification level of a conversation. */
export const NotifyLevel = Type.Union([Type.Literal('all'), Type.Literal('mentions'), Type.Literal('muted')]);
export type NotifyLevel = Static<typeof NotifyLevel>;

/** Your place in your own favourites (0 first, dense); null: not a favourite. Follows you to every device. */
export const FavouritePosition = Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
  description: 'Your place in your favourites (0 first); null: not a favourite',
});
export type FavouritePosition = Static<typeof FavouritePosition>;

export const Member = Type.Object({
  userId: UserId,
  role: Role,
  joinedAt: Timestamp,
  readSeq: Seq,
  deliveredSeq: Seq,
  mutedUntil: Type.Union([Timestamp, Type.Null()], { description: 'Set while a moderator has muted the member' }),
});
export type Member = Static<typeof Member>;

/**
 * Text content; its size limit is `PARLEY_MAX_MESSAGE_BYTES` in UTF-8 bytes. The text is a
 * safe subset of Markdown (bold, italic, code, code blocks, quotes, links) with `:shortcode:`
 * emoji; clients render it without HTML.
 */
export const TextContent = Type.Object({
  type: Type.Literal('text'),
  text: Type.String({ minLength: 1 }),
  /** A bot's buttons and select menu (docs/bots.md, "Interactive messages"); only bots send them. */
  components: Type.Optional(Components),
});
export type TextContent = Static<typeof TextContent>;

/** What a deleted message becomes: a tombstone. Its text is gone from the store and the search index. */
export const DeletedContent = Type.Object({ type: Type.Literal('deleted') });
export type DeletedContent = Static<typeof DeletedContent>;

/**
 * Who a message mentions, as the server parsed it from the text: `@username` (users who
 * may read the conversation), `@here` (members online when it was sent) and `@channel`
 * (every member). Only moderators and above may use `@here`/`@channel` in channels.
 */
export const Mentions = Type.Object({
  userIds: Type.Array(UserId),
  here: Type.Boolean(),
  channel: Type.Boolean(),
});
export type Mentions = Static<typeof Mentions>;

/** The largest number of link previews a message carries (PARLEY_LINK_PREVIEW_MAX_URLS is at most this). */
export const MAX_LINK_PREVIEWS = 5;

/**
 * A preview of a web page a message links to, fetched by the server after the message was
 * stored (the sender's device never contacts the site, nor does any reader's). Text fields
 * come from the page's OpenGraph, Twitter card, `<title>` and `<meta name="description">`,
 * trimmed. `image` is a copy the server made (a WebP thumbnail served by Parley at
 * `/v1/link-previews/images/...`), never the site's own address.
 */
export const LinkPreview = Type.Object({
  /** The URL as written in the message text. */
  url: Type.String({ maxLength: 2048 }),
  title: Type.Optional(Type.String({ maxLength: 300 })),
  description: Type.Optional(Type.String({ maxLength: 1000 })),
  siteName: Type.Optional(Type.String({ maxLength: 100 })),
  image: Type.Optional(
    Type.Object({
      /** A path on this server (no host): `/v1/link-previews/images/<sha256>.webp`. */
      url: Type.String({ maxLength: 200 }),
      width: Type.Integer({ minimum: 1 }),
      height: Type.Integer({ minimum: 1 }),
    }),
  ),
});
export type LinkPreview = Static<typeof LinkPreview>;

export const UpdateAction = Type.Union([
  Type.Literal('edited'),
  Type.Literal('deleted'),
  Type.Literal('reaction.added'),
  Type.Literal('reaction.removed'),
  Type.Literal('pinned'),
  Type.Literal('unpinned'),
  Type.Literal('call'),
  Type.Literal('link_previews.set'),
  Type.Literal('link_previews.removed'),
  Type.Literal('expired'),
]);
export type UpdateAction = Static<typeof UpdateAction>;

/**
 * A change to an earlier message, recorded in the conversation's sequence (P5) so that
 * every device applies it in order, live or through `sync`. The entry's `senderId` is who
 * made the change. Apply it to the target only when the entry's seq is greater than the
 * target's `rev` (or `seq` when it has none): pages of history already show the current state.
 */
export const UpdateContent = Type.Object({
  type: Type.Literal('update'),
  action: UpdateAction,
  messageId: MessageId,
  /** `edited`: the new text (and its mentions). */
  text: Type.Optional(Type.String()),
  /** `edited` by a bot answering a click: the message's components now (empty: none); absent: unchanged. */
  components: Type.Optional(Components),
  mentions: Type.Optional(Mentions),
  /** `reaction.added` / `reaction.removed`: the emoji. */
  emoji: Type.Optional(Type.String()),
  /** `call`: the call record's content as it is now (it replaces the target's content). */
  call: Type.Optional(CallContent),
  /**
   * `link_previews.set`: the target's link previews as the server fetched them (they replace
   * the target's; empty: none). `link_previews.removed`: the sender removed them for good.
   */
  linkPreviews: Type.Optional(Type.Array(LinkPreview)),
  /**
   * `expired`: the retention policy deleted these messages for good (`messageId` is the first
   * of them): drop them, they are in no history any more. An entry whose own target was
   * deleted by retention also becomes `expired` (an edit no longer carries its text).
   */
  messageIds: Type.Optional(Type.Array(MessageId, { maxItems: 1000 })),
});
export type UpdateContent = Static<typeof UpdateContent>;

export const SystemAction = Type.Union([
  Type.Literal('created'),
  Type.Literal('member.added'),
  Type.Literal('member.joined'),
  Type.Literal('member.removed'),
  Type.Literal('member.left'),
  Type.Literal('member.role'),
  Type.Literal('member.banned'),
  Type.Literal('member.unbanned'),
  Type.Literal('member.muted'),
  Type.Literal('member.unmuted'),
  Type.Literal('renamed'),
  Type.Literal('settings.changed'),
  Type.Literal('archived'),
  Type.Literal('unarchived'),
]);
export type SystemAction = Static<typeof SystemAction>;

/** Conversation settings that admins change (`PATCH /v1/conversations/{id}`). */
export const ConversationSettings = Type.Object({
  topic: Type.Optional(Type.Union([Type.String({ maxLength: 250 }), Type.Null()])),
  description: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
  visibility: Type.Optional(Visibility),
  postPolicy: Type.Optional(PostPolicy),
  slowModeSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 21600 })),
  /** A picture for a group or channel (http/https; `PUT .../avatar` uploads one); null removes it. */
  avatarUrl: Type.Optional(Type.Union([Type.String({ maxLength: 2048, pattern: '^https?://' }), Type.Null()])),
});
export type ConversationSettings = Static<typeof ConversationSettings>;

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
  /** `member.banned` / `member.muted`: when it ends (null: until lifted). */
  until: Type.Optional(Type.Union([Timestamp, Type.Null()])),
  /** `settings.changed`: the settings that changed, with their new values. */
  settings: Type.Optional(ConversationSettings),
});
export type SystemContent = Static<typeof SystemContent>;

export const MessageContent = Type.Union([
  TextContent,
  SystemContent,
  DeletedContent,
  UpdateContent,
  FileContent,
  MlsContent,
  CallContent,
]);
export type MessageContent = Static<typeof MessageContent>;

/** Forwards a message you may read: the server copies its content and records where it came from. */
export const ForwardContent = Type.Object({ type: Type.Literal('forward'), messageId: MessageId });
export type ForwardContent = Static<typeof ForwardContent>;

/**
 * What a client may send: text, a forward, or a file it uploaded (the server fills in
 * the file's details); in an end-to-end encrypted conversation, only an MLS application message.
 */
export const SendableContent = Type.Union([TextContent, ForwardContent, FileSendContent, MlsSendContent]);
export type SendableContent = Static<typeof SendableContent>;

/** The quoted message of a reply, as it was when the reply was sent (`excerpt` is emptied if it is deleted). */
export const ReplyRef = Type.Object({
  messageId: MessageId,
  seq: Type.Integer({ minimum: 1 }),
  senderId: UserId,
  excerpt: Type.String({ description: 'The first 200 characters of the quoted text' }),
});
export type ReplyRef = Static<typeof ReplyRef>;

/** Where a forwarded message came from (the source conversation is not disclosed). */
export const ForwardRef = Type.Object({ senderId: UserId, createdAt: Timestamp });
export type ForwardRef = Static<typeof ForwardRef>;

/** Reactions with one emoji: the exact count and up to 20 of the users (the earliest). */
export const ReactionSummary = Type.Object({
  emoji: Type.String(),
  count: Type.Integer({ minimum: 1 }),
  userIds: Type.Array(UserId, { maxItems: 20 }),
});
export type ReactionSummary = Static<typeof ReactionSummary>;

/** The thread under a root message. */
export const ThreadSummary = Type.Object({
  replyCount: Type.Integer({ minimum: 0 }),
  lastReplyAt: Type.Union([Timestamp, Type.Null()]),
  lastReplySeq: Seq,
  participantIds: Type.Array(UserId, { maxItems: 20, description: 'Up to 20 people who replied, earliest first' }),
});
export type ThreadSummary = Static<typeof ThreadSummary>;

/**
 * A message as stored now. Optional fields are absent when they do not apply, so a plain
 * message stays small. `rev` is the seq of the last `update` entry applied to it.
 */
export const Message = Type.Object({
  id: MessageId,
  conversationId: ConversationId,
  seq: Type.Integer({ minimum: 1 }),
  senderId: UserId,
  clientId: ClientMessageId,
  content: MessageContent,
  createdAt: Timestamp,
  rev: Type.Optional(Type.Integer({ minimum: 1 })),
  /** Set on thread replies: the id of the thread's root message. */
  threadId: Type.Optional(MessageId),
  replyTo: Type.Optional(ReplyRef),
  forwardedFrom: Type.Optional(ForwardRef),
  mentions: Type.Optional(Mentions),
  editedAt: Type.Optional(Timestamp),
  deletedAt: Type.Optional(Timestamp),
  pinnedAt: Type.Optional(Timestamp),
  pinnedBy: Type.Optional(UserId),
  reactions: Type.Optional(Type.Array(ReactionSummary)),
  /** In answers to one reader (history, sync, search): the emoji this reader reacted with. */
  myReactions: Type.Optional(Type.Array(Type.String())),
  /** On a thread's root message. */
  thread: Type.Optional(ThreadSummary),
  /** Previews of the first links in the text, attached by a later `link_previews.set` update. */
  linkPreviews: Type.Optional(Type.Array(LinkPreview, { maxItems: MAX_LINK_PREVIEWS })),
  /** The sender asked for no link previews (when sending, or by removing them later). */
  linkPreviewsOff: Type.Optional(Type.Literal(true)),
});
export type Message = Static<typeof Message>;

export const Conversation = Type.Object(
  {
    id: ConversationId,
    kind: ConversationKind,
    title: Type.Union([Type.String(), Type.Null()]),
    topic: Type.Union([Type.String(), Type.Null()]),
    description: Type.Union([Type.String(), Type.Null()]),
    visibility: Visibility,
    postPolicy: PostPolicy,
    slowModeSeconds: Type.Integer({ minimum: 0 }),
    createdAt: Timestamp,
    lastSeq: Seq,
    lastActivityAt: Timestamp,
    memberCount: Type.Integer({ minimum: 0 }),
    avatarUrl: Type.Union([Type.String(), Type.Null()], { description: 'The group’s or channel’s picture' }),
    /** `mls`: end-to-end encrypted (messages are MLS ciphertext the server cannot read); absent: not. */
    encryption: Type.Optional(Encryption),
    /**
     * Set while the group or channel is archived: read-only for everyone (no posts, reactions,
     * edits, pins or joins; still readable and searchable by its members). Absent: not archived.
     */
    archivedAt: Type.Optional(Timestamp),
    members: Type.Array(Member, {
      description:
        'Every member of a direct or group conversation; empty for channels (page them with GET .../members)',
    }),
  },
  { description: 'A direct (exactly two people), group or channel conversation' },
);
export type Conversation = Static<typeof Conversation>;

/** An entry of the conversation list: the conversation as seen by one member. */
export const ConversationSummary = Type.Object({
  conversation: Conversation,
  lastMessage: Type.Union([Message, Type.Null()], {
    description: 'The last message or system change (never an update entry, never a thread reply)',
  }),
  unreadCount: Type.Integer({
    minimum: 0,
    description: 'Messages from others after your read cursor (not system changes, updates or thread replies)',
  }),
  mentionCount: Type.Integer({
    minimum: 0,
    description: 'Unread messages (thread replies included) that mention you, @here or @channel',
  }),
  readSeq: Seq,
  deliveredSeq: Seq,
  role: Role,
  notifyLevel: NotifyLevel,
  markedUnread: Type.Boolean({ description: 'You marked the conversation unread; reading it clears this' }),
  mutedUntil: Type.Union([Timestamp, Type.Null()], { description: 'Set while a moderator has muted you here' }),
  favouritePosition: FavouritePosition,
});
export type ConversationSummary = Static<typeof ConversationSummary>;

/** A public channel as listed in the directory. */
export const ChannelListing = Type.Object({
  id: ConversationId,
  title: Type.Union([Type.String(), Type.Null()]),
  topic: Type.Union([Type.String(), Type.Null()]),
  description: Type.Union([Type.String(), Type.Null()]),
  postPolicy: PostPolicy,
  memberCount: Type.Integer({ minimum: 0 }),
  lastActivityAt: Timestamp,
  joined: Type.Boolean({ description: 'You are a member' }),
});
export type ChannelListing = Static<typeof ChannelListing>;

/** A thread you take part in (you started it or replied), with its unread state. */
export const ThreadListing = Type.Object({
  root: Message,
  unreadCount: Type.Integer({ minimum: 0 }),
  readSeq: Seq,
});
export type ThreadListing = Static<typeof ThreadListing>;

export const Ban = Type.Object({
  userId: UserId,
  bannedBy: UserId,
  reason: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
  expiresAt: Type.Union([Timestamp, Type.Null()], { description: 'Null: until lifted' }),
});
export type Ban = Static<typeof Ban>;

export const Report = Type.Object({
  id: Type.String(),
  conversationId: ConversationId,
  messageId: MessageId,
  reporterId: UserId,
  reason: Type.String(),
  createdAt: Timestamp,
  resolvedAt: Type.Union([Timestamp, Type.Null()]),
  resolvedBy: Type.Union([UserId, Type.Null()]),
  message: Type.Union([Message, Type.Null()], { description: 'The reported message as it is now' }),
});
export type Report = Static<typeof Report>;

export const Invite = Type.Object({
  code: Type.String(),
  conversationId: ConversationId,
  createdBy: UserId,
  createdAt: Timestamp,
  expiresAt: Type.Union([Timestamp, Type.Null()]),
  maxUses: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
  uses: Type.Integer({ minimum: 0 }),
  revoked: Type.Boolean(),
});
export type Invite = Static<typeof Invite>;

/** A search hit: the message and the ranges of its text (or file caption) that matched ([start, end) in UTF-16 units). */
export const SearchHit = Type.Object({
  message: Message,
  highlights: Type.Array(Type.Tuple([Type.Integer({ minimum: 0 }), Type.Integer({ minimum: 0 })])),
});
export type SearchHit = Static<typeof SearchHit>;

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

/**
 * Who sees a user's online status and last seen (and their status text, which is part of
 * their presence): `everyone` is their whole audience (their contacts, and the people in
 * direct and group conversations where they took part), `contacts` only the people they
 * added, `nobody` no one. Reciprocal: a user who does not share with someone does not
 * see that person's either. Whoever may not see gets exactly a stranger's answer.
 */
export const PresenceVisibility = Type.Union([
  Type.Literal('everyone'),
  Type.Literal('contacts'),
  Type.Literal('nobody'),
]);
export type PresenceVisibility = Static<typeof PresenceVisibility>;

/** A user's privacy settings, the same on all their devices. */
export const PrivacySettings = Type.Object({
  presence: PresenceVisibility,
});
export type PrivacySettings = Static<typeof PrivacySettings>;

export const ReceiptKind = Type.Union([Type.Literal('delivered'), Type.Literal('read')]);
export type ReceiptKind = Static<typeof ReceiptKind>;

/** Limits the server enforces, sent at authentication so clients can check early. */
export const Limits = Type.Object({
  maxMessageBytes: Type.Integer(),
  maxFrameBytes: Type.Integer(),
  maxHistoryPage: Type.Integer(),
  maxGroupMembers: Type.Integer(),
  editWindowSeconds: Type.Integer({ description: 'How long after sending you may edit; 0: no limit' }),
  maxFileBytes: Type.Optional(Type.Integer({ description: 'Largest upload accepted, in bytes (absent: no uploads)' })),
  linkPreviews: Type.Optional(
    Type.Boolean({ description: 'True when this server fetches link previews (PARLEY_LINK_PREVIEWS)' }),
  ),
});
export type Limits = Static<typeof Limits>;
