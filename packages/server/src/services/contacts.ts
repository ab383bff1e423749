/**
 * The contact list and the block list of one user. A block stops direct messages in both
 * directions, hides each one's presence from the other, keeps the blocked user from adding
 * the blocker to conversations and from reaching them with typing, receipts, reactions and
 * mentions (docs/protocol.md, "Blocking"). Profiles listed here carry a status text only
 * where the viewer sees that person's presence (audience.ts).
 */
import {
  MAX_CONTACT_GROUP_NAME,
  MAX_CONTACT_GROUPS,
  MAX_CONTACT_NICKNAME,
  type Contact,
  type UpdateContactBody,
  type User,
} from '@parley/protocol';
import { AppError } from '../domain/errors';
import { cleanName } from '../domain/text';
import { topics } from '../ports/bus';
import type { ContactRecord, Store, UserRecord } from '../ports/store';
import type { AudienceChanges } from './audience-changes';
import { profilesFor } from './audience';
import type { ServiceDeps } from './deps';
import { toUser, type AuthContext } from './accounts';

/**
 * The owner's other devices (XMPP roster pushes, RFC 6121 2.1.6) and the contact (who
 * now sees, or no longer sees, the owner's presence) learn of the change.
 */
async function emitContactsChanged(tx: Store, ownerId: string, contactId: string, added: boolean): Promise<void> {
  const event = { v: 1, type: 'contacts.changed', ownerId, contactId, added } as const;
  await tx.emit(topics.user(ownerId), event);
  await tx.emit(topics.user(contactId), event);
}

export function toContact(record: ContactRecord): Contact {
  return { userId: record.contactId, nickname: record.nickname, groups: record.groups, addedAt: record.createdAt };
}

/**
 * Every device of the owner (native clients, and XMPP resources as roster pushes,
 * RFC 6121 2.1.6) learns the contact's details as they now are.
 */
async function emitContactUpdated(tx: Store, ownerId: string, contactId: string): Promise<Contact> {
  const record = await tx.getContactDetails(ownerId, contactId);
  if (!record) throw new AppError('not_found', 'This user is not in your contacts.');
  const contact = toContact(record);
  await tx.emit(topics.user(ownerId), { v: 1, type: 'contact.updated', ownerId, contact });
  return contact;
}

/** Details as stored: a nickname is a name (blank: none), groups are names, not blank, without repeats. */
export interface ContactDetails {
  nickname: string | null;
  groups: string[];
}

function tooLong(field: 'nickname' | 'group', max: number, length: number): AppError {
  return new AppError('bad_request', `A contact's ${field} has at most ${max} characters (this one has ${length}).`, {
    details: { field, maxLength: max },
  });
}

/** The stored form of a nickname (text rules; blank means none). @throws AppError */
export function cleanNickname(raw: string | null): string | null {
  if (raw === null) return null;
  const nickname = cleanName('nickname', raw);
  const length = [...nickname].length;
  if (length > MAX_CONTACT_NICKNAME) throw tooLong('nickname', MAX_CONTACT_NICKNAME, length);
  return nickname === '' ? null : nickname;
}

/** The stored form of a list of groups: names, none blank, repeats dropped (first kept). @throws AppError */
export function cleanGroups(raw: readonly string[]): string[] {
  const groups: string[] = [];
  for (const name of raw) {
    const group = cleanName('group', name);
    if (group === '')
      throw new AppError('bad_request', 'A group name cannot be blank.', { details: { field: 'group' } });
    const length = [...group].length;
    if (length > MAX_CONTACT_GROUP_NAME) throw tooLong('group', MAX_CONTACT_GROUP_NAME, length);
    if (!groups.includes(group)) groups.push(group);
  }
  if (groups.length > MAX_CONTACT_GROUPS) {
    throw new AppError('bad_request', `A contact is in at most ${MAX_CONTACT_GROUPS} groups.`, {
      details: { field: 'groups', maxItems: MAX_CONTACT_GROUPS },
    });
  }
  return groups;
}

async function emitRequestChanged(
  tx: Store,
  requesterId: string,
  targetId: string,
  state: 'requested' | 'denied' | 'cancelled',
): Promise<void> {
  const event = { v: 1, type: 'subscription.changed', requesterId, targetId, state } as const;
  await tx.emit(topics.user(requesterId), event);
  await tx.emit(topics.user(targetId), event);
}

/** The blocker's other devices (and XMPP resources, XEP-0191 pushes) learn of the change. */
async function emitBlockUpdated(tx: Store, ownerId: string, userId: string, blocked: boolean): Promise<void> {
  await tx.emit(topics.user(ownerId), { v: 1, type: 'block.updated', ownerId, userId, blocked });
}

