/**
 * Who may see a user's presence (status, last seen, status text) and who receives their
 * profile changes: the facts read from the store, decided by domain/privacy.ts. Two
 * directions, each a handful of indexed queries whatever the number of people involved:
 *
 * - presenceAudience(subject): everyone who sees the subject (for presence events);
 * - visibleTo(viewer, subjects): which subjects one viewer sees (for presence reads).
 *
 * Also the blocks that filter ephemeral events (typing, receipts) per recipient, so that
 * the realtime hub can skip them without a member list or a store read. Nothing here
 * publishes: callers do (presence.ts, audience-changes.ts).
 */
import type { Presence, User } from '@parley/protocol';
import { seesPresence } from '../domain/privacy';
import type { Store } from '../ports/store';

/** What someone who may not see a user's presence gets: exactly a stranger's answer. */
export function hiddenPresence(userId: string): Presence {
  return { userId, status: 'offline', lastSeenAt: null };
}

/** A profile as someone who may not see the user's presence gets it: no status text. */
export function withoutPresence(user: User): User {
  return { ...user, statusText: null };
}

/** Everyone the user blocked or was blocked by: they reach each other with nothing ephemeral. */
export async function blockedEitherWay(store: Store, userId: string): Promise<string[]> {
  const { blocked, blockedBy } = await store.listBlockRelations(userId);
  return [...new Set([...blocked, ...blockedBy])];
}

/** Everyone who sees the subject's presence (never the subject themselves). */
export async function presenceAudience(store: Store, subjectId: string): Promise<string[]> {
  const [subject, contacts, partners, relations, owners] = await Promise.all([
    store.getUser(subjectId),
    store.listContacts(subjectId),
    store.listPartnersWhereTookPart(subjectId),
    store.listBlockRelations(subjectId),
    store.listContactOwners(subjectId),
  ]);
  if (!subject || subject.presenceVisibility === 'nobody') return [];
  const added = new Set(contacts.map((c) => c.id));
  const tookPartWith = new Set(partners);
  const blocked = new Set([...relations.blocked, ...relations.blockedBy]);
  const addedSubject = new Set(owners);
  const candidates = [...new Set([...added, ...tookPartWith])].filter((id) => id !== subjectId && !blocked.has(id));
  const viewers = await store.getUsers(candidates);
  return viewers
    .filter((viewer) =>
      seesPresence({
        subjectVisibility: subject.presenceVisibility,
        viewerVisibility: viewer.presenceVisibility,
        subjectAddedViewer: added.has(viewer.id),
        viewerAddedSubject: addedSubject.has(viewer.id),
        subjectTookPartWithViewer: tookPartWith.has(viewer.id),
        blocked: false,
      }),
    )
    .map((viewer) => viewer.id);
}

/**
 * Which of `subjectIds` the viewer sees (themselves always). Read from the viewer's side:
 * who added them, who took part in their conversations, their blocks and contacts, and the
 * settings of both sides: five queries however many subjects.
 */
export async function visibleTo(store: Store, viewerId: string, subjectIds: readonly string[]): Promise<Set<string>> {
  const visible = new Set<string>(subjectIds.includes(viewerId) ? [viewerId] : []);
  const others = [...new Set(subjectIds)].filter((id) => id !== viewerId);
  if (others.length === 0) return visible;
  const [users, owners, sources, relations, contacts] = await Promise.all([
    store.getUsers([viewerId, ...others]),
    store.listContactOwners(viewerId),
    store.listPartnersWhoTookPart(viewerId),
    store.listBlockRelations(viewerId),
    store.listContacts(viewerId),
  ]);
  const viewer = users.find((u) => u.id === viewerId);
  if (!viewer) return visible;
  const addedViewer = new Set(owners);
  const tookPart = new Set(sources);
  const blocked = new Set([...relations.blocked, ...relations.blockedBy]);
  const added = new Set(contacts.map((c) => c.id));
  for (const subject of users) {
    if (subject.id === viewerId) continue;
    const sees = seesPresence({
      subjectVisibility: subject.presenceVisibility,
      viewerVisibility: viewer.presenceVisibility,
      subjectAddedViewer: addedViewer.has(subject.id),
      viewerAddedSubject: added.has(subject.id),
      subjectTookPartWithViewer: tookPart.has(subject.id),
      blocked: blocked.has(subject.id),
    });
    if (sees) visible.add(subject.id);
  }
  return visible;
}

/** Whether one viewer sees one subject. */
export async function sees(store: Store, viewerId: string, subjectId: string): Promise<boolean> {
  return (await visibleTo(store, viewerId, [subjectId])).has(subjectId);
}

/**
 * People who share a direct or group conversation with the user but are not in `audience`
 * and have no block with them: they get the user's profile changes (name, avatar) without
 * the status text.
 */
export async function profileOnlyAudience(
  store: Store,
  userId: string,
  audience: readonly string[],
): Promise<string[]> {
  const [partners, blocked] = await Promise.all([
    store.listConversationPartners(userId),
    blockedEitherWay(store, userId),
  ]);
  const skip = new Set([...audience, ...blocked, userId]);
  return partners.filter((id) => !skip.has(id));
}

/** Profiles as one viewer may see them: the status text only of users whose presence they see. */
export async function profilesFor(store: Store, viewerId: string, users: readonly User[]): Promise<User[]> {
  if (users.every((u) => u.statusText === null || u.id === viewerId)) return [...users];
  const visible = await visibleTo(
    store,
    viewerId,
    users.map((u) => u.id),
  );
  return users.map((u) => (visible.has(u.id) ? u : withoutPresence(u)));
}
