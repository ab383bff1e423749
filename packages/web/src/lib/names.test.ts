import type { Message, User } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { lineText, previewLine, previewText, systemLine, systemText } from './names';

const users: Record<string, User> = {
  u1: { id: 'u1', username: 'ann', displayName: 'Ann', avatarUrl: null, statusText: null, createdAt: 1 },
  u2: { id: 'u2', username: 'bo', displayName: 'Bo', avatarUrl: null, statusText: null, createdAt: 1 },
};
const message = (content: Message['content'], senderId = 'u1'): Message => ({
  id: 'm1',
  conversationId: 'c1',
  seq: 1,
  senderId,
  clientId: 'k1',
  createdAt: 1,
  content,
});

describe('names', () => {
  it('words channel and moderation changes', () => {
    expect(systemText(message({ type: 'system', action: 'member.joined' }), users, 'u2')).toBe('Ann joined');
    expect(systemText(message({ type: 'system', action: 'member.unmuted', userIds: ['u2'] }), users, 'u2')).toBe(
      'Ann unmuted you',
    );
    expect(
      systemText(
        message({
          type: 'system',
          action: 'settings.changed',
          settings: { postPolicy: 'admins', slowModeSeconds: 60 },
        }),
        users,
        'u2',
      ),
    ).toBe('Ann changed posting to admins only, slow mode to 1 min');
  });

  it('previews deleted messages and Markdown as plain text', () => {
    expect(previewText(message({ type: 'deleted' }), users, 'u2', false)).toBe('This message was deleted');
    expect(previewText(message({ type: 'text', text: '**Ship** it :rocket:' }), users, 'u2', true)).toBe(
      'Ann: Ship it 🚀',
    );
  });

  it('keeps what people wrote apart from the UI words, for bidi isolation', () => {
    const spoofer: Record<string, User> = {
      ...users,
      u3: {
        id: 'u3',
        username: 'eve',
        displayName: 'eve\u202Etxt.exe',
        avatarUrl: null,
        statusText: null,
        createdAt: 1,
      },
    };
    const renamed = message({ type: 'system', action: 'renamed', title: '\u202Egnp.exe' }, 'u3');
    expect(systemLine(renamed, spoofer, 'u2')).toEqual([
      { user: 'eve\u202Etxt.exe' },
      ' renamed the conversation to “',
      { user: '\u202Egnp.exe' },
      '”',
    ]);
    expect(lineText(systemLine(renamed, spoofer, 'u2'), true)).toBe(
      '\u2068eve\u202Etxt.exe\u2069 renamed the conversation to “\u2068\u202Egnp.exe\u2069”',
    );
    expect(previewLine(message({ type: 'text', text: 'hi \u202Ethere' }, 'u3'), spoofer, 'u2', true)).toEqual([
      { user: 'eve\u202Etxt.exe' },
      ': ',
      { user: 'hi \u202Ethere' },
    ]);
  });
});
