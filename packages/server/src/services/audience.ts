/**
 * Who may see a user's presence and profile changes: the people they added as
 * contacts and everyone they share a conversation with, minus anyone they blocked.
 */
import type { Store } from '../ports/store';

export async function presenceAudience(store: Store, userId: string): Promise<string[]> {
  const [contacts, partners, blocks] = await Promise.all([
    store.listContacts(userId),
    store.listConversationPartners(userId),
    store.listBlocks(userId),
  ]);
  const blocked = new Set(blocks.map((b) => b.id));
  const audience = new Set<string>();
  for (const c of contacts) if (!blocked.has(c.id)) audience.add(c.id);
  for (const p of partners) if (!blocked.has(p)) audience.add(p);
  audience.delete(userId);
  return [...audience];
}

export async function canSeePresence(store: Store, viewerId: string, subjectId: string): Promise<boolean> {
  if (viewerId === subjectId) return true;
  if (await store.isBlocked(subjectId, viewerId)) return false;
  const [contacts, partners] = await Promise.all([
    store.listContacts(subjectId),
    store.listConversationPartners(subjectId),
  ]);
  return contacts.some((c) => c.id === viewerId) || partners.includes(viewerId);
}
