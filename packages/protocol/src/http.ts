/**
 * HTTP/JSON request and response bodies of the `/v1` API. The server registers
 * these schemas with its routes (validation and the OpenAPI document at
 * `/v1/openapi.json`); the SDK's HTTP client takes its types from them.
 */
import { Type, type Static } from 'typebox';
import { ConversationId, UserId, ClientMessageId, MessageId } from './ids';
import { WireErrorSchema } from './frames';
import { RegistrationPolicy, ServerViewer } from './admin';
import { Encryption, Epoch } from './e2ee';
import {
  Ban,
  ChannelListing,
  Conversation,
  Contact,
  ContactGroups,
  ContactNickname,
  ConversationSettings,
  ConversationSummary,
  Invite,
  Member,
  NotifyLevel,
  PostPolicy,
  Report,
  ThreadListing,
  Visibility,
  Message,
  Presence,
  PresenceVisibility,
  PrivacySettings,
  Role,
  SendableContent,
  Session,
  User,
  Username,
} from './models';

const Password = Type.String({ minLength: 1, maxLength: 1024 });
const DeviceName = Type.String({ minLength: 1, maxLength: 100 });

export const RegisterBody = Type.Object(
  {
    username: Username,
    password: Password,
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    deviceName: Type.Optional(DeviceName),
    /** A server invite code: required when registration is `invite` (ignored when `open`). */
    inviteCode: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  },
  { additionalProperties: false },
);
export type RegisterBody = Static<typeof RegisterBody>;

export const LoginBody = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 64 }), password: Password, deviceName: Type.Optional(DeviceName) },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

/**
 * Finishes a single sign-on login: the one-time code the callback handed the web app
 * (in its address, `#/sso?code=...`), exchanged once, from the browser that started it.
 */
export const SsoExchangeBody = Type.Object(
  { code: Type.String({ minLength: 1, maxLength: 128 }), deviceName: Type.Optional(DeviceName) },
  { additionalProperties: false },
);
export type SsoExchangeBody = Static<typeof SsoExchangeBody>;

export const AuthResponse = Type.Object({
  token: Type.String({ description: 'Bearer token for this device; shown once, stored hashed' }),
  user: User,
  session: Session,
});
export type AuthResponse = Static<typeof AuthResponse>;

export const ChangePasswordBody = Type.Object(
  { currentPassword: Password, newPassword: Password },
  { additionalProperties: false },
);
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;

export const UpdateProfileBody = Type.Object(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    avatarUrl: Type.Optional(Type.Union([Type.String({ maxLength: 2048, pattern: '^https?://' }), Type.Null()])),
    statusText: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
  },
  { additionalProperties: false },
);
export type UpdateProfileBody = Static<typeof UpdateProfileBody>;

export const UserResponse = Type.Object({ user: User });

/**
 * Deletes your account (`DELETE /v1/me`): your password confirms it. `withContent`: also
 * erase every message you sent (with its edits, reactions, search entries and the files no
 * other message carries), in batches after the answer; without it your messages stay,
 * shown under "Deleted account".
 */
export const DeleteAccountBody = Type.Object(
  { password: Password, withContent: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type DeleteAccountBody = Static<typeof DeleteAccountBody>;

/** Most people one directory page holds (`GET /v1/users/search`). */
export const MAX_USER_SEARCH_LIMIT = 50;

/** The user directory: people whose username, display name or a word of it starts with `q`. */
export const UserSearchQuery = Type.Object({
  q: Type.String({ minLength: 1, maxLength: 64, description: 'A prefix (case-insensitive; a leading "@" is ignored)' }),
  cursor: Type.Optional(Type.String({ maxLength: 64, description: 'nextCursor of the previous page' })),
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: MAX_USER_SEARCH_LIMIT, description: 'People per page (default 20)' }),
  ),
});
export type UserSearchQuery = Static<typeof UserSearchQuery>;
export const UserSearchResponse = Type.Object({
  users: Type.Array(User, { description: 'By username; an exact username match comes first' }),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'null: no more pages' }),
});
export type UserSearchResponse = Static<typeof UserSearchResponse>;

/**
 * What a client needs before anyone logs in (`GET /v1/server`, public): whether
 * anyone may sign up, and whether any account exists yet (a fresh server's app
 * opens on "Create the first account").
 */
export const ServerInfoResponse = Type.Object({
  registration: RegistrationPolicy,
  hasAccounts: Type.Boolean(),
  /** Single sign-on (OpenID Connect): on, and the label of its button ("Sign in with <label>"). */
  sso: Type.Optional(Type.Object({ label: Type.String(), passwordLogin: Type.Boolean() })),
  /** Only when the request carries a valid token: who you are to the server (admin.ts). */
  viewer: Type.Optional(ServerViewer),
});
export type ServerInfoResponse = Static<typeof ServerInfoResponse>;

