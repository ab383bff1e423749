/**
 * Who may do what in a conversation. Pure functions over roles and conversation
 * kinds: services call them after loading the facts, so every gateway gets the
 * same answers. Each returns null when allowed, or the error code to refuse with.
 */
import type { ConversationKind, Role } from '@parley/protocol';

export type Refusal = 'forbidden' | 'not_member' | 'invalid_operation';

const rank: Record<Role, number> = { owner: 3, admin: 2, member: 1 };

export interface Actor {
  role: Role | undefined; // undefined: not a member
}

export function canRead(actor: Actor): Refusal | null {
  return actor.role ? null : 'not_member';
}

export function canPost(actor: Actor): Refusal | null {
  return actor.role ? null : 'not_member';
}

export function canRename(kind: ConversationKind, actor: Actor): Refusal | null {
  if (!actor.role) return 'not_member';
  if (kind === 'direct') return 'invalid_operation';
  return rank[actor.role] >= rank.admin ? null : 'forbidden';
}

export function canAddMembers(kind: ConversationKind, actor: Actor): Refusal | null {
  if (!actor.role) return 'not_member';
  if (kind === 'direct') return 'invalid_operation';
  return rank[actor.role] >= rank.admin ? null : 'forbidden';
}

/** Owners remove anyone else; admins remove plain members; nobody removes themselves (they leave). */
export function canRemoveMember(kind: ConversationKind, actor: Actor, target: Actor, self: boolean): Refusal | null {
  if (!actor.role) return 'not_member';
  if (kind === 'direct' || self) return 'invalid_operation';
  if (!target.role) return null; // removing a non-member is a no-op the service reports as not_found
  return rank[actor.role] > rank[target.role] && rank[actor.role] >= rank.admin ? null : 'forbidden';
}

/** Only the owner changes roles, and never to or from owner (ownership moves by leaving). */
export function canSetRole(
  kind: ConversationKind,
  actor: Actor,
  target: Actor,
  newRole: Role,
  self: boolean,
): Refusal | null {
  if (!actor.role) return 'not_member';
  if (kind === 'direct' || self || newRole === 'owner' || target.role === 'owner') return 'invalid_operation';
  return actor.role === 'owner' ? null : 'forbidden';
}

export function canLeave(kind: ConversationKind, actor: Actor): Refusal | null {
  if (!actor.role) return 'not_member';
  return kind === 'direct' ? 'invalid_operation' : null;
}

/**
 * When the owner leaves, ownership passes to the longest-standing admin, else the
 * longest-standing member, so a group is never left without an owner.
 */
export function nextOwner<M extends { userId: string; role: Role; joinedAt: number }>(
  remaining: readonly M[],
): M | undefined {
  return [...remaining].sort((a, b) => rank[b.role] - rank[a.role] || a.joinedAt - b.joinedAt)[0];
}
