import type { Message, User } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { activeToken, insertCompletion, mentionCandidates, mentionsMe } from './mentions';

const user = (id: string, username: string, displayName: string): User => ({
  id,
  username,
  displayName,
  avatarUrl: null,
  statusText: null,
  createdAt: 1,
});
const people = [user('u1', 'alice', 'Alice Liddell'), user('u2', 'bob', 'Bob Lee'), user('u3', 'lee', 'Lee Ann')];

describe('mentions', () => {
  it('finds the token at the caret', () => {
    expect(activeToken('hi @al', 6)).toEqual({ kind: 'mention', start: 3, query: 'al' });
    expect(activeToken('@', 1)).toEqual({ kind: 'mention', start: 0, query: '' });
    expect(activeToken('mail a@b', 8)).toBeUndefined();
    expect(activeToken('nice :ta', 8)).toEqual({ kind: 'emoji', start: 5, query: 'ta' });
    expect(activeToken('time 10:3', 9)).toBeUndefined();
    expect(activeToken('hi @al there', 12)).toBeUndefined();
  });

  it('suggests people by username or name, then @here/@channel when allowed', () => {
    const names = (q: string, allowAll: boolean) =>
      mentionCandidates(q, people, { allowAll, me: 'u1' }).map((c) => (c.kind === 'user' ? c.user.username : c.name));
    expect(names('le', false)).toEqual(['lee', 'bob']);
    expect(names('', true)).toEqual(['bob', 'lee', 'here', 'channel']);
    expect(names('ch', true)).toEqual(['channel']);
    expect(names('ch', false)).toEqual([]);
  });

  it('inserts the completion with one space after it', () => {
    expect(insertCompletion('hi @al', 3, 6, '@alice')).toEqual({ text: 'hi @alice ', caret: 10 });
    expect(insertCompletion('hi @al there', 3, 6, '@alice')).toEqual({ text: 'hi @alice there', caret: 9 });
  });

  it('knows when a message mentions me', () => {
    const m = (mentions: Message['mentions'], senderId = 'u2'): Message => ({
      id: 'm1',
      conversationId: 'c1',
      seq: 1,
      senderId,
      clientId: 'k',
      createdAt: 1,
      content: { type: 'text', text: 'x' },
      ...(mentions === undefined ? {} : { mentions }),
    });
    expect(mentionsMe(m({ userIds: ['u1'], here: false, channel: false }), 'u1')).toBe(true);
    expect(mentionsMe(m({ userIds: [], here: true, channel: false }), 'u1')).toBe(true);
    expect(mentionsMe(m({ userIds: ['u3'], here: false, channel: false }), 'u1')).toBe(false);
    expect(mentionsMe(m(undefined), 'u1')).toBe(false);
    expect(mentionsMe(m({ userIds: [], here: false, channel: true }, 'u1'), 'u1')).toBe(false);
  });
});
