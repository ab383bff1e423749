/**
 * The database as Kysely sees it: one interface per table, snake_case columns,
 * times as epoch milliseconds. Both dialects share these types; the dialect
 * folders make the drivers return plain numbers (PostgreSQL int8 included) so
 * that nothing here needs a per-dialect type. Mapping to the port's camelCase
 * records happens in rows.ts, never here.
 *
 * Tenant scoping (ROADMAP: app integration mode) will add a tenant_id column to
 * every table and to the front of each unique key; keep every query going
 * through the functions in queries/ so that there is one place to add it.
 */
import type { ColumnType, Generated } from 'kysely';
import type { ConversationKind, NotifyLevel, PostPolicy, PresenceVisibility, Role, Visibility } from '@parley/protocol';

export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  avatar_url: string | null;
  status_text: string | null;
  password_hash: string;
  created_at: number;
  last_seen_at: number | null;
  /** Who sees the user's presence and last seen (migration 0006). */
  presence_visibility: Generated<PresenceVisibility>;
  /** Set when the owner deleted the account (migration 0020); null: a live account. */
  deleted_at: Generated<number | null>;
  /** 0018: when the account became a server admin (null: not one). */
  admin_since: Generated<number | null>;
  /** 0018: when an admin deactivated the account (null: active). */
  deactivated_at: Generated<number | null>;
  /** 0017: 1 for a bot account (no password; logs in with its tokens only). */
  bot: Generated<number>;
  /** 0017: a bot's owner (the user who created it); null for people. */
  owner_id: string | null;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  token_hash: string;
  device_name: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

export interface ContactsTable {
  owner_id: string;
  contact_id: string;
  created_at: number;
  /** 0014: what the owner calls the contact; null: none. */
  nickname: string | null;
  /** 0014: a JSON array of group names. */
  group_names: Generated<string>;
}

export interface BlocksTable {
  owner_id: string;
  blocked_id: string;
  created_at: number;
}

export interface ConversationsTable {
  id: string;
  kind: ConversationKind;
  title: string | null;
  direct_key: string | null;
  created_at: number;
  last_seq: number;
  last_activity_at: number;
  topic: string | null;
  description: string | null;
  visibility: Generated<Visibility>;
  post_policy: Generated<PostPolicy>;
  slow_mode_seconds: Generated<number>;
  /** Maintained by addMembers/removeMember, so a channel never counts its members per read. */
  member_count: Generated<number>;
  /** Seq of the last message or system entry (not updates, not thread replies). */
  last_message_seq: Generated<number>;
  /** The group's or channel's picture (migration 0020); null: none. */
  avatar_url: Generated<string | null>;
  /** 'mls': end-to-end encrypted (0022); null: not. */
  encryption: 'mls' | null;
  /** Set while archived: read-only for everyone (0027); null: not archived. */
  archived_at: Generated<number | null>;
  /** Set when deleted: gone for every read; the purge job erases the rows (0027). */
  deleted_at: Generated<number | null>;
  /** 0026: the conversation's own retention period in days (null: the server's policy). */
  retention_days: Generated<number | null>;
}

export interface MembersTable {
  conversation_id: string;
  user_id: string;
  role: Role;
  joined_at: number;
  /** The conversation's last seq when this membership began: the member's first entry follows it. */
  start_seq: Generated<number>;
  read_seq: number;
  delivered_seq: number;
  muted_until: number | null;
  notify_level: Generated<NotifyLevel>;
  /** Set by "mark as unread": unread counting starts at this seq until the member reads past it. */
  marked_unread_seq: number | null;
  /** For slow mode. */
  last_post_at: number | null;
  /**
   * When the member first took part by their own action (posted, created the conversation,
   * joined or accepted an invite); null while they were only added (migration 0006).
   */
  took_part_at: number | null;
  /** The member's room nickname (XEP-0045); null: their username (migration 0015). */
  nick: Generated<string | null>;
  /** `nick` case-folded (domain/room-nick.ts), unique per conversation. */
  nick_fold: Generated<string | null>;
  /** The member's place in their own favourites, 0 first (migration 0030); null: not a favourite. */
  favourite_position: Generated<number | null>;
}

