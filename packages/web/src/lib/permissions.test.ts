import { describe, expect, it } from 'vitest';
import { can } from './permissions';

describe('what the UI offers', () => {
  it('follows the role matrix', () => {
    const channel = (
      role: 'owner' | 'admin' | 'moderator' | 'member' | 'readonly',
      postPolicy: 'everyone' | 'admins' = 'everyone',
    ) => ({ kind: 'channel', postPolicy, role }) as const;
    expect(can('post', channel('member'))).toBe(true);
    expect(can('post', channel('readonly'))).toBe(false);
    expect(can('post', channel('moderator', 'admins'))).toBe(false);
    expect(can('post', channel('admin', 'admins'))).toBe(true);
    expect(can('deleteAny', channel('moderator'))).toBe(true);
    expect(can('deleteAny', channel('member'))).toBe(false);
    expect(can('kick', channel('moderator'), 'member')).toBe(true);
    expect(can('kick', channel('moderator'), 'moderator')).toBe(false);
    expect(can('setRole', channel('owner'), 'admin')).toBe(true);
    expect(can('editSettings', channel('moderator'))).toBe(false);
    expect(can('pin', { kind: 'direct', postPolicy: 'everyone', role: 'member' })).toBe(true);
    expect(can('kick', { kind: 'direct', postPolicy: 'everyone', role: 'owner' })).toBe(false);
    expect(can('mentionAll', { kind: 'group', postPolicy: 'everyone', role: 'member' })).toBe(true);
    expect(can('react', { kind: 'group', postPolicy: 'everyone', role: undefined })).toBe(false);
  });
});
