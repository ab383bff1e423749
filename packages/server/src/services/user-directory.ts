/**
 * The user directory (issue 13): people found by a prefix of their username, display
 * name or a word of it, a page at a time, for starting a chat or a group. Who may be
 * found is the server's choice (PARLEY_USER_DIRECTORY): everyone, the people who share a
 * direct or group conversation with the searcher or are their contacts, or nobody by
 * prefix. In every mode an exact username finds its account (as `GET /v1/users?username=`
 * does), people blocked either way and deleted accounts are never found, and each search
 * counts against the account's budget (PARLEY_RATE_USER_SEARCH_PER_MIN). Profiles come
 * out as the searcher may see them (audience.ts: the status text only where presence is
 * shared).
 */
import { checkValue, Username, type User } from '@parley/protocol';
import { AppError } from '../domain/errors';
import type { UserRecord } from '../ports/store';
import type { AuthContext } from './accounts';
import { toUser } from './accounts';
import { blockedEitherWay, profilesFor } from './audience';
import type { ServiceDeps } from './deps';

/** A page when the request names none, and the most one page may hold. */
export const USER_SEARCH_DEFAULT_LIMIT = 20;
export const USER_SEARCH_MAX_LIMIT = 50;

export interface UserSearchPage {
  users: User[];
  /** The username after which the next page starts; null: this was the last page. */
  nextCursor: string | null;
}

export class UserDirectoryService {
  constructor(private readonly deps: ServiceDeps) {}

  /**
   * @throws AppError('bad_request') for a blank query, a bad cursor or limit;
   *   AppError('rate_limited') past the account's budget.
   */
  async search(auth: AuthContext, input: { q: string; cursor?: string; limit?: number }): Promise<UserSearchPage> {
    const prefix = input.q.trim().replace(/^@/, '').toLowerCase();
    if (prefix === '') throw new AppError('bad_request', 'Type at least one character to search for people.');
    const limit = input.limit ?? USER_SEARCH_DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > USER_SEARCH_MAX_LIMIT) {
      throw new AppError('bad_request', `A page holds 1 to ${USER_SEARCH_MAX_LIMIT} people.`);
    }
    if (input.cursor !== undefined && !checkValue(Username, input.cursor).ok) {
      throw new AppError('bad_request', 'The cursor is not valid.');
    }
    const decision = await this.deps.rates.take('directory', auth.user.id);
    if (!decision.allowed) {
      throw new AppError('rate_limited', 'Too many searches: wait and retry.', {
        details: { retryAfterMs: decision.retryAfterMs },
      });
    }
    const exclude = [auth.user.id, ...(await blockedEitherWay(this.deps.store, auth.user.id))];
    const scope = this.deps.limits.userDirectory;
    const exact = input.cursor === undefined ? await this.exactMatch(prefix, exclude) : undefined;
    if (scope === 'exact') return this.page(auth, exact ? [exact] : [], null);
    const among = scope === 'shared' ? await this.sharedWith(auth.user.id) : undefined;
    // One more than asked: whether there is a next page, without a count.
    const found = await this.deps.store.searchUsers({
      prefix,
      limit: limit + 1,
      exclude,
      ...(input.cursor === undefined ? {} : { afterUsername: input.cursor }),
      ...(among === undefined ? {} : { among }),
    });
    const more = found.length > limit;
    const users = found.slice(0, limit);
    const last = users.at(-1);
    // The exact username first, when the scope would not have found it by prefix.
    if (exact && !users.some((u) => u.id === exact.id)) users.unshift(exact);
    return this.page(auth, users, more && last ? last.username : null);
  }

  private async exactMatch(prefix: string, exclude: readonly string[]): Promise<UserRecord | undefined> {
    if (!checkValue(Username, prefix).ok) return undefined;
    const user = await this.deps.store.getUserByUsername(prefix);
    return user && user.deletedAt === null && !exclude.includes(user.id) ? user : undefined;
  }

  /** PARLEY_USER_DIRECTORY=shared: co-members of direct and group conversations, and contacts. */
  private async sharedWith(userId: string): Promise<string[]> {
    const [partners, contacts] = await Promise.all([
      this.deps.store.listConversationPartners(userId),
      this.deps.store.listContacts(userId),
    ]);
    return [...new Set([...partners, ...contacts.map((c) => c.id)])];
  }

  private async page(auth: AuthContext, users: UserRecord[], nextCursor: string | null): Promise<UserSearchPage> {
    return { users: await profilesFor(this.deps.store, auth.user.id, users.map(toUser)), nextCursor };
  }
}