export interface MessagesTable {
  id: string;
  conversation_id: string;
  seq: number;
  sender_id: string;
  client_id: string;
  /** MessageContent serialized as JSON text (opaque to SQL, so both dialects agree). */
  content: string;
  created_at: number;
  kind: Generated<MessageKind>;
  thread_id: string | null;
  /** JSON ReplyRef. */
  reply_to: string | null;
  /** JSON ForwardRef. */
  forwarded_from: string | null;
  /** JSON Mentions. */
  mentions: string | null;
  /** 1 when the text mentions @here or @channel: one flag, never a row per member. */
  mention_all: Generated<number>;
  rev: number | null;
  edited_at: number | null;
  deleted_at: number | null;
  pinned_at: number | null;
  pinned_by: string | null;
  thread_reply_count: Generated<number>;
  thread_last_reply_at: number | null;
  thread_last_reply_seq: Generated<number>;
  /** JSON LinkPreview[] attached after the message was stored (0024). */
  link_previews: string | null;
  /** 1: the sender wants no link previews on this message. */
  link_previews_off: Generated<number>;
  /** 0026: an `update` entry's target (the message it changes); null for other entries. */
  target_id: Generated<string | null>;
  /** 0026: the message a reply quotes (`reply_to.messageId`); null when it quotes none. */
  reply_to_id: Generated<string | null>;
}

/** Only `message` entries count as unread; `update` entries change an earlier message. */
export type MessageKind = 'message' | 'system' | 'update';

export interface MessageMentionsTable {
  user_id: string;
  conversation_id: string;
  seq: number;
  message_id: string;
}

export interface ReactionsTable {
  message_id: string;
  emoji: string;
  user_id: string;
  created_at: number;
}

export interface ThreadParticipantsTable {
  root_id: string;
  user_id: string;
  conversation_id: string;
  joined_at: number;
  read_seq: Generated<number>;
}

export interface BansTable {
  conversation_id: string;
  user_id: string;
  banned_by: string;
  reason: string | null;
  created_at: number;
  expires_at: number | null;
}

export interface ReportsTable {
  id: string;
  conversation_id: string;
  message_id: string;
  reporter_id: string;
  reason: string;
  created_at: number;
  resolved_at: number | null;
  resolved_by: string | null;
}

/** What a member who left carries back when rejoining (a mute, the slow-mode clock). */
export interface MemberRestrictionsTable {
  conversation_id: string;
  user_id: string;
  muted_until: number | null;
  last_post_at: number | null;
}

export interface InvitesTable {
  code: string;
  conversation_id: string;
  created_by: string;
  created_at: number;
  expires_at: number | null;
  max_uses: number | null;
  uses: Generated<number>;
  /** 0 or 1. */
  revoked: Generated<number>;
}

/** SCRAM material per user and mechanism (migration 0002); binary values as base64. */
export interface ScramCredentialsTable {
  user_id: string;
  mechanism: string;
  iterations: number;
  salt: string;
  stored_key: string;
  server_key: string;
}

/** A presence subscription request waiting for the target's answer (XMPP, RFC 6121 3.1). */
export interface SubscriptionRequestsTable {
  requester_id: string;
  target_id: string;
  created_at: number;
}

/** Uploads and their media details (migration 0004); see ports/file-records.ts. */
export interface FilesTable {
  id: string;
  owner_id: string;
  status: 'uploading' | 'ready';
  name: string;
  size: number;
  mime: string;
  kind: string;
  width: number | null;
  height: number | null;
  duration_ms: number | null;
  placeholder: string | null;
  waveform: string | null;
  blob_key: string;
  thumb_key: string | null;
  created_at: number;
  completed_at: number | null;
}

/** Which messages carry which file (migration 0004). */
export interface FileRefsTable {
  file_id: string;
  message_id: string;
  conversation_id: string;
}

/**
 * The transactional outbox: events of a write, committed with it, published by the
 * relay after the commit and deleted once the bus took them (0012-events).
 */
export interface OutboxTable {
  /** The event id: the bus event carries it, receivers drop repeats by it. */
  id: string;
  topic: string;
  /** The whole event as JSON (id included). */
  body: string;
  /** The node (or `admin`, for the CLI's admin commands) whose write recorded it. */
  origin: string;
  created_at: number;
  /** A relay that took the event over (a dead node's, an admin command's) holds it until then. */
  claimed_until: number | null;
  /** 0016: 1 once the bus took it (the row stays while `dispatch` is 1). */
  published: Generated<number>;
  /** 0016: 1 while the durable consumers (the dispatcher) have not taken it. */
  dispatch: Generated<number>;
  /** 0025: failed dispatches of this event; past the limit it moves to `dead_letters`. */
  dispatch_attempts: Generated<number>;
}

/** 0016: the job queue any node runs (events/job-runner.ts). */
/** Fetched link previews by URL (0024-link-previews). */
export interface LinkPreviewCacheTable {
  /** SHA-256 of the URL, hex. */
  url_hash: string;
  url: string;
  /** JSON LinkPreview; null: the page gave no preview (cached too, so it is not fetched again). */
  result: string | null;
  fetched_at: number;
}

export interface JobsTable {
  id: string;
  kind: string;
  payload: string;
  due_at: number;
  attempts: Generated<number>;
  lease_until: number | null;
  lease_token: string | null;
  created_at: number;
  last_error: string | null;
}

