/**
 * The contact list and the block list of one user. A block stops direct messages
 * in both directions and hides the blocker's presence from the blocked user.
 */
import type { User } from '@parley/protocol';
import { AppError } from '../domain/errors';
import { topics } from '../ports/bus';
import type { ServiceDeps } from './deps';
import { toUser, type AuthContext } from './accounts';

export class ContactService {
  constructor(private readonly deps: ServiceDeps) {}

  private async checkOtherUser(auth: AuthContext, userId: string): Promise<void> {
    if (userId === auth.user.id) throw new AppError('invalid_operation', 'You cannot do this to yourself.');
    if (!(await this.deps.store.getUser(userId))) throw new AppError('not_found', 'No such user.');
  }

  async listContacts(auth: AuthContext): Promise<User[]> {
    return (await this.deps.store.listContacts(auth.user.id)).map(toUser);
  }

  async addContact(auth: AuthContext, userId: string): Promise<void> {
    await this.checkOtherUser(auth, userId);
    await this.deps.store.addContact(auth.user.id, userId, this.deps.clock.now());
    await this.announce(auth.user.id, userId, true);
  }

  async removeContact(auth: AuthContext, userId: string): Promise<void> {
    if (!(await this.deps.store.removeContact(auth.user.id, userId))) {
      throw new AppError('not_found', 'This user is not in your contacts.');
    }
    await this.announce(auth.user.id, userId, false);
  }

  /** The owner's other devices (XMPP roster pushes, RFC 6121 2.1.6) learn of the change. */
  private async announce(ownerId: string, contactId: string, added: boolean): Promise<void> {
    await this.deps.bus.publish(topics.user(ownerId), { v: 1, type: 'contacts.changed', ownerId, contactId, added });
  }

  /** The contact list with, for each contact, whether they have the user in theirs too. */
  async listContactsWithMutual(auth: AuthContext): Promise<{ user: User; mutual: boolean }[]> {
    const [contacts, owners] = await Promise.all([
      this.deps.store.listContacts(auth.user.id),
      this.deps.store.listContactOwners(auth.user.id),
    ]);
    const back = new Set(owners);
    return contacts.map((c) => ({ user: toUser(c), mutual: back.has(c.id) }));
  }

  async listBlocks(auth: AuthContext): Promise<User[]> {
    return (await this.deps.store.listBlocks(auth.user.id)).map(toUser);
  }

  async block(auth: AuthContext, userId: string): Promise<void> {
    await this.checkOtherUser(auth, userId);
    await this.deps.store.addBlock(auth.user.id, userId, this.deps.clock.now());
  }

  async unblock(auth: AuthContext, userId: string): Promise<void> {
    if (!(await this.deps.store.removeBlock(auth.user.id, userId))) {
      throw new AppError('not_found', 'This user is not blocked.');
    }
  }

  /** Throws `blocked` when either user has blocked the other. */
  async checkNotBlocked(a: string, b: string): Promise<void> {
    const [ab, ba] = await Promise.all([this.deps.store.isBlocked(a, b), this.deps.store.isBlocked(b, a)]);
    if (ab) throw new AppError('blocked', 'You have blocked this user: unblock them first.');
    if (ba) throw new AppError('blocked', 'This user does not accept messages from you.');
  }
}
