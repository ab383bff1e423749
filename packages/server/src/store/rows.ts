/**
 * Row mappers: database rows (snake_case) to the port's records (camelCase).
 * Pure functions; they own the JSON decoding of message content and nothing
 * else. Numbers arrive as numbers from both dialects (see the dialect folders).
 */
import type {
  Conversation,
  ForwardRef,
  Member,
  LinkPreview,
  Mentions,
  Message,
  MessageContent,
  ReactionSummary,
  ReplyRef,
} from '@parley/protocol';
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
    presenceVisibility: row.presence_visibility,
    deletedAt: row.deleted_at,
    adminSince: row.admin_since,
    deactivatedAt: row.deactivated_at,
    ...(Number(row.bot) === 1 ? { bot: true } : {}),
    ownerId: row.owner_id,
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
    tookPartAt: row.took_part_at,
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
    avatarUrl: row.avatar_url,
    ...(row.encryption === 'mls' ? { encryption: 'mls' as const } : {}),
    ...(row.archived_at === null ? {} : { archivedAt: Number(row.archived_at) }),
    members,
  };
}

/** What one page of messages adds to its rows (loaded with one query per page, see queries/decorate.ts). */
export interface MessageExtras {
  reactions?: ReactionSummary[];
  participantIds?: string[];
}

/** A message row as the port's Message: optional fields only when they apply, so a plain message stays small. */
export function toMessage(row: Selectable<MessagesTable>, extras: MessageExtras = {}): Message {
  const message: Message = {
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    senderId: row.sender_id,
    clientId: row.client_id,
    // Written only by encodeContent from a validated MessageContent.
    content: JSON.parse(row.content) as MessageContent,
    createdAt: row.created_at,
  };
  if (row.rev !== null && row.rev !== undefined) message.rev = row.rev;
  if (row.thread_id) message.threadId = row.thread_id;
  if (row.reply_to) message.replyTo = JSON.parse(row.reply_to) as ReplyRef;
  if (row.forwarded_from) message.forwardedFrom = JSON.parse(row.forwarded_from) as ForwardRef;
  if (row.mentions) message.mentions = JSON.parse(row.mentions) as Mentions;
  if (row.edited_at !== null && row.edited_at !== undefined) message.editedAt = row.edited_at;
  if (row.deleted_at !== null && row.deleted_at !== undefined) message.deletedAt = row.deleted_at;
  if (row.pinned_at !== null && row.pinned_at !== undefined) {
    message.pinnedAt = row.pinned_at;
    if (row.pinned_by) message.pinnedBy = row.pinned_by;
  }
  if (extras.reactions && extras.reactions.length > 0) message.reactions = extras.reactions;
  // Written only by queries/link-previews.ts from LinkPreviews the service made.
  if (row.link_previews) message.linkPreviews = JSON.parse(row.link_previews) as LinkPreview[];
  if (row.link_previews_off === 1) message.linkPreviewsOff = true;
  if (row.thread_reply_count > 0) {
    message.thread = {
      replyCount: row.thread_reply_count,
      lastReplyAt: row.thread_last_reply_at,
      lastReplySeq: row.thread_last_reply_seq,
      participantIds: extras.participantIds ?? [],
    };
  }
  return message;
}

/** JSON for the reply_to, forwarded_from and mentions columns (null when absent). */
export function encodeJson(value: ReplyRef | ForwardRef | Mentions | undefined): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

export function encodeContent(content: MessageContent): string {
  return JSON.stringify(content);
}
