/**
 * The sidebar's rows: conversations cut into sections (favourites in the order the user
 * gave them, then channels, groups and direct messages, each newest activity first), with
 * a header row per section that shows the section's size and whether anything in it is
 * unread; a folded section shows only its header. The "unread only" filter keeps
 * conversations with something unread (and the open one, so it does not vanish as it is
 * read); a search keeps what matches and unfolds every section. Also the order that
 * Alt+Up/Down and Alt+Shift+Up/Down walk through. Pure: no DOM, no storage.
 */
import type { ConversationKind } from '@parley/protocol';

export type SectionId = 'favourites' | 'channels' | 'groups' | 'direct' | 'archived';

export const SECTIONS: readonly { id: SectionId; label: string }[] = [
  { id: 'favourites', label: 'Favourites' },
  { id: 'channels', label: 'Channels' },
  { id: 'groups', label: 'Groups' },
  { id: 'direct', label: 'Direct messages' },
  // Archived groups and channels (read-only) sit apart from the main list, favourites included.
  { id: 'archived', label: 'Archived' },
];

/** What the rows need to know of one conversation. */
export interface ListEntry {
  id: string;
  kind: ConversationKind;
  lastActivityAt: number;
  /** Something is unread (messages, or marked unread). */
  unread: boolean;
  /** An archived group or channel: listed under "Archived" only. */
  archived?: boolean;
}

export type SidebarRow =
  | { kind: 'header'; key: string; section: SectionId; label: string; count: number; unread: boolean; folded: boolean }
  | { kind: 'conversation'; key: string; id: string; section: SectionId };

export interface RowOptions {
  /** Favourite conversation ids, in the user's order. */
  favourites: readonly string[];
  folded: ReadonlySet<SectionId>;
  unreadOnly: boolean;
  /** The open conversation: kept by the unread filter. */
  activeId: string | null;
  /** Ids that match the search box, or undefined when it is empty. */
  matches?: ReadonlySet<string>;
}

const SECTION_OF: Record<ConversationKind, SectionId> = { channel: 'channels', group: 'groups', direct: 'direct' };

/** Conversations by section, each in display order (the filters not applied). */
export function sectioned(entries: readonly ListEntry[], favourites: readonly string[]): Map<SectionId, ListEntry[]> {
  const byId = new Map(entries.map((e) => [e.id, e]));
  const favSet = new Set(favourites);
  const out = new Map<SectionId, ListEntry[]>(SECTIONS.map((s) => [s.id, []]));
  for (const id of favourites) {
    const entry = byId.get(id);
    if (entry !== undefined && entry.archived !== true) out.get('favourites')?.push(entry);
  }
  const rest = entries
    .filter((e) => !favSet.has(e.id) || e.archived === true)
    .sort((a, b) => b.lastActivityAt - a.lastActivityAt);
  for (const entry of rest) out.get(entry.archived === true ? 'archived' : SECTION_OF[entry.kind])?.push(entry);
  return out;
}

export function sidebarRows(entries: readonly ListEntry[], options: RowOptions): SidebarRow[] {
  const rows: SidebarRow[] = [];
  const searching = options.matches !== undefined;
  for (const [section, list] of sectioned(entries, options.favourites)) {
    const shown = list.filter(
      (e) =>
        (options.matches === undefined || options.matches.has(e.id)) &&
        (!options.unreadOnly || e.unread || e.id === options.activeId),
    );
    if (shown.length === 0) continue;
    const folded = !searching && options.folded.has(section);
    const label = SECTIONS.find((s) => s.id === section)?.label ?? section;
    rows.push({
      kind: 'header',
      key: `section-${section}`,
      section,
      label,
      count: shown.length,
      unread: shown.some((e) => e.unread),
      folded,
    });
    if (!folded) for (const e of shown) rows.push({ kind: 'conversation', key: e.id, id: e.id, section });
  }
  return rows;
}

/**
 * The conversation Alt+Up/Down (or, with `unreadOnly`, Alt+Shift+Up/Down) goes to from the
 * open one, in the sidebar's order (folded sections included). Plain moves stop at the
 * ends; unread jumps wrap around. Undefined when there is nowhere to go.
 */
export function neighbour(
  entries: readonly ListEntry[],
  favourites: readonly string[],
  activeId: string | null,
  direction: 1 | -1,
  unreadOnly: boolean,
): string | undefined {
  const order = [...sectioned(entries, favourites).values()].flat();
  if (order.length === 0) return undefined;
  const at = activeId === null ? -1 : order.findIndex((e) => e.id === activeId);
  if (!unreadOnly) {
    const next = at === -1 ? (direction === 1 ? 0 : order.length - 1) : at + direction;
    return order[next]?.id;
  }
  const start = at === -1 ? (direction === 1 ? -1 : order.length) : at;
  for (let step = 1; step <= order.length; step++) {
    const i = (((start + direction * step) % order.length) + order.length) % order.length;
    const entry = order[i];
    if (entry !== undefined && entry.unread && entry.id !== activeId) return entry.id;
  }
  return undefined;
}

/** Moves `id` within the list to index `to` (clamped); a drag drop or a keyboard move. */
export function reorder(list: readonly string[], id: string, to: number): string[] {
  const from = list.indexOf(id);
  if (from === -1) return [...list];
  const next = list.filter((x) => x !== id);
  next.splice(Math.max(0, Math.min(to, next.length)), 0, id);
  return next;
}