/** Changes privacy settings; absent fields stay as they are. */
export const UpdatePrivacyBody = Type.Object(
  { presence: Type.Optional(PresenceVisibility) },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdatePrivacyBody = Static<typeof UpdatePrivacyBody>;
export const PrivacyResponse = Type.Object({ privacy: PrivacySettings });
export const UsersResponse = Type.Object({ users: Type.Array(User) });
/** Your contacts: their profiles, and your details for each (same order, by username). */
export const ContactsResponse = Type.Object({ users: Type.Array(User), contacts: Type.Array(Contact) });
export type ContactsResponse = Static<typeof ContactsResponse>;

/** Changes your nickname and groups for a contact; absent fields stay as they are. */
export const UpdateContactBody = Type.Object(
  {
    nickname: Type.Optional(Type.Union([ContactNickname, Type.Null()])),
    groups: Type.Optional(ContactGroups),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateContactBody = Static<typeof UpdateContactBody>;
export const ContactResponse = Type.Object({ contact: Contact });
export type ContactResponse = Static<typeof ContactResponse>;
export const SessionsResponse = Type.Object({ sessions: Type.Array(Session) });

export const CreateDirectBody = Type.Object({ userId: UserId }, { additionalProperties: false });
export type CreateDirectBody = Static<typeof CreateDirectBody>;

export const CreateGroupBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    memberIds: Type.Array(UserId, { maxItems: 1000 }),
    /** `mls`: end-to-end encrypted; the calling session must be a registered E2EE device. */
    encryption: Type.Optional(Encryption),
  },
  { additionalProperties: false },
);
export type CreateGroupBody = Static<typeof CreateGroupBody>;

export const RenameBody = Type.Object(
  { title: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
export type RenameBody = Static<typeof RenameBody>;

export const AddMembersBody = Type.Object(
  { userIds: Type.Array(UserId, { minItems: 1, maxItems: 1000 }) },
  { additionalProperties: false },
);
export type AddMembersBody = Static<typeof AddMembersBody>;

export const SetRoleBody = Type.Object({ role: Role }, { additionalProperties: false });
export type SetRoleBody = Static<typeof SetRoleBody>;

export const CreateChannelBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    visibility: Visibility,
    postPolicy: Type.Optional(PostPolicy),
    topic: Type.Optional(Type.String({ maxLength: 250 })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    memberIds: Type.Optional(Type.Array(UserId, { maxItems: 1000 })),
  },
  { additionalProperties: false },
);
export type CreateChannelBody = Static<typeof CreateChannelBody>;

/** Changes settings (admins); `title` too. Each change is a `system` message in the sequence. */
export const UpdateConversationBody = Type.Object(
  { title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), ...ConversationSettings.properties },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateConversationBody = Static<typeof UpdateConversationBody>;

export const DirectoryQuery = Type.Object({
  query: Type.Optional(Type.String({ maxLength: 100, description: 'Matches title and topic (case-insensitive)' })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});
export type DirectoryQuery = Static<typeof DirectoryQuery>;
export const DirectoryResponse = Type.Object({
  channels: Type.Array(ChannelListing),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const PageQuery = Type.Object({
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
});
export type PageQuery = Static<typeof PageQuery>;
export const MembersResponse = Type.Object({
  members: Type.Array(Member),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const BanBody = Type.Object(
  {
    userId: UserId,
    durationSeconds: Type.Optional(Type.Integer({ minimum: 60, description: 'Omit for a ban until lifted' })),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type BanBody = Static<typeof BanBody>;
export const BansResponse = Type.Object({ bans: Type.Array(Ban) });

export const MuteBody = Type.Object(
  { userId: UserId, durationSeconds: Type.Integer({ minimum: 60, maximum: 31_536_000 }) },
  { additionalProperties: false },
);
export type MuteBody = Static<typeof MuteBody>;

export const ReportBody = Type.Object(
  { messageId: MessageId, reason: Type.String({ minLength: 1, maxLength: 1000 }) },
  { additionalProperties: false },
);
export type ReportBody = Static<typeof ReportBody>;
export const ReportsQuery = Type.Object({
  state: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('all')])),
});
export const ReportResponse = Type.Object({ report: Report });
export const ReportsResponse = Type.Object({ reports: Type.Array(Report) });
export const ReportParams = Type.Object({
  conversationId: ConversationId,
  reportId: Type.String({ minLength: 1, maxLength: 64 }),
});

export const CreateInviteBody = Type.Object(
  {
    expiresInSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 31_536_000 })),
    maxUses: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
  },
  { additionalProperties: false },
);
export type CreateInviteBody = Static<typeof CreateInviteBody>;
export const InviteResponse = Type.Object({ invite: Invite });
export const InvitesResponse = Type.Object({ invites: Type.Array(Invite) });
export const InviteParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) });
export const ConversationInviteParams = Type.Object({
  conversationId: ConversationId,
  code: Type.String({ minLength: 1, maxLength: 64 }),
});
/** What someone holding an invite code sees before accepting it. */
export const InvitePreviewResponse = Type.Object({ channel: ChannelListing, kind: Type.String() });

