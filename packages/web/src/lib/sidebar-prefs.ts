/**
 * The sidebar's preferences, kept per user on this device (localStorage): favourite
 * conversations in the user's order, folded sections, and the "unread only" filter. The
 * server has no per-member setting for favourites yet, so they do not follow the user to
 * another device. A small store components subscribe to (useSyncExternalStore).
 */
import { useSyncExternalStore } from 'react';
import { SECTIONS, type SectionId } from './sidebar-rows';

export interface SidebarPrefs {
  favourites: readonly string[];
  folded: readonly SectionId[];
  unreadOnly: boolean;
}

const EMPTY: SidebarPrefs = { favourites: [], folded: [], unreadOnly: false };
const keyFor = (userId: string) => `parley.sidebar.${userId}`;

function read(userId: string): SidebarPrefs {
  try {
    const raw = localStorage.getItem(keyFor(userId));
    if (raw === null) return EMPTY;
    const value = JSON.parse(raw) as Partial<SidebarPrefs>;
    return {
      favourites: Array.isArray(value.favourites) ? value.favourites.filter((x) => typeof x === 'string') : [],
      folded: Array.isArray(value.folded) ? value.folded.filter((x) => SECTIONS.some((s) => s.id === x)) : [],
      unreadOnly: value.unreadOnly === true,
    };
  } catch {
    // Storage refused (private mode) or damaged: start from the defaults.
    return EMPTY;
  }
}

const cache = new Map<string, SidebarPrefs>();
const listeners = new Set<() => void>();

export function sidebarPrefs(userId: string): SidebarPrefs {
  let prefs = cache.get(userId);
  if (prefs === undefined) {
    prefs = read(userId);
    cache.set(userId, prefs);
  }
  return prefs;
}

export function updateSidebarPrefs(userId: string, change: (prefs: SidebarPrefs) => SidebarPrefs): void {
  const next = change(sidebarPrefs(userId));
  cache.set(userId, next);
  try {
    localStorage.setItem(keyFor(userId), JSON.stringify(next));
  } catch {
    // Not stored (quota, private mode): it still holds for this session.
  }
  for (const listener of listeners) listener();
}

export function useSidebarPrefs(userId: string): SidebarPrefs {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => sidebarPrefs(userId),
  );
}

export function toggleFavourite(userId: string, conversationId: string): void {
  updateSidebarPrefs(userId, (p) => ({
    ...p,
    favourites: p.favourites.includes(conversationId)
      ? p.favourites.filter((x) => x !== conversationId)
      : [...p.favourites, conversationId],
  }));
}

export function toggleFolded(userId: string, section: SectionId): void {
  updateSidebarPrefs(userId, (p) => ({
    ...p,
    folded: p.folded.includes(section) ? p.folded.filter((x) => x !== section) : [...p.folded, section],
  }));
}
