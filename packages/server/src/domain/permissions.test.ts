/**
 * The authorization matrix: every operation x every role (and "not a member") for
 * direct conversations, groups, discussion channels and broadcast channels, written
 * out by hand so that a change to `authorize()` must change this table too. A banned
 * user is not a member (the services answer `banned` instead of `not_member`, see
 * test/moderation.test.ts). docs/protocol.md prints the same matrix, generated.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Role } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { atLeast, authorize, MODERATING_ROLES, ROLES, type Operation } from './permissions';
import { cell, OPERATIONS, permissionMatrixMarkdown, SETTINGS } from './permissions-table';

/** One letter per column: owner, admin, moderator, member, readonly, not a member. */
type Row = string;
const code: Record<string, string | null> = {
  '+': null,
  f: 'forbidden',
  n: 'not_member',
  i: 'invalid_operation',
  a: 'conversation_archived',
};

// Targeted operations (kick, ban, mute, setRole) here aim at a read-only member; setRole gives 'member'.
const group: Record<Operation, Row> = {
  read: '+++++n',
  post: '++++fn',
  react: '+++++n',
  report: '+++++n',
  editOwn: '++++fn',
  deleteOwn: '+++++n',
  deleteAny: '+++ffn',
  pin: '+++ffn',
  mentionAll: '++++fn',
  bypassSlowMode: '+++ffn',
  addMembers: '++fffn',
  editSettings: '++fffn',
  manageInvites: '++fffn',
  viewReports: '+++ffn',
  kick: '+++ffn',
  ban: '+++ffn',
  mute: '+++ffn',
  setRole: '+ffffn',
  leave: '+++++n',
  archive: '++fffn',
  unarchive: '+ffffn',
  delete: '+ffffn',
};

const discussion: Record<Operation, Row> = { ...group, mentionAll: '+++ffn' };

const broadcast: Record<Operation, Row> = { ...discussion, post: '++fffn', editOwn: '++fffn' };

/**
 * An archived group or channel: whoever the role allows still reads, reports, sees reports,
 * leaves, and the owner unarchives or deletes; every write is `conversation_archived` (the role
 * check comes first, so a member who could never pin still hears `forbidden`).
 */
const archived: Record<Operation, Row> = {
  read: '+++++n',
  post: 'aaaafn',
  react: 'aaaaan',
  report: '+++++n',
  editOwn: 'aaaafn',
  deleteOwn: 'aaaaan',
  deleteAny: 'aaaffn',
  pin: 'aaaffn',
  mentionAll: 'aaaffn',
  bypassSlowMode: 'aaaffn',
  addMembers: 'aafffn',
  editSettings: 'aafffn',
  manageInvites: 'aafffn',
  viewReports: '+++ffn',
  kick: 'aaaffn',
  ban: 'aaaffn',
  mute: 'aaaffn',
  setRole: 'affffn',
  leave: '+++++n',
  archive: '++fffn',
  unarchive: '+ffffn',
  delete: '+ffffn',
};

/** Direct conversations: only members (role 'member') and outsiders. */
const direct: Record<Operation, string> = {
  read: '+n',
  post: '+n',
  react: '+n',
  report: '+n',
  editOwn: '+n',
  deleteOwn: '+n',
  deleteAny: 'in',
  pin: '+n',
  mentionAll: 'in',
  bypassSlowMode: 'in',
  addMembers: 'in',
  editSettings: 'in',
  manageInvites: 'in',
  viewReports: 'in',
  kick: 'in',
  ban: 'in',
  mute: 'in',
  setRole: 'in',
  leave: 'in',
  archive: 'in',
  unarchive: 'in',
  delete: 'in',
};

const columns: (Role | undefined)[] = [...ROLES, undefined];
const expected = {
  group,
  'channel (discussion)': discussion,
  'channel (broadcast)': broadcast,
  'archived group or channel': archived,
  direct,
} as const;

describe('authorize: every operation x every role', () => {
  it('covers every operation', () => {
    expect([...OPERATIONS].sort()).toEqual(Object.keys(group).sort());
  });

  for (const setting of SETTINGS) {
    const table = expected[setting.label as keyof typeof expected];
    const roles = setting.kind === 'direct' ? ['member' as const, undefined] : columns;
    for (const operation of OPERATIONS) {
      it(`${setting.label}: ${operation}`, () => {
        const row = table[operation];
        const actual = roles.map((role) =>
          authorize(operation, {
            kind: setting.kind,
            postPolicy: setting.postPolicy,
            role,
            targetRole: 'readonly',
            self: false,
            newRole: 'member',
            archived: setting.archived === true,
          }),
        );
        expect(actual).toEqual([...row].map((letter) => code[letter]));
      });
    }
  }
});

