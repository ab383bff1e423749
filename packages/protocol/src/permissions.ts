/**
 * Who may do what in a conversation: one matrix of operations x roles, and the few
 * rules that depend on more than the actor's role (the target's rank, broadcast
 * channels, direct conversations). Pure functions over facts: the server's services
 * decide with them (so every gateway gets the same answers) and clients use the same
 * table to show only the actions a member may take. `authorize` returns null when
 * allowed, or the error code to refuse with. docs/protocol.md prints the same matrix.
 *
 * Bans and mutes are facts with an expiry, checked by the services before this (a
 * banned user is not a member; a muted member gets `muted`), so that their errors
 * carry the expiry.
 */
import type { ConversationKind, PostPolicy, Role } from './models';

export type Refusal = 'forbidden' | 'not_member' | 'invalid_operation' | 'conversation_archived';

export const ROLES: readonly Role[] = ['owner', 'admin', 'moderator', 'member', 'readonly'];

/** Roles by strength. */
export const ROLE_RANK: Readonly<Record<Role, number>> = { owner: 5, admin: 4, moderator: 3, member: 2, readonly: 1 };

export type Operation =
  /** Read history, sync, search, see pins and threads. */
  | 'read'
  /** Send a message or a thread reply (broadcast channels: admins and owner only). */
  | 'post'
  | 'react'
  | 'report'
  /** Edit your own message (as `post`: a muted or read-only member cannot). */
  | 'editOwn'
  | 'deleteOwn'
  | 'deleteAny'
  | 'pin'
  /** @here and @channel. */
  | 'mentionAll'
  /** Post without waiting for slow mode. */
  | 'bypassSlowMode'
  | 'addMembers'
  /** Title, topic, description, visibility, post policy, slow mode. */
  | 'editSettings'
  | 'manageInvites'
  | 'viewReports'
  | 'kick'
  | 'ban'
  | 'mute'
  | 'setRole'
  | 'leave'
  /** Make the group or channel read-only for everyone (it moves to the "Archived" place). */
  | 'archive'
  /** Make an archived group or channel writable again. */
  | 'unarchive'
  /** Delete the group or channel for everyone, with its messages and files. */
  | 'delete';

/** The lowest role allowed each operation in groups and channels. */
const minimumRole: Record<Operation, Role> = {
  read: 'readonly',
  post: 'member',
  react: 'readonly',
  report: 'readonly',
  editOwn: 'member',
  deleteOwn: 'readonly',
  deleteAny: 'moderator',
  pin: 'moderator',
  mentionAll: 'moderator',
  bypassSlowMode: 'moderator',
  addMembers: 'admin',
  editSettings: 'admin',
  manageInvites: 'admin',
  viewReports: 'moderator',
  kick: 'moderator',
  ban: 'moderator',
  mute: 'moderator',
  setRole: 'owner',
  leave: 'readonly',
  archive: 'admin',
  unarchive: 'owner',
  delete: 'owner',
};

/**
 * What an archived group or channel still allows: reading, reporting what is there, leaving,
 * and the owner's way out (unarchive, delete). Everything else is `conversation_archived`.
 */
const archivedOperations = new Set<Operation>([
  'read',
  'report',
  'viewReports',
  'leave',
  'archive',
  'unarchive',
  'delete',
]);

/** What a direct conversation allows its two members; the rest is `invalid_operation`. */
const directOperations = new Set<Operation>(['read', 'post', 'react', 'report', 'editOwn', 'deleteOwn', 'pin']);

/** Operations on another member: the actor must outrank the target. */
const targeted = new Set<Operation>(['kick', 'ban', 'mute', 'setRole']);

export interface Facts {
  kind: ConversationKind;
  postPolicy: PostPolicy;
  /** undefined: not a member. */
  role: Role | undefined;
  /** For kick, ban, mute and setRole: the target's role (undefined: not a member). */
  targetRole?: Role | undefined;
  /** The actor is the target (kick, ban, mute, setRole). */
  self?: boolean;
  /** setRole: the role to give. */
  newRole?: Role;
  /** The group or channel is archived (read-only for everyone). */
  archived?: boolean;
}

export function authorize(operation: Operation, facts: Facts): Refusal | null {
  const refusal = byRole(operation, facts);
  if (refusal !== null) return refusal;
  // Last: whoever the rules refuse hears why they could never do it; the others, that it is archived.
  if (facts.archived === true && !archivedOperations.has(operation)) return 'conversation_archived';
  return null;
}

/** The matrix without the archived rule: roles, direct conversations, broadcast channels, ranks. */
function byRole(operation: Operation, facts: Facts): Refusal | null {
  const { kind, role } = facts;
  if (!role) return 'not_member';
  if (kind === 'direct') return directOperations.has(operation) ? null : 'invalid_operation';
  if (operation === 'mentionAll' && kind === 'group') return ROLE_RANK[role] >= ROLE_RANK.member ? null : 'forbidden';
  if (ROLE_RANK[role] < ROLE_RANK[minimumRole[operation]]) return 'forbidden';
  if ((operation === 'post' || operation === 'editOwn') && facts.postPolicy === 'admins') {
    return ROLE_RANK[role] >= ROLE_RANK.admin ? null : 'forbidden';
  }
  if (targeted.has(operation)) {
    if (facts.self) return 'invalid_operation';
    if (operation === 'setRole' && (facts.newRole === 'owner' || facts.targetRole === 'owner')) {
      return 'invalid_operation';
    }
    // Removing, banning or muting a non-member is for the service to report (not_found or a ban of an outsider).
    if (facts.targetRole && ROLE_RANK[role] <= ROLE_RANK[facts.targetRole]) return 'forbidden';
  }
  return null;
}

/** True when `role` is at least `minimum` (for listings such as "who gets reports"). */
export function atLeast(role: Role, minimum: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[minimum];
}

/** Roles that receive reports. */
export const MODERATING_ROLES: readonly Role[] = ROLES.filter((r) => atLeast(r, minimumRole.viewReports));
