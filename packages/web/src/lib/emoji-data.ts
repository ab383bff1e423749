/**
 * The full emoji set (Unicode 15, from the @emoji-mart/data package, MIT): categories,
 * names, keywords, skin tones and shortcodes. Loaded lazily, as a chunk of its own, the
 * first time the picker opens or a `:shortcode:` is typed; until then lib/emoji.ts falls
 * back to its small built-in set. Also the picker's per-device memory: the skin tone and
 * the recently used emoji (localStorage).
 */
import type { EmojiMartData } from '@emoji-mart/data';

export interface EmojiEntry {
  /** The shortcode, e.g. `+1`, `grinning`. */
  id: string;
  name: string;
  keywords: readonly string[];
  /** The emoji, then its five skin tones when it has them. */
  skins: readonly string[];
}

export interface EmojiCategory {
  id: string;
  label: string;
  emoji: readonly EmojiEntry[];
}

export interface EmojiIndex {
  categories: readonly EmojiCategory[];
  /** Shortcode (and alias) -> entry. */
  byShortcode: ReadonlyMap<string, EmojiEntry>;
  /** Emoji character (any skin) -> entry. */
  byNative: ReadonlyMap<string, EmojiEntry>;
}

const LABELS: Record<string, string> = {
  people: 'Smileys & people',
  nature: 'Animals & nature',
  foods: 'Food & drink',
  activity: 'Activities',
  places: 'Travel & places',
  objects: 'Objects',
  symbols: 'Symbols',
  flags: 'Flags',
};

export function buildIndex(data: EmojiMartData): EmojiIndex {
  const byShortcode = new Map<string, EmojiEntry>();
  const byNative = new Map<string, EmojiEntry>();
  const entries = new Map<string, EmojiEntry>();
  for (const e of Object.values(data.emojis)) {
    const entry: EmojiEntry = { id: e.id, name: e.name, keywords: e.keywords, skins: e.skins.map((s) => s.native) };
    entries.set(e.id, entry);
    byShortcode.set(e.id, entry);
    for (const native of entry.skins) byNative.set(native, entry);
  }
  for (const [alias, id] of Object.entries(data.aliases)) {
    const entry = entries.get(id);
    if (entry !== undefined && !byShortcode.has(alias)) byShortcode.set(alias, entry);
  }
  const categories = data.categories.map((c) => ({
    id: c.id,
    label: LABELS[c.id] ?? c.id,
    emoji: c.emojis.flatMap((id) => entries.get(id) ?? []),
  }));
  return { categories, byShortcode, byNative };
}

let index: EmojiIndex | undefined;
let loading: Promise<EmojiIndex> | undefined;

/** The index if it has loaded (no waiting). */
export function emojiIndexNow(): EmojiIndex | undefined {
  return index;
}

/** Loads the index once (a separate chunk); later calls share the same promise. */
export function loadEmojiIndex(): Promise<EmojiIndex> {
  loading ??= import('@emoji-mart/data/sets/15/native.json').then((module) => {
    index = buildIndex(module.default);
    return index;
  });
  return loading;
}

/** Entries whose shortcode, name or keywords match every word of the query; shortcode prefixes first. */
export function searchEmoji(idx: EmojiIndex, query: string, limit = 80): EmojiEntry[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const scored: { entry: EmojiEntry; score: number }[] = [];
  for (const category of idx.categories) {
    for (const entry of category.emoji) {
      const name = entry.name.toLowerCase();
      let score = 0;
      for (const word of words) {
        if (entry.id.startsWith(word)) score += 3;
        else if (name.split(' ').some((w) => w.startsWith(word))) score += 2;
        else if (entry.keywords.some((k) => k.startsWith(word))) score += 1;
        else {
          score = -1;
          break;
        }
      }
      if (score > 0) scored.push({ entry, score });
    }
  }
  return scored
    .sort((a, b) => b.score - a.score || a.entry.id.length - b.entry.id.length)
    .slice(0, limit)
    .map((s) => s.entry);
}

/** The emoji in a skin tone (0: the default yellow, 1-5: light to dark) when it has tones. */
export function withSkin(entry: EmojiEntry, tone: number): string {
  return entry.skins[tone] ?? entry.skins[0] ?? '';
}

const SKIN_KEY = 'parley.emoji.skin';
const RECENT_KEY = 'parley.emoji.recent';
const RECENT_MAX = 24;

export function savedSkinTone(): number {
  const value = Number(safeGet(SKIN_KEY) ?? '0');
  return Number.isInteger(value) && value >= 0 && value <= 5 ? value : 0;
}

export function saveSkinTone(tone: number): void {
  safeSet(SKIN_KEY, String(tone));
}

export function recentEmoji(): string[] {
  try {
    const value = JSON.parse(safeGet(RECENT_KEY) ?? '[]') as unknown;
    return Array.isArray(value) ? value.filter((x): x is string => typeof x === 'string').slice(0, RECENT_MAX) : [];
  } catch {
    return [];
  }
}

export function noteRecentEmoji(emoji: string): void {
  safeSet(RECENT_KEY, JSON.stringify([emoji, ...recentEmoji().filter((e) => e !== emoji)].slice(0, RECENT_MAX)));
}

function safeGet(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function safeSet(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Not kept (private mode, quota): it still works for this session.
  }
}
