/**
 * Contract: full-text search. Every term must match the start of a token (a word,
 * or a character or pair of Chinese, Japanese or Thai); only conversations the
 * user is a member of now; never tombstones, superseded text, system or update
 * entries; filters, both orders and offset paging.
 */
import type { Message } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { parseSearchTerms } from '../../domain/search-text';
import type { SearchQuery, Store, UserRecord } from '../../ports/store';
import { type Harness, newGroup, newMessage, newUser, tick, uid } from './harness';

/** A word no other test's text starts with (fixed length, so no tag is a prefix of another). */
function tag(): string {
  return `t${uid('')
    .replace(/[^a-z0-9]/gi, '')
    .padStart(16, '0')}`;
}

export function searchContract(h: Harness): void {
  const search = async (user: UserRecord, terms: string[], more: Partial<SearchQuery> = {}): Promise<string[]> => {
    const hits = await h.store.searchMessages({
      userId: user.id,
      terms,
      sort: 'recent',
      offset: 0,
      limit: 50,
      ...more,
    });
    return hits.map((message) => message.id);
  };
  const post = async (store: Store, conversationId: string, senderId: string, body: string): Promise<Message> =>
    (await store.appendMessage(newMessage(conversationId, senderId, body))).message;

  describe('search', () => {
    it('matches every term as a word prefix, ignoring case and diacritics, newest first', async () => {
      const t = tag();
      const owner = await newUser(h.store);
      const group = await newGroup(h.store, owner);
      const a = await post(h.store, group.id, owner.id, `${t} Parley ships résumé support`);
      const b = await post(h.store, group.id, owner.id, `${t} the parliament sits`);
      const c = await post(h.store, group.id, owner.id, `${t}: SHIPPING, parley-style!`);
      expect(await search(owner, [t])).toEqual([c.id, b.id, a.id]);
      expect(await search(owner, [t, 'parl'])).toEqual([c.id, b.id, a.id]);
      expect(await search(owner, [t, 'parley'])).toEqual([c.id, a.id]);
      expect(await search(owner, [t, 'parley', 'ship'])).toEqual([c.id, a.id]);
      expect(await search(owner, [t, 'shipping'])).toEqual([c.id]);
      expect(await search(owner, [t, 'resume'])).toEqual([a.id]);
      // Terms come folded from the service: an unfolded one is not a term and finds nothing.
      expect(await search(owner, [t, 'résumé'])).toEqual([]);
      // A term matches the start of a word, never its middle.
      expect(await search(owner, [t, 'arley'])).toEqual([]);
      expect(await search(owner, [])).toEqual([]);
      const [first] = await h.store.searchMessages({
        userId: owner.id,
        terms: [t, 'sits'],
        sort: 'recent',
        offset: 0,
        limit: 5,
      });
      expect(first).toEqual(await h.store.getMessage(b.id));
    });

    it('finds what people wrote in Chinese, Japanese, Thai, German, French, Vietnamese and mixed scripts', async () => {
      const t = tag();
      const owner = await newUser(h.store);
      const group = await newGroup(h.store, owner);
      const zh = await post(h.store, group.id, owner.id, `${t} 我们明天去北京吃烤鸭`);
      const ja = await post(h.store, group.id, owner.id, `${t} 東京タワーに行きました`);
      const th = await post(h.store, group.id, owner.id, `${t} ฉันจะไปกรุงเทพพรุ่งนี้ ข้าวผัดอร่อย`);
      const de = await post(h.store, group.id, owner.id, `${t} Die Überprüfung der Straße`);
      const fr = await post(h.store, group.id, owner.id, `${t} Le garçon a mangé une crème brûlée à l'hôtel`);
      const vi = await post(h.store, group.id, owner.id, `${t} Tiếng Việt ở Đà Nẵng`);
      const mixed = await post(h.store, group.id, owner.id, `${t} 🎉 iPhone用のケース from 東京 🍣 party`);
      const half = await post(h.store, group.id, owner.id, `${t} ﾀﾜｰﾚｺｰﾄﾞ`);
      // Not ข้าว: a consonant alone, then a word that starts with the rest (an index that split
      // Thai at its vowel signs, like FTS5's unicode61, would find it).
      await post(h.store, group.id, owner.id, `${t} ข าวสวย`);
      const find = (query: string) => search(owner, [t, ...parseSearchTerms(query)]);
      const expected: [string, Message[]][] = [
        // The three examples of issue 10.
        ['北京', [zh]],
        ['タワー', [half, ja]],
        ['uberprufung', [de]],
        ['Überprüfung', [de]],
        ['烤鸭', [zh]],
        ['我们明天', [zh]],
        ['京', [mixed, ja, zh]],
        ['東京', [mixed, ja]],
        ['に行き', [ja]],
        ['กรุงเทพ', [th]],
        ['พรุ่งนี้', [th]],
        ['ข้าว', [th]],
        ['strasse', [de]],
        ['STRASSE', [de]],
        ['creme brulee', [fr]],
        ['hotel garcon', [fr]],
        ['tieng viet', [vi]],
        ['da nang', [vi]],
        ['iphone用', [mixed]],
        ['ケース', [mixed]],
        ['party 東京', [mixed]],
        ['ﾚｺｰﾄﾞ', [half]],
        ['レコード', [half]],
        // Characters in another order, or not next to each other, are not a match.
        ['北京烤鸭', []],
        ['上海', []],
        ['ワタ', []],
        ['ข้าวมัน', []],
        ['chinois', []],
      ];
      for (const [query, messages] of expected) {
        expect(await find(query), query).toEqual(messages.map((message) => message.id));
      }
    });

    it('finds only what the user may read now: their conversations, not after leaving', async () => {
      const t = tag();
      const [alice, bob] = [await newUser(h.store), await newUser(h.store)];
      const shared = await newGroup(h.store, alice, [bob]);
      const alone = await newGroup(h.store, alice);
      const inShared = await post(h.store, shared.id, alice.id, `${t} shared secret`);
      const inAlone = await post(h.store, alone.id, alice.id, `${t} private secret`);
      expect(await search(alice, [t, 'secret'])).toEqual([inAlone.id, inShared.id]);
      expect(await search(bob, [t, 'secret'])).toEqual([inShared.id]);
      // An explicit filter on a conversation the user is not in finds nothing either.
      expect(await search(bob, [t], { conversationId: alone.id })).toEqual([]);
      await h.store.removeMember(shared.id, bob.id);
      expect(await search(bob, [t, 'secret'])).toEqual([]);
      expect(await search(alice, [t, 'secret'])).toEqual([inAlone.id, inShared.id]);
    });

    it('never returns deleted messages, edited-away text, system or update entries', async () => {
      const t = tag();
      const owner = await newUser(h.store);
      const group = await newGroup(h.store, owner);
      const kept = await post(h.store, group.id, owner.id, `${t} alpha kept`);
      const deleted = await post(h.store, group.id, owner.id, `${t} alpha gone`);
      const edited = await post(h.store, group.id, owner.id, `${t} alpha before`);
      await h.store.appendMessage({
        ...newMessage(group.id, owner.id),
        content: { type: 'system', action: 'renamed', title: `${t} alpha` },
      });
      const update = await h.store.appendMessage({
        ...newMessage(group.id, owner.id),
        content: { type: 'update', action: 'edited', messageId: edited.id, text: `${t} alpha omega after` },
      });
      await h.store.editMessage(edited.id, `${t} omega after`, undefined, tick(), update.message.seq);
      const tombstone = await h.store.appendMessage({
        ...newMessage(group.id, owner.id),
        content: { type: 'update', action: 'deleted', messageId: deleted.id },
      });
      await h.store.deleteMessage(deleted.id, tick(), tombstone.message.seq);
      expect(await search(owner, [t, 'alpha'])).toEqual([kept.id]);
      expect(await search(owner, [t, 'before'])).toEqual([]);
      expect(await search(owner, [t, 'gone'])).toEqual([]);
      expect(await search(owner, [t, 'omega'])).toEqual([edited.id]);
      // Edited twice: only the latest text counts.
      await h.store.editMessage(edited.id, `${t} third`, undefined, tick(), update.message.seq + 2);
      expect(await search(owner, [t, 'omega'])).toEqual([]);
      expect(await search(owner, [t, 'third'])).toEqual([edited.id]);
    });

    it('filters by conversation, sender and time, inclusive', async () => {
      const t = tag();
      const [alice, bob] = [await newUser(h.store), await newUser(h.store)];
      const one = await newGroup(h.store, alice, [bob]);
      const two = await newGroup(h.store, alice, [bob]);
      const a1 = await post(h.store, one.id, alice.id, `${t} one from alice`);
      const b1 = await post(h.store, one.id, bob.id, `${t} one from bob`);
      const a2 = await post(h.store, two.id, alice.id, `${t} two from alice`);
      const b2 = await post(h.store, two.id, bob.id, `${t} two from bob`);
      expect(await search(alice, [t], { conversationId: one.id })).toEqual([b1.id, a1.id]);
      expect(await search(alice, [t], { senderId: bob.id })).toEqual([b2.id, b1.id]);
      expect(await search(alice, [t], { senderId: alice.id, conversationId: two.id })).toEqual([a2.id]);
      expect(await search(alice, [t], { from: b1.createdAt, to: a2.createdAt })).toEqual([a2.id, b1.id]);
      expect(await search(alice, [t], { from: b2.createdAt + 1 })).toEqual([]);
      expect(await search(alice, [t], { to: a1.createdAt })).toEqual([a1.id]);
    });

    it('ranks by relevance, then recency, and pages by offset', async () => {
      const t = tag();
      const owner = await newUser(h.store);
      const group = await newGroup(h.store, owner);
      // Equal lengths, so term frequency alone decides the rank.
      const once = await post(h.store, group.id, owner.id, `${t} kiwi pear plum fig`);
      const thrice = await post(h.store, group.id, owner.id, `${t} kiwi kiwi kiwi fig`);
      const twice = await post(h.store, group.id, owner.id, `${t} kiwi kiwi plum fig`);
      const onceLater = await post(h.store, group.id, owner.id, `${t} kiwi lime plum fig`);
      expect(await search(owner, [t, 'kiwi'], { sort: 'relevance' })).toEqual([
        thrice.id,
        twice.id,
        onceLater.id,
        once.id,
      ]);
      expect(await search(owner, [t, 'kiwi'], { sort: 'recent' })).toEqual([
        onceLater.id,
        twice.id,
        thrice.id,
        once.id,
      ]);
      const pages = [
        await search(owner, [t], { limit: 3, offset: 0 }),
        await search(owner, [t], { limit: 3, offset: 3 }),
        await search(owner, [t], { limit: 3, offset: 6 }),
      ];
      expect(pages).toEqual([[onceLater.id, twice.id, thrice.id], [once.id], []]);
    });

    it('orders messages sent in the same millisecond by seq', async () => {
      const t = tag();
      const owner = await newUser(h.store);
      const group = await newGroup(h.store, owner);
      const at = tick();
      const ids: string[] = [];
      for (const body of ['a', 'b', 'c']) {
        const appended = await h.store.appendMessage({
          ...newMessage(group.id, owner.id, `${t} ${body}`),
          createdAt: at,
        });
        ids.push(appended.message.id);
      }
      expect(await search(owner, [t])).toEqual(ids.reverse());
    });

    it('treats quotes, stars and operators in terms as plain characters', async () => {
      const t = tag();
      const owner = await newUser(h.store);
      const group = await newGroup(h.store, owner);
      await post(h.store, group.id, owner.id, `${t} plain words`);
      for (const term of ['"', "'", '*', 'or', 'and', 'not', ':*', '&', '|', '!', '\\', 'near(']) {
        await expect(search(owner, [t, term])).resolves.toEqual([]);
      }
    });
  });
}
