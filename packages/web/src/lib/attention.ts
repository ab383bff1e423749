/**
 * Sounds and do-not-disturb. A new message from someone else (the controller already left
 * out my own, blocked senders, and conversations muted or set to mentions only) plays a
 * short sound when the tab is hidden or another conversation is open, unless sounds are
 * off or do-not-disturb is on; do-not-disturb silences desktop notifications too. Both
 * settings are per user on this device (localStorage). The decision is pure
 * (`soundDecision`); `alertIncoming` applies it.
 */
import type { Message } from '@parley/protocol';
import { useSyncExternalStore } from 'react';
import soundUrl from '../assets/message.wav?url';

export interface AttentionPrefs {
  sound: boolean;
  /** Do not disturb until then (epoch ms), or null. */
  dndUntil: number | null;
}

const DEFAULTS: AttentionPrefs = { sound: true, dndUntil: null };
const keyFor = (userId: string) => `parley.attention.${userId}`;
const cache = new Map<string, AttentionPrefs>();
const listeners = new Set<() => void>();

export function attentionPrefs(userId: string): AttentionPrefs {
  const held = cache.get(userId);
  if (held !== undefined) return held;
  let prefs = DEFAULTS;
  try {
    const value = JSON.parse(localStorage.getItem(keyFor(userId)) ?? '{}') as Partial<AttentionPrefs>;
    prefs = {
      sound: value.sound !== false,
      dndUntil: typeof value.dndUntil === 'number' ? value.dndUntil : null,
    };
  } catch {
    // Damaged or refused storage: the defaults.
  }
  cache.set(userId, prefs);
  return prefs;
}

export function setAttentionPrefs(userId: string, change: Partial<AttentionPrefs>): void {
  const next = { ...attentionPrefs(userId), ...change };
  cache.set(userId, next);
  try {
    localStorage.setItem(keyFor(userId), JSON.stringify(next));
  } catch {
    // Not stored: it still holds for this session.
  }
  for (const listener of listeners) listener();
}

export function useAttentionPrefs(userId: string): AttentionPrefs {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => attentionPrefs(userId),
  );
}

export function dndActive(prefs: AttentionPrefs, now: number): boolean {
  return prefs.dndUntil !== null && prefs.dndUntil > now;
}

/** When "until tomorrow" ends: 08:00 local time on the next day. */
export function tomorrowMorning(now: number): number {
  const d = new Date(now);
  d.setDate(d.getDate() + 1);
  d.setHours(8, 0, 0, 0);
  return d.getTime();
}

/** Whether a new message (already one that may notify) plays the sound. */
export function soundDecision(input: {
  prefs: AttentionPrefs;
  now: number;
  hidden: boolean;
  conversationId: string;
  activeId: string | null;
}): boolean {
  if (!input.prefs.sound || dndActive(input.prefs, input.now)) return false;
  return input.hidden || input.conversationId !== input.activeId;
}

let audio: HTMLAudioElement | undefined;

/** One element, rewound each time: a burst (catching up after a reconnect) sounds as one. */
function playSound(): void {
  audio ??= new Audio(soundUrl);
  audio.currentTime = 0;
  // The browser may refuse before the first click on the page (autoplay policy): no sound then.
  audio.play().catch(() => undefined);
}

/**
 * A new message that may notify arrived: plays the sound when it should, and shows the
 * desktop notification (`notify`) unless do-not-disturb is on.
 */
export function alertIncoming(
  message: Message,
  state: { me: { id: string }; activeId: string | null },
  notify: () => void,
): void {
  const prefs = attentionPrefs(state.me.id);
  const now = Date.now();
  const hidden = document.visibilityState === 'hidden';
  if (soundDecision({ prefs, now, hidden, conversationId: message.conversationId, activeId: state.activeId }))
    playSound();
  if (!dndActive(prefs, now)) notify();
}
