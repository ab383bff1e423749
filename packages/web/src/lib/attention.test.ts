import { describe, expect, it } from 'vitest';
import { dndActive, soundDecision, tomorrowMorning } from './attention';

const now = new Date(2026, 0, 10, 21, 30).getTime();
const on = { sound: true, dndUntil: null };

describe('attention', () => {
  it('plays for another conversation or a hidden tab, not for the one in front of you', () => {
    expect(soundDecision({ prefs: on, now, hidden: false, conversationId: 'a', activeId: 'b' })).toBe(true);
    expect(soundDecision({ prefs: on, now, hidden: true, conversationId: 'a', activeId: 'a' })).toBe(true);
    expect(soundDecision({ prefs: on, now, hidden: false, conversationId: 'a', activeId: 'a' })).toBe(false);
  });

  it('is silent with sounds off or during do-not-disturb, and again after it ends', () => {
    const base = { now, hidden: true, conversationId: 'a', activeId: null };
    expect(soundDecision({ ...base, prefs: { sound: false, dndUntil: null } })).toBe(false);
    expect(soundDecision({ ...base, prefs: { sound: true, dndUntil: now + 1 } })).toBe(false);
    expect(soundDecision({ ...base, prefs: { sound: true, dndUntil: now } })).toBe(true);
    expect(dndActive({ sound: true, dndUntil: now + 1 }, now)).toBe(true);
  });

  it('ends "until tomorrow" at 08:00 the next day', () => {
    expect(new Date(tomorrowMorning(now)).toString()).toBe(new Date(2026, 0, 11, 8, 0).toString());
  });
});
