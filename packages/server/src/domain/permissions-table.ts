/**
 * The permission matrix as the Markdown table docs/protocol.md prints, generated from
 * `authorize()` itself (permissions.test.ts fails when the doc is stale). Pure.
 */
import type { ConversationKind, PostPolicy, Role } from '@parley/protocol';
import { authorize, ROLES, type Operation } from './permissions';

export const OPERATIONS: readonly Operation[] = [
  'read',
  'post',
  'react',
  'report',
  'editOwn',
  'deleteOwn',
  'deleteAny',
  'pin',
  'mentionAll',
  'bypassSlowMode',
  'addMembers',
  'editSettings',
  'manageInvites',
  'viewReports',
  'kick',
  'ban',
  'mute',
  'setRole',
  'leave',
  'archive',
  'unarchive',
  'delete',
];

export interface Setting {
  label: string;
  kind: ConversationKind;
  postPolicy: PostPolicy;
  archived?: boolean;
}

export const SETTINGS: readonly Setting[] = [
  { label: 'group', kind: 'group', postPolicy: 'everyone' },
  { label: 'channel (discussion)', kind: 'channel', postPolicy: 'everyone' },
  { label: 'channel (broadcast)', kind: 'channel', postPolicy: 'admins' },
  { label: 'archived group or channel', kind: 'channel', postPolicy: 'everyone', archived: true },
  { label: 'direct', kind: 'direct', postPolicy: 'everyone' },
];

/**
 * Targeted operations are shown against a read-only target (the weakest role), and
 * setRole as "make them a member": the rank rule (you must outrank the target) is stated below the table.
 */
export function cell(operation: Operation, setting: Setting, role: Role | undefined): string {
  const refusal = authorize(operation, {
    kind: setting.kind,
    postPolicy: setting.postPolicy,
    role,
    targetRole: 'readonly',
    self: false,
    newRole: 'member',
    archived: setting.archived === true,
  });
  return refusal === null ? 'yes' : `\`${refusal}\``;
}

/** A Markdown table laid out as prettier lays it out, so the formatted doc equals the generated text. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(3, h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 3)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function permissionMatrixMarkdown(): string {
  return SETTINGS.map((setting) => {
    const roles: (Role | undefined)[] = setting.kind === 'direct' ? ['member', undefined] : [...ROLES, undefined];
    const header = ['operation', ...roles.map((role) => role ?? 'not a member')];
    const rows = OPERATIONS.map((operation) => [
      `\`${operation}\``,
      ...roles.map((role) => cell(operation, setting, role)),
    ]);
    return `**${setting.label}**\n\n${table(header, rows)}`;
  }).join('\n\n');
}