/** 0017: a bot's outgoing webhook. */
export interface WebhookSubscriptionsTable {
  id: string;
  bot_id: string;
  url: string;
  secret: string;
  event_types: string;
  conversation_ids: string | null;
  enabled: Generated<number>;
  disabled_reason: string | null;
  created_by: string;
  created_at: number;
}

/** 0017: one message to one subscription (its id is the webhook-id header). */
export interface WebhookDeliveriesTable {
  id: string;
  subscription_id: string;
  event_type: string;
  payload: string;
  status: string;
  attempts: Generated<number>;
  created_at: number;
  next_attempt_at: number | null;
}

/** 0017: every try of a delivery. */
export interface WebhookAttemptsTable {
  id: string;
  delivery_id: string;
  subscription_id: string;
  attempt: number;
  started_at: number;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  response: string | null;
}

/** 0017: a secret URL posting into one conversation as a bot. */
export interface IncomingWebhooksTable {
  id: string;
  bot_id: string;
  conversation_id: string;
  token_hash: string;
  name: string;
  created_by: string;
  created_at: number;
}

/** Facts about the store itself, one row per key (`epoch`: the store's identity for cursors). */
export interface StoreMetaTable {
  key: string;
  value: string;
}

export interface E2eeDevicesTable {
  device_id: string;
  user_id: string;
  signature_key: string;
  created_at: number;
}

export interface E2eeKeyPackagesTable {
  id: string;
  device_id: string;
  data: string;
  last_resort: Generated<number>;
  created_at: number;
}

export interface E2eeGroupsTable {
  conversation_id: string;
  cipher_suite: number;
  epoch: number;
  updated_at: number;
}

export interface E2eeGroupDevicesTable {
  conversation_id: string;
  device_id: string;
  user_id: string;
  added_epoch: number;
}

export interface E2eeWelcomesTable {
  id: string;
  device_id: string;
  conversation_id: string;
  epoch: number;
  commit_seq: number;
  data: string;
  created_at: number;
}

/** One 1:1 call (migration 0021). */
export interface CallsTable {
  id: string;
  conversation_id: string;
  message_id: string;
  caller_id: string;
  callee_id: string;
  media: 'audio' | 'video';
  state: 'ringing' | 'active' | 'ended';
  caller_session: string;
  callee_session: string | null;
  started_at: number;
  answered_at: number | null;
  ended_at: number | null;
  end_reason: string | null;
  ended_by: string | null;
  ring_deadline: number;
  alive_at: number;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  contacts: ContactsTable;
  blocks: BlocksTable;
  conversations: ConversationsTable;
  members: MembersTable;
  messages: MessagesTable;
  scram_credentials: ScramCredentialsTable;
  message_mentions: MessageMentionsTable;
  reactions: ReactionsTable;
  thread_participants: ThreadParticipantsTable;
  bans: BansTable;
  reports: ReportsTable;
  invites: InvitesTable;
  member_restrictions: MemberRestrictionsTable;
  subscription_requests: SubscriptionRequestsTable;
  files: FilesTable;
  file_refs: FileRefsTable;
  outbox: OutboxTable;
  store_meta: StoreMetaTable;
  e2ee_devices: E2eeDevicesTable;
  e2ee_key_packages: E2eeKeyPackagesTable;
  e2ee_groups: E2eeGroupsTable;
  e2ee_group_devices: E2eeGroupDevicesTable;
  e2ee_welcomes: E2eeWelcomesTable;
  calls: CallsTable;
  server_settings: ServerSettingsTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  two_factor: TwoFactorTable;
  recovery_codes: RecoveryCodesTable;
  login_challenges: LoginChallengesTable;
  sso_identities: SsoIdentitiesTable;
  sso_tickets: SsoTicketsTable;
  server_invites: ServerInvitesTable;
  presend_hooks: PresendHooksTable;
  presend_changes: PresendChangesTable;
  jobs: JobsTable;
  link_preview_cache: LinkPreviewCacheTable;
  webhook_subscriptions: WebhookSubscriptionsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  incoming_webhooks: IncomingWebhooksTable;
  push_subscriptions: PushSubscriptionsTable;
  push_settings: PushSettingsTable;
  device_focus: DeviceFocusTable;
  push_decisions: PushDecisionsTable;
  dead_letters: DeadLettersTable;
  bot_commands: BotCommandsTable;
  interactions: InteractionsTable;
  retention_holds: RetentionHoldsTable;
  leases: LeasesTable;
}

/** 0025: an event or job that failed too often (`source`), kept for an admin to retry. */
export interface DeadLettersTable {
  id: string;
  source: 'event' | 'job';
  /** The event type or the job kind. */
  kind: string;
  /** JSON: the outbox record (topic, event, createdAt) or the job's payload. */
  payload: string;
  attempts: number;
  last_error: string;
  created_at: number;
  failed_at: number;
}