export class ContactService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly audience: AudienceChanges,
  ) {}

  /** Profiles as the actor may see them (no status text of people whose presence they do not see). */
  private async profiles(auth: AuthContext, records: readonly UserRecord[]): Promise<User[]> {
    return profilesFor(this.deps.store, auth.user.id, records.map(toUser));
  }

  private async checkOtherUser(auth: AuthContext, userId: string): Promise<void> {
    if (userId === auth.user.id) throw new AppError('invalid_operation', 'You cannot do this to yourself.');
    if (!(await this.deps.store.getUser(userId))) throw new AppError('not_found', 'No such user.');
  }

  async listContacts(auth: AuthContext): Promise<User[]> {
    return this.profiles(auth, await this.deps.store.listContacts(auth.user.id));
  }

  /** The contact list: profiles (as the actor may see them) and the actor's details for each, by username. */
  async listContactEntries(auth: AuthContext): Promise<{ users: User[]; contacts: Contact[] }> {
    const [users, details] = await Promise.all([
      this.listContacts(auth),
      this.deps.store.listContactDetails(auth.user.id),
    ]);
    const byId = new Map(details.map((d) => [d.contactId, toContact(d)]));
    // A contact added between the two reads is left out of both lists.
    const listed = users.filter((u) => byId.has(u.id));
    return { users: listed, contacts: listed.map((u) => byId.get(u.id) as Contact) };
  }

  /** The actor's details for every contact, by contact id (XMPP roster names and groups). */
  async contactDetails(auth: AuthContext): Promise<Map<string, Contact>> {
    const details = await this.deps.store.listContactDetails(auth.user.id);
    return new Map(details.map((d) => [d.contactId, toContact(d)]));
  }

  /**
   * Adding someone shows them your presence, which also answers their subscription
   * request, if any. With `details` (an XMPP roster set, RFC 6121 2.3) the contact's
   * nickname and groups are replaced in the same write; without, a contact already
   * there keeps its own.
   */
  async addContact(auth: AuthContext, userId: string, details?: ContactDetails): Promise<Contact> {
    await this.checkOtherUser(auth, userId);
    const clean = details && { nickname: cleanNickname(details.nickname), groups: cleanGroups(details.groups) };
    const now = this.deps.clock.now();
    return this.audience.pair(auth.user.id, userId, () =>
      this.deps.store.transaction(async (tx) => {
        await tx.addContact(auth.user.id, userId, now);
        if (clean) await tx.setContactDetails(auth.user.id, userId, clean);
        await tx.removeSubscriptionRequest(userId, auth.user.id);
        await emitContactsChanged(tx, auth.user.id, userId, true);
        return emitContactUpdated(tx, auth.user.id, userId);
      }),
    );
  }

  /** Changes the actor's nickname and groups for one of their contacts; absent fields stay. */
  async updateContact(auth: AuthContext, userId: string, patch: UpdateContactBody): Promise<Contact> {
    const nickname = patch.nickname === undefined ? undefined : cleanNickname(patch.nickname);
    const groups = patch.groups === undefined ? undefined : cleanGroups(patch.groups);
    return this.deps.store.transaction(async (tx) => {
      const current = await tx.getContactDetails(auth.user.id, userId);
      if (!current) throw new AppError('not_found', 'This user is not in your contacts.');
      await tx.setContactDetails(auth.user.id, userId, {
        nickname: nickname === undefined ? current.nickname : nickname,
        groups: groups ?? current.groups,
      });
      return emitContactUpdated(tx, auth.user.id, userId);
    });
  }

  async removeContact(auth: AuthContext, userId: string): Promise<void> {
    const removed = await this.audience.pair(auth.user.id, userId, () =>
      this.deps.store.transaction(async (tx) => {
        if (!(await tx.removeContact(auth.user.id, userId))) return false;
        await emitContactsChanged(tx, auth.user.id, userId, false);
        await tx.emit(topics.user(auth.user.id), { v: 1, type: 'contact.removed', ownerId: auth.user.id, userId });
        return true;
      }),
    );
    if (!removed) throw new AppError('not_found', 'This user is not in your contacts.');
  }

  /**
   * A presence subscription request (XMPP, RFC 6121 3.1): the actor asks to see the
   * target's presence, which in Parley means being in the target's contacts. Approved at
   * once when they already are; otherwise held until the target adds them (approves) or
   * denies. A request to someone who blocked the actor is dropped without a word.
   */
  async requestSubscription(auth: AuthContext, targetId: string): Promise<'approved' | 'pending'> {
    await this.checkOtherUser(auth, targetId);
    const { store } = this.deps;
    if ((await store.listContactOwners(auth.user.id)).includes(targetId)) return 'approved';
    if (await store.isBlocked(targetId, auth.user.id)) return 'pending';
    const now = this.deps.clock.now();
    await store.transaction(async (tx) => {
      if (await tx.addSubscriptionRequest(auth.user.id, targetId, now)) {
        await emitRequestChanged(tx, auth.user.id, targetId, 'requested');
      }
    });
    return 'pending';
  }

  /** The target says no: the request goes (they may ask again). */
  async denySubscription(auth: AuthContext, requesterId: string): Promise<void> {
    await this.deps.store.transaction(async (tx) => {
      if (await tx.removeSubscriptionRequest(requesterId, auth.user.id)) {
        await emitRequestChanged(tx, requesterId, auth.user.id, 'denied');
      }
    });
  }

  /** The requester withdraws a request still waiting. */
  async cancelSubscriptionRequest(auth: AuthContext, targetId: string): Promise<void> {
    await this.deps.store.transaction(async (tx) => {
      if (await tx.removeSubscriptionRequest(auth.user.id, targetId)) {
        await emitRequestChanged(tx, auth.user.id, targetId, 'cancelled');
      }
    });
  }

  /** People waiting for the actor to answer their subscription request, oldest first. */
  async subscriptionRequests(auth: AuthContext): Promise<User[]> {
    return this.profiles(auth, await this.deps.store.listSubscriptionRequests(auth.user.id));
  }

  /**
   * Everyone the actor has a presence relation with: people they added (`sharesWithThem`:
   * those see the actor), people who added them (`seesThem`: the actor sees those), and
   * people they asked and who have not answered (`asked`).
   */
  async presenceRelations(
    auth: AuthContext,
  ): Promise<{ user: User; sharesWithThem: boolean; seesThem: boolean; asked: boolean }[]> {
    const { store } = this.deps;
    const [contacts, owners, asked] = await Promise.all([
      store.listContacts(auth.user.id),
      store.listContactOwners(auth.user.id),
      store.listOutgoingSubscriptionRequests(auth.user.id),
    ]);
    const mine = new Set(contacts.map((c) => c.id));
    const others = [...new Set([...owners, ...asked])].filter((id) => !mine.has(id));
    const users = await this.profiles(auth, [...contacts, ...(others.length > 0 ? await store.getUsers(others) : [])]);
    const seeing = new Set(owners);
    const waiting = new Set(asked);
    return users
      .map((u) => ({
        user: u,
        sharesWithThem: mine.has(u.id),
        seesThem: seeing.has(u.id),
        asked: waiting.has(u.id),
      }))
      .sort((a, b) => (a.user.username < b.user.username ? -1 : 1));
  }

  /** The contact list with, for each contact, whether they have the user in theirs too. */
  async listContactsWithMutual(auth: AuthContext): Promise<{ user: User; mutual: boolean }[]> {
    const [contacts, owners] = await Promise.all([
      this.deps.store.listContacts(auth.user.id),
      this.deps.store.listContactOwners(auth.user.id),
    ]);
    const back = new Set(owners);
    const users = await this.profiles(auth, contacts);
    return users.map((user) => ({ user, mutual: back.has(user.id) }));
  }

  /** The people the actor blocked (no status text: a block hides presence both ways). */
  async listBlocks(auth: AuthContext): Promise<User[]> {
    return this.profiles(auth, await this.deps.store.listBlocks(auth.user.id));
  }

  /**
   * Blocks someone (idempotent): each stops seeing the other's presence at once, and the
   * blocker's other devices (and XMPP resources, XEP-0191) are told.
   */
  async block(auth: AuthContext, userId: string): Promise<void> {
    await this.checkOtherUser(auth, userId);
    if (await this.deps.store.isBlocked(auth.user.id, userId)) return;
    const now = this.deps.clock.now();
    await this.audience.pair(auth.user.id, userId, () =>
      this.deps.store.transaction(async (tx) => {
        await tx.addBlock(auth.user.id, userId, now);
        await emitBlockUpdated(tx, auth.user.id, userId, true);
      }),
    );
  }

  async unblock(auth: AuthContext, userId: string): Promise<void> {
    const removed = await this.audience.pair(auth.user.id, userId, () =>
      this.deps.store.transaction(async (tx) => {
        if (!(await tx.removeBlock(auth.user.id, userId))) return false;
        await emitBlockUpdated(tx, auth.user.id, userId, false);
        return true;
      }),
    );
    if (!removed) throw new AppError('not_found', 'This user is not blocked.');
  }

  /**
   * The actor may put these users in a conversation (create a group or channel with them, add
   * them, invite them over XMPP): not someone who blocked the actor (`privacy_restricted`,
   * which does not say why), nor someone the actor blocked (`blocked`: unblock them first).
   */
  async checkMayAdd(auth: AuthContext, userIds: readonly string[]): Promise<void> {
    if (userIds.length === 0) return;
    const { blocked, blockedBy } = await this.deps.store.listBlockRelations(auth.user.id);
    const refusing = userIds.filter((id) => blockedBy.includes(id));
    if (refusing.length > 0) {
      throw new AppError('privacy_restricted', 'These people cannot be added to conversations by you.', {
        details: { userIds: refusing },
      });
    }
    const mine = userIds.filter((id) => blocked.includes(id));
    if (mine.length > 0) {
      throw new AppError('blocked', 'You have blocked these people: unblock them first.', {
        details: { userIds: mine },
      });
    }
  }

  /** Throws `blocked` when either user has blocked the other. */
  async checkNotBlocked(a: string, b: string): Promise<void> {
    const [ab, ba] = await Promise.all([this.deps.store.isBlocked(a, b), this.deps.store.isBlocked(b, a)]);
    if (ab) throw new AppError('blocked', 'You have blocked this user: unblock them first.');
    if (ba) throw new AppError('blocked', 'This user does not accept messages from you.');
  }
}
