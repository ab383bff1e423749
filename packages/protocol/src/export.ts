/**
 * Exports (issue 19): `GET /v1/admin/export?conversationId=` or `?userId=` answers
 * `application/x-ndjson`, one JSON object per line, streamed (the server never holds the
 * whole export). The first line says what it is, the last one how many lines came; a file
 * line follows each file message it describes (metadata only: the bytes are downloaded by
 * `fileId`). Format version 1; docs/protocol.md "Exports".
 */
import { Type, type Static } from 'typebox';
import { Conversation, Message } from './models';

export const ExportQuery = Type.Object(
  {
    conversationId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /** A user id or username: every message that user sent. */
    userId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false, minProperties: 1, maxProperties: 1 },
);
export type ExportQuery = Static<typeof ExportQuery>;

export const ExportFile = Type.Object({
  id: Type.String(),
  messageId: Type.String(),
  conversationId: Type.String(),
  ownerId: Type.String(),
  name: Type.String(),
  size: Type.Integer({ minimum: 0 }),
  mime: Type.String(),
  kind: Type.String(),
  createdAt: Type.Number(),
});
export type ExportFile = Static<typeof ExportFile>;

export const ExportLine = Type.Union([
  Type.Object({
    type: Type.Literal('export'),
    format: Type.Literal(1),
    scope: Type.Union([Type.Literal('conversation'), Type.Literal('user')]),
    id: Type.String(),
    at: Type.Number(),
  }),
  Type.Object({ type: Type.Literal('conversation'), conversation: Conversation }),
  Type.Object({ type: Type.Literal('message'), message: Message }),
  Type.Object({ type: Type.Literal('file'), file: ExportFile }),
  Type.Object({
    type: Type.Literal('end'),
    messages: Type.Integer({ minimum: 0 }),
    files: Type.Integer({ minimum: 0 }),
  }),
]);
export type ExportLine = Static<typeof ExportLine>;
