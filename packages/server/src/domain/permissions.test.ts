/** The role matrix of groups and directs: every operation x every role, including "not a member". */
import type { ConversationKind, Role } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import {
  canAddMembers,
  canLeave,
  canPost,
  canRead,
  canRemoveMember,
  canRename,
  canSetRole,
  nextOwner,
} from './permissions';

const roles: (Role | undefined)[] = ['owner', 'admin', 'member', undefined];
const label = (r: Role | undefined) => r ?? 'non-member';

describe('group permissions', () => {
  const kind: ConversationKind = 'group';
  const expected = {
    read: { owner: null, admin: null, member: null, 'non-member': 'not_member' },
    post: { owner: null, admin: null, member: null, 'non-member': 'not_member' },
    rename: { owner: null, admin: null, member: 'forbidden', 'non-member': 'not_member' },
    add: { owner: null, admin: null, member: 'forbidden', 'non-member': 'not_member' },
    leave: { owner: null, admin: null, member: null, 'non-member': 'not_member' },
  } as const;
  for (const role of roles) {
    it(`${label(role)}`, () => {
      expect(canRead({ role })).toBe(expected.read[label(role)]);
      expect(canPost({ role })).toBe(expected.post[label(role)]);
      expect(canRename(kind, { role })).toBe(expected.rename[label(role)]);
      expect(canAddMembers(kind, { role })).toBe(expected.add[label(role)]);
      expect(canLeave(kind, { role })).toBe(expected.leave[label(role)]);
    });
  }

  it('removal: strictly higher rank and at least admin; never yourself', () => {
    const table: Record<string, Record<string, string | null>> = {};
    for (const actor of roles) {
      for (const target of roles) {
        (table[label(actor)] ??= {})[label(target)] = canRemoveMember(kind, { role: actor }, { role: target }, false);
      }
    }
    expect(table).toEqual({
      owner: { owner: 'forbidden', admin: null, member: null, 'non-member': null },
      admin: { owner: 'forbidden', admin: 'forbidden', member: null, 'non-member': null },
      member: { owner: 'forbidden', admin: 'forbidden', member: 'forbidden', 'non-member': null },
      'non-member': { owner: 'not_member', admin: 'not_member', member: 'not_member', 'non-member': 'not_member' },
    });
    expect(canRemoveMember(kind, { role: 'owner' }, { role: 'owner' }, true)).toBe('invalid_operation');
  });

  it('roles: only the owner, never to or from owner, never your own', () => {
    expect(canSetRole(kind, { role: 'owner' }, { role: 'member' }, 'admin', false)).toBeNull();
    expect(canSetRole(kind, { role: 'owner' }, { role: 'admin' }, 'member', false)).toBeNull();
    expect(canSetRole(kind, { role: 'admin' }, { role: 'member' }, 'admin', false)).toBe('forbidden');
    expect(canSetRole(kind, { role: 'member' }, { role: 'member' }, 'admin', false)).toBe('forbidden');
    expect(canSetRole(kind, { role: undefined }, { role: 'member' }, 'admin', false)).toBe('not_member');
    expect(canSetRole(kind, { role: 'owner' }, { role: 'member' }, 'owner', false)).toBe('invalid_operation');
    expect(canSetRole(kind, { role: 'owner' }, { role: 'owner' }, 'admin', true)).toBe('invalid_operation');
  });
});

describe('direct permissions', () => {
  it('members read and post; nobody renames, adds, removes, changes roles or leaves', () => {
    expect(canPost({ role: 'member' })).toBeNull();
    expect(canRename('direct', { role: 'member' })).toBe('invalid_operation');
    expect(canAddMembers('direct', { role: 'member' })).toBe('invalid_operation');
    expect(canRemoveMember('direct', { role: 'member' }, { role: 'member' }, false)).toBe('invalid_operation');
    expect(canSetRole('direct', { role: 'member' }, { role: 'member' }, 'admin', false)).toBe('invalid_operation');
    expect(canLeave('direct', { role: 'member' })).toBe('invalid_operation');
  });
});

describe('nextOwner', () => {
  it('prefers the longest-standing admin, then the longest-standing member', () => {
    expect(
      nextOwner([
        { userId: 'm1', role: 'member', joinedAt: 1 },
        { userId: 'a2', role: 'admin', joinedAt: 5 },
        { userId: 'a1', role: 'admin', joinedAt: 3 },
      ])?.userId,
    ).toBe('a1');
    expect(
      nextOwner([
        { userId: 'm2', role: 'member', joinedAt: 9 },
        { userId: 'm1', role: 'member', joinedAt: 2 },
      ])?.userId,
    ).toBe('m1');
    expect(nextOwner([])).toBeUndefined();
  });
});
