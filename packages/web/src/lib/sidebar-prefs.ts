/**
 * The sidebar's preferences that describe this screen, kept per user on this device
 * (localStorage): folded sections and the "unread only" filter. Favourites are the user's own
 * and live on the server (state/favourites.ts); earlier versions kept them here, and
 * `legacyFavourites` hands those over once. A small store components subscribe to
 * (useSyncExternalStore).
 */
import { useSyncExternalStore } from 'react';
import { SECTIONS, type SectionId } from './sidebar-rows';

export interface SidebarPrefs {
  /** Only in what earlier versions stored: favourites not yet moved to the server. */
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

/**
 * Favourites an earlier version kept on this device, in their order, not yet moved to the server
 * (an empty list once they are: see `forgetLegacyFavourites`).
 */
export function legacyFavourites(userId: string): readonly string[] {
  return sidebarPrefs(userId).favourites;
}

/** Keeps only `remaining` of the legacy favourites (those moved to the server are dropped here). */
export function forgetLegacyFavourites(userId: string, remaining: readonly string[]): void {
  updateSidebarPrefs(userId, (p) => ({ ...p, favourites: remaining }));
}

export function toggleFolded(userId: string, section: SectionId): void {
  updateSidebarPrefs(userId, (p) => ({
    ...p,
    folded: p.folded.includes(section) ? p.folded.filter((x) => x !== section) : [...p.folded, section],
  }));
}
