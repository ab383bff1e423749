/**
 * Identifiers: opaque strings on the wire, all with one pattern so that every
 * gateway bounds and validates them the same way.
 */
import { Type, type Static } from 'typebox';

const idPattern = '^[A-Za-z0-9_-]{1,64}$';

export const UserId = Type.String({ pattern: idPattern, description: 'User id' });
export const ConversationId = Type.String({ pattern: idPattern, description: 'Conversation id' });
export const MessageId = Type.String({ pattern: idPattern, description: 'Message id (server assigned)' });
export const SessionId = Type.String({ pattern: idPattern, description: 'Session (device) id' });
/** Client-chosen message id used for idempotent sends (P6). */
export const ClientMessageId = Type.String({ pattern: idPattern, description: 'Client message id, unique per sender' });

/** An uploaded file (server assigned at upload creation). */
export const FileId = Type.String({ pattern: idPattern, description: 'File id (server assigned)' });

export type UserId = Static<typeof UserId>;
export type ConversationId = Static<typeof ConversationId>;
export type MessageId = Static<typeof MessageId>;
export type SessionId = Static<typeof SessionId>;
export type ClientMessageId = Static<typeof ClientMessageId>;
export type FileId = Static<typeof FileId>;