/** 0025: a slash command a bot registered; `options` is JSON CommandOption[]. */
export interface BotCommandsTable {
  bot_id: string;
  name: string;
  description: string;
  options: string;
  updated_at: number;
}

/** 0025: a command invocation or component click, and the bot's answer. */
export interface InteractionsTable {
  id: string;
  kind: 'command' | 'component';
  bot_id: string;
  user_id: string;
  conversation_id: string;
  message_id: string | null;
  /** JSON: the command and its arguments, or the component and the values chosen. */
  data: string;
  status: 'pending' | 'deferred' | 'answered' | 'timed_out';
  deadline_at: number;
  /** After this the bot can no longer answer (a deferred answer's limit); pruned later. */
  expires_at: number;
  /** JSON: the ephemeral reply, for the invoker only. */
  reply: string | null;
  created_at: number;
}

/** 0026: a legal hold: the retention job deletes none of a user's messages, or of a conversation. */
export interface RetentionHoldsTable {
  id: string;
  kind: 'user' | 'conversation';
  target_id: string;
  reason: string;
  created_by: string | null;
  created_at: number;
}

/** 0026: a named lease one node holds at a time (the retention job's batches). */
export interface LeasesTable {
  name: string;
  holder: string;
  until: number;
}

/** 0018: run-time settings an admin changes; `value` is JSON. */
export interface ServerSettingsTable {
  key: string;
  value: string;
  updated_at: number;
}

/** 0018: the append-only audit log (docs/adr/0012). */
export interface AuditLogTable {
  seq: number;
  at: number;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target: string | null;
  address: string | null;
  /** Canonical JSON (keys sorted): hashed as stored. */
  details: string;
  prev_hash: string;
  hash: string;
}

/** 0018: one row (id 1): the last entry's seq and hash; every append locks it first. */
export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

/** 0018: a TOTP secret per account; enabled once confirmed by a first code. */
export interface TwoFactorTable {
  user_id: string;
  secret: string;
  created_at: number;
  enabled_at: number | null;
  /** The last TOTP time step accepted: a code of this step or an earlier one is a replay. */
  last_step: Generated<number>;
}

export interface RecoveryCodesTable {
  user_id: string;
  code_hash: string;
  used_at: number | null;
}

/** 0018: the challenge between a right password and the second factor (SHA-256 of the token). */
export interface LoginChallengesTable {
  id_hash: string;
  user_id: string;
  device_name: string;
  expires_at: number;
  attempts: Generated<number>;
}

/** 0023: a browser's push subscription, owned by a session. */
export interface PushSubscriptionsTable {
  id: string;
  user_id: string;
  session_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  created_at: number;
}

/** 0023: a user's notification settings (do-not-disturb until); 0034: quiet hours. */
export interface PushSettingsTable {
  user_id: string;
  dnd_until: number | null;
  quiet_start: ColumnType<number | null, number | null | undefined, number | null>;
  quiet_end: ColumnType<number | null, number | null | undefined, number | null>;
  quiet_time_zone: ColumnType<string | null, string | null | undefined, string | null>;
}

/** 0034: the conversation a device shows, until it lapses or its connection closes. */
export interface DeviceFocusTable {
  session_id: string;
  user_id: string;
  conversation_id: string;
  connection_id: string;
  expires_at: number;
}

/** 0034: the latest push decisions about a user's devices. */
export interface PushDecisionsTable {
  id: string;
  user_id: string;
  subscription_id: string;
  conversation_id: string | null;
  message_id: string | null;
  at: number;
  reason: string;
  delivery: string | null;
}

/** 0029: an OpenID Connect identity and the account it logs into. */
export interface SsoIdentitiesTable {
  issuer: string;
  subject: string;
  user_id: string;
  created_at: number;
  last_login_at: number;
}

/** 0029: a single-use ticket of a single sign-on login (SHA-256 of its secret; `data` is JSON). */
export interface SsoTicketsTable {
  id_hash: string;
  kind: string;
  data: string;
  expires_at: number;
}

/** Server invites for registration `invite` (migration 0031): only the code's SHA-256 is kept. */
export interface ServerInvitesTable {
  id: string;
  code_hash: string;
  created_by: string | null;
  created_at: number;
  expires_at: number | null;
  max_uses: number | null;
  uses: Generated<number>;
  revoked_at: number | null;
  note: Generated<string>;
}

/** 0036: a pre-send hook (ADR 0030). */
export interface PresendHooksTable {
  id: string;
  url: string;
  secret: string;
  conversation_ids: string | null;
  content_types: string;
  deadline_ms: number;
  policy: string;
  enabled: Generated<number>;
  created_by: string | null;
  created_at: number;
}

/** 0036: the digest of what a sender sent when a pre-send hook changed it. */
export interface PresendChangesTable {
  sender_id: string;
  client_id: string;
  digest: string;
  created_at: number;
}
