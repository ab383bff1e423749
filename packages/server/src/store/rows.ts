/**
 * Row mappers: database rows (snake_case) to the port's records (camelCase).
 * Pure functions; they own the JSON decoding of message content and nothing
 * else. Numbers arrive as numbers from both dialects (see the dialect folders).
 */
import type { Conversation, Member, Message, MessageContent } from '@parley/protocol';
import type { Selectable } from 'kysely';
import type { MemberRecord, SessionRecord, UserRecord } from '../ports/store';
import type { ConversationsTable, MembersTable, MessagesTable, SessionsTable, UsersTable } from './db-schema';

export function toUser(row: Selectable<UsersTable>): UserRecord {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    avatarUrl: row.avatar_url,
    statusText: row.status_text,
    createdAt: row.created_at,
    passwordHash: row.password_hash,
    lastSeenAt: row.last_seen_at,
  };
}

export function toSession(row: Selectable<SessionsTable>): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    tokenHash: row.token_hash,
    deviceName: row.device_name,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
  };
}

export function toMember(row: Selectable<MembersTable>): Member {
  return {
    userId: row.user_id,
    role: row.role,
    joinedAt: row.joined_at,
    readSeq: row.read_seq,
    deliveredSeq: row.delivered_seq,
    mutedUntil: row.muted_until,
  };
}

/** The member with their own settings (what the services authorize and notify with). */
export function toMemberRecord(row: Selectable<MembersTable>): MemberRecord {
  return {
    ...toMember(row),
    notifyLevel: row.notify_level,
    markedUnreadSeq: row.marked_unread_seq,
    lastPostAt: row.last_post_at,
  };
}

export function toConversation(row: Selectable<ConversationsTable>, members: Member[]): Conversation {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    topic: row.topic,
    description: row.description,
    visibility: row.visibility,
    postPolicy: row.post_policy,
    slowModeSeconds: Number(row.slow_mode_seconds),
    createdAt: row.created_at,
    lastSeq: row.last_seq,
    lastActivityAt: row.last_activity_at,
    memberCount: Number(row.member_count),
    members,
  };
}

export function toMessage(row: Selectable<MessagesTable>): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    senderId: row.sender_id,
    clientId: row.client_id,
    // Written only by encodeContent from a validated MessageContent.
    content: JSON.parse(row.content) as MessageContent,
    createdAt: row.created_at,
  };
}

export function encodeContent(content: MessageContent): string {
  return JSON.stringify(content);
}