describe('targeted operations: the actor must outrank the target', () => {
  const targets: (Role | undefined)[] = [...ROLES, undefined];
  // rows: actor; columns: target owner, admin, moderator, member, readonly, not a member
  const kickBanMute: Record<Role, Row> = {
    owner: 'f+++++',
    admin: 'ff++++',
    moderator: 'fff+++',
    member: 'ffffff',
    readonly: 'ffffff',
  };
  for (const operation of ['kick', 'ban', 'mute'] as const) {
    for (const kind of ['group', 'channel'] as const) {
      it(`${operation} in a ${kind}`, () => {
        for (const actor of ROLES) {
          const actual = targets.map((targetRole) =>
            authorize(operation, { kind, postPolicy: 'everyone', role: actor, targetRole, self: false }),
          );
          expect([actor, actual]).toEqual([actor, [...kickBanMute[actor]].map((l) => code[l])]);
        }
        expect(authorize(operation, { kind, postPolicy: 'everyone', role: undefined, targetRole: 'member' })).toBe(
          'not_member',
        );
      });
    }
  }

  it('nobody kicks, bans, mutes or re-roles themselves', () => {
    for (const operation of ['kick', 'ban', 'mute', 'setRole'] as const) {
      expect(
        authorize(operation, {
          kind: 'channel',
          postPolicy: 'everyone',
          role: 'owner',
          targetRole: 'owner',
          self: true,
        }),
      ).toBe('invalid_operation');
    }
  });

  it('an archived broadcast channel: who could never post hears forbidden, the others conversation_archived', () => {
    const facts = { kind: 'channel' as const, postPolicy: 'admins' as const, archived: true };
    expect(ROLES.map((role) => authorize('post', { ...facts, role }))).toEqual([
      'conversation_archived',
      'conversation_archived',
      'forbidden',
      'forbidden',
      'forbidden',
    ]);
    // The owner still outranks nobody above them: the rank rule answers first.
    expect(authorize('kick', { ...facts, role: 'admin', targetRole: 'owner', self: false })).toBe('forbidden');
  });

  it('setRole: only the owner, never to or from owner', () => {
    const facts = { kind: 'group' as const, postPolicy: 'everyone' as const };
    for (const newRole of ['admin', 'moderator', 'member', 'readonly'] as const) {
      for (const targetRole of ['admin', 'moderator', 'member', 'readonly'] as const) {
        expect(authorize('setRole', { ...facts, role: 'owner', targetRole, newRole })).toBeNull();
        expect(authorize('setRole', { ...facts, role: 'admin', targetRole, newRole })).toBe('forbidden');
      }
    }
    expect(authorize('setRole', { ...facts, role: 'owner', targetRole: 'member', newRole: 'owner' })).toBe(
      'invalid_operation',
    );
    expect(authorize('setRole', { ...facts, role: 'admin', targetRole: 'member', newRole: 'owner' })).toBe('forbidden');
  });
});

describe('role helpers', () => {
  it('reports go to moderators, admins and the owner', () => {
    expect([...MODERATING_ROLES].sort()).toEqual(['admin', 'moderator', 'owner']);
    expect(atLeast('admin', 'moderator')).toBe(true);
    expect(atLeast('member', 'moderator')).toBe(false);
  });
});

describe('docs/protocol.md', () => {
  const start = '<!-- permission-matrix:start (generated from authorize(); PARLEY_UPDATE_DOCS=1 to refresh) -->';
  const end = '<!-- permission-matrix:end -->';
  const path = new URL('../../../../docs/protocol.md', import.meta.url);

  it('prints the matrix authorize() implements', () => {
    const doc = readFileSync(path, 'utf8');
    const table = `${start}\n\n${permissionMatrixMarkdown()}\n\n${end}`;
    const from = doc.indexOf(start);
    const to = doc.indexOf(end);
    if (process.env.PARLEY_UPDATE_DOCS === '1' && from >= 0 && to > from) {
      writeFileSync(path, doc.slice(0, from) + table + doc.slice(to + end.length));
      return;
    }
    expect(from).toBeGreaterThanOrEqual(0);
    expect(doc.slice(from, to + end.length)).toBe(table);
  });

  it('the generated cells agree with the hand-written table', () => {
    expect(cell('post', SETTINGS[2]!, 'moderator')).toBe('`forbidden`');
    expect(cell('read', SETTINGS[0]!, undefined)).toBe('`not_member`');
    expect(cell('read', SETTINGS[0]!, 'readonly')).toBe('yes');
  });
});
