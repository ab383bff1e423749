import type { Conversation } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import type { ConversationState } from '../state/app-state';
import { newConversationState } from '../state/reducers';
import { postBlocker, slowModeWait } from './posting';

const channel = (postPolicy: 'everyone' | 'admins', slowModeSeconds = 0): Conversation => ({
  id: 'c1',
  kind: 'channel',
  avatarUrl: null,
  title: 'News',
  topic: null,
  description: null,
  visibility: 'public',
  postPolicy,
  slowModeSeconds,
  createdAt: 1,
  lastSeq: 0,
  lastActivityAt: 1,
  memberCount: 3,
  members: [],
});
const seat = (c: Conversation, patch: Partial<ConversationState>): ConversationState => ({
  ...newConversationState(c),
  ...patch,
});

describe('who may post, and when', () => {
  it('explains broadcast channels, read-only members and mutes', () => {
    expect(postBlocker(seat(channel('admins'), { role: 'member' }), 0)).toMatch(/only admins post/);
    expect(postBlocker(seat(channel('admins'), { role: 'admin' }), 0)).toBeUndefined();
    expect(postBlocker(seat(channel('everyone'), { role: 'readonly' }), 0)).toMatch(
      /read this conversation but not post/,
    );
    expect(postBlocker(seat(channel('everyone'), { role: 'member', mutedUntil: 600_000 }), 0)).toMatch(
      /muted you here for 10 min/,
    );
    expect(postBlocker(seat(channel('everyone'), { role: 'member', mutedUntil: 600_000 }), 600_000)).toBeUndefined();
  });

  it('counts slow mode down from my last post, unless my role bypasses it', () => {
    const c = channel('everyone', 30);
    expect(slowModeWait(seat(c, { role: 'member', lastPostAt: 0 }), 5_000)).toBe(0);
    expect(slowModeWait(seat(c, { role: 'member', lastPostAt: 10_000 }), 25_000)).toBe(15_000);
    expect(slowModeWait(seat(c, { role: 'member', lastPostAt: 10_000 }), 45_000)).toBe(0);
    expect(slowModeWait(seat(c, { role: 'moderator', lastPostAt: 10_000 }), 25_000)).toBe(0);
  });
});