export const MemberSettingsBody = Type.Object({ notifyLevel: NotifyLevel }, { additionalProperties: false });
export type MemberSettingsBody = Static<typeof MemberSettingsBody>;
/**
 * `PUT /v1/conversations/:id/favourite`: makes the conversation a favourite of yours, or moves
 * it, placed before `before` (another favourite of yours) or last when `before` is absent.
 */
export const FavouriteBody = Type.Object({ before: Type.Optional(ConversationId) }, { additionalProperties: false });
export type FavouriteBody = Static<typeof FavouriteBody>;

export const PinsResponse = Type.Object({ messages: Type.Array(Message) });
export const ThreadsQuery = Type.Object({ conversationId: Type.Optional(ConversationId) });
export type ThreadsQuery = Static<typeof ThreadsQuery>;
export const ThreadsResponse = Type.Object({ threads: Type.Array(ThreadListing) });
export const ReactionUsersQuery = Type.Object({
  emoji: Type.String({ minLength: 1, maxLength: 64 }),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
});
export const ReactionUsersResponse = Type.Object({
  userIds: Type.Array(UserId),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export const MessageParams = Type.Object({ messageId: MessageId });
export const MessageResponse = Type.Object({ message: Message });

export const ConversationResponse = Type.Object({ conversation: Conversation });
export const ConversationsResponse = Type.Object({ conversations: Type.Array(ConversationSummary) });

export const HistoryQuery = Type.Object({
  before: Type.Optional(Type.Integer({ minimum: 1 })),
  after: Type.Optional(Type.Integer({ minimum: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  threadId: Type.Optional(MessageId),
});
export type HistoryQuery = Static<typeof HistoryQuery>;
export const HistoryResponse = Type.Object({ messages: Type.Array(Message), hasMore: Type.Boolean() });

/** Which of a conversation's files to list: `media` (images and videos) or `files` (everything else). */
export const ConversationFilesKind = Type.Union([Type.Literal('media'), Type.Literal('files')]);
export type ConversationFilesKind = Static<typeof ConversationFilesKind>;
/** `GET /v1/conversations/:id/files`: the newest first; `before` is a seq (exclusive). */
export const ConversationFilesQuery = Type.Object({
  kind: ConversationFilesKind,
  before: Type.Optional(Type.Integer({ minimum: 1 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
});
export type ConversationFilesQuery = Static<typeof ConversationFilesQuery>;
/** File messages, newest first; `hasMore`: an older page exists (ask with `before` = the last seq). */
export const ConversationFilesResponse = Type.Object({ messages: Type.Array(Message), hasMore: Type.Boolean() });

export const SendMessageBody = Type.Object(
  {
    clientId: ClientMessageId,
    content: SendableContent,
    replyTo: Type.Optional(MessageId),
    threadId: Type.Optional(MessageId),
    /** false: the server fetches no link previews for this message (default true). */
    linkPreviews: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type SendMessageBody = Static<typeof SendMessageBody>;
export const SendMessageResponse = Type.Object({ message: Message, duplicate: Type.Boolean() });

/** An accepted MLS commit (its entry in the conversation's sequence) and the group's new epoch (e2ee.ts). */
export const CommitResponse = Type.Object({ message: Message, epoch: Epoch, duplicate: Type.Boolean() });
export type CommitResponse = Static<typeof CommitResponse>;

export const PresenceQuery = Type.Object({
  userIds: Type.String({ description: 'Comma-separated user ids (at most 500)' }),
});
export const PresenceResponse = Type.Object({ presences: Type.Array(Presence) });

export const ConversationParams = Type.Object({ conversationId: ConversationId });
export const UserParams = Type.Object({ userId: UserId });
export const MemberParams = Type.Object({ conversationId: ConversationId, userId: UserId });
export const SessionParams = Type.Object({ sessionId: Type.String({ minLength: 1, maxLength: 64 }) });

export const SearchQuery = Type.Object({
  q: Type.String({ minLength: 1, maxLength: 200 }),
  conversationId: Type.Optional(ConversationId),
  senderId: Type.Optional(UserId),
  from: Type.Optional(Type.Integer({ minimum: 0 })),
  to: Type.Optional(Type.Integer({ minimum: 0 })),
  sort: Type.Optional(Type.Union([Type.Literal('recent'), Type.Literal('relevance')])),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
});
export type SearchQuery = Static<typeof SearchQuery>;

export const ErrorResponse = Type.Object({ error: WireErrorSchema });
