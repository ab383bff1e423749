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

/**
 * Which of `subjectIds` the viewer may see. Both relations are read from the
 * viewer's side (sharing a conversation is symmetric; "has the viewer as a
 * contact" is the viewer's contact owners), so a call costs two queries plus a
 * block check per visible subject, not three queries per subject.
 */
export async function visibleTo(store: Store, viewerId: string, subjectIds: readonly string[]): Promise<Set<string>> {
  const [owners, partners] = await Promise.all([
    store.listContactOwners(viewerId),
    store.listConversationPartners(viewerId),
  ]);
  const related = new Set([...owners, ...partners]);
  const visible = new Set<string>();
  for (const id of subjectIds) {
    if (id === viewerId || (related.has(id) && !(await store.isBlocked(id, viewerId)))) visible.add(id);
  }
  return visible;
}
