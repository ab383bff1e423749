/**
 * What the UI offers a member, by role: the same matrix as the server's
 * (packages/server/src/domain/permissions.ts), used only to show or hide actions.
 * The server decides; a refused action shows the server's error.
 */
import type { ConversationKind, PostPolicy, Role } from '@parley/protocol';

export type Action =
  | 'post'
  | 'react'
  | 'report'
  | 'editOwn'
  | 'deleteOwn'
  | 'deleteAny'
  | 'pin'
  | 'mentionAll'
  | 'bypassSlowMode'
  | 'addMembers'
  | 'editSettings'
  | 'manageInvites'
  | 'viewReports'
  | 'kick'
  | 'ban'
  | 'mute'
  | 'setRole';

export const RANK: Readonly<Record<Role, number>> = { owner: 5, admin: 4, moderator: 3, member: 2, readonly: 1 };

const MINIMUM: Readonly<Record<Action, Role>> = {
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
};

const DIRECT = new Set<Action>(['post', 'react', 'report', 'editOwn', 'deleteOwn', 'pin']);

export interface Seat {
  kind: ConversationKind;
  postPolicy: PostPolicy;
  role: Role | undefined;
}

/** May a member with this role do `action` here? (`targetRole`: the member acted on, who must rank lower.) */
export function can(action: Action, seat: Seat, targetRole?: Role): boolean {
  const { kind, role } = seat;
  if (role === undefined) return false;
  if (kind === 'direct') return DIRECT.has(action);
  if (action === 'mentionAll' && kind === 'group') return RANK[role] >= RANK.member;
  if (RANK[role] < RANK[MINIMUM[action]]) return false;
  if ((action === 'post' || action === 'editOwn') && seat.postPolicy === 'admins') return RANK[role] >= RANK.admin;
  if (
    targetRole !== undefined &&
    (action === 'kick' || action === 'ban' || action === 'mute' || action === 'setRole')
  ) {
    return RANK[role] > RANK[targetRole] && targetRole !== 'owner';
  }
  return true;
}
