/**
 * HTTP/JSON request and response bodies of the `/v1` API. The server registers
 * these schemas with its routes (validation and the OpenAPI document at
 * `/v1/openapi.json`); the SDK's HTTP client takes its types from them.
 */
import { Type, type Static } from 'typebox';
import { ConversationId, UserId, ClientMessageId } from './ids';
import { WireErrorSchema } from './frames';
import {
  Conversation,
  ConversationSummary,
  Message,
  Presence,
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
  },
  { additionalProperties: false },
);
export type RegisterBody = Static<typeof RegisterBody>;

export const LoginBody = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 64 }), password: Password, deviceName: Type.Optional(DeviceName) },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

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
export const UsersResponse = Type.Object({ users: Type.Array(User) });
export const SessionsResponse = Type.Object({ sessions: Type.Array(Session) });

export const CreateDirectBody = Type.Object({ userId: UserId }, { additionalProperties: false });
export type CreateDirectBody = Static<typeof CreateDirectBody>;

export const CreateGroupBody = Type.Object(
  { title: Type.String({ minLength: 1, maxLength: 200 }), memberIds: Type.Array(UserId, { maxItems: 1000 }) },
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

export const ConversationResponse = Type.Object({ conversation: Conversation });
export const ConversationsResponse = Type.Object({ conversations: Type.Array(ConversationSummary) });

export const HistoryQuery = Type.Object({
  before: Type.Optional(Type.Integer({ minimum: 1 })),
  after: Type.Optional(Type.Integer({ minimum: 0 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
});
export type HistoryQuery = Static<typeof HistoryQuery>;
export const HistoryResponse = Type.Object({ messages: Type.Array(Message), hasMore: Type.Boolean() });

export const SendMessageBody = Type.Object(
  { clientId: ClientMessageId, content: SendableContent },
  { additionalProperties: false },
);
export type SendMessageBody = Static<typeof SendMessageBody>;
export const SendMessageResponse = Type.Object({ message: Message, duplicate: Type.Boolean() });

export const PresenceQuery = Type.Object({
  userIds: Type.String({ description: 'Comma-separated user ids (at most 500)' }),
});
export const PresenceResponse = Type.Object({ presences: Type.Array(Presence) });

export const ConversationParams = Type.Object({ conversationId: ConversationId });
export const UserParams = Type.Object({ userId: UserId });
export const MemberParams = Type.Object({ conversationId: ConversationId, userId: UserId });
export const SessionParams = Type.Object({ sessionId: Type.String({ minLength: 1, maxLength: 64 }) });

export const ErrorResponse = Type.Object({ error: WireErrorSchema });
