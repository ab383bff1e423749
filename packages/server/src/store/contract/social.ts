/**
 * Contract: contacts and blocks (one-directional, idempotent relations).
 */
import { describe, expect, it } from 'vitest';
import { type Harness, newUser, tick, uname } from './harness';

export function socialContract(h: Harness): void {
  describe('contacts and blocks', () => {
    it('adds contacts idempotently, lists them by username, and removes them', async () => {
      const prefix = uname('c');
      const owner = await newUser(h.store);
      const zed = await newUser(h.store, `${prefix}-z`);
      const amy = await newUser(h.store, `${prefix}-a`);
      await h.store.addContact(owner.id, zed.id, tick());
      await h.store.addContact(owner.id, amy.id, tick());
      await h.store.addContact(owner.id, amy.id, tick());
      expect((await h.store.listContacts(owner.id)).map((u) => u.id)).toEqual([amy.id, zed.id]);
      expect(await h.store.listContacts(amy.id)).toEqual([]);

      expect(await h.store.removeContact(owner.id, zed.id)).toBe(true);
      expect(await h.store.removeContact(owner.id, zed.id)).toBe(false);
      expect((await h.store.listContacts(owner.id)).map((u) => u.id)).toEqual([amy.id]);
    });

    it('keeps a nickname and groups per owner and contact, replaced whole, gone with the contact', async () => {
      const prefix = uname('cd');
      const owner = await newUser(h.store);
      const other = await newUser(h.store);
      const zed = await newUser(h.store, `${prefix}-z`);
      const amy = await newUser(h.store, `${prefix}-a`);
      const at = tick();
      await h.store.addContact(owner.id, zed.id, at);
      await h.store.addContact(owner.id, amy.id, tick());
      await h.store.addContact(other.id, zed.id, tick());
      expect(await h.store.getContactDetails(owner.id, zed.id)).toEqual({
        contactId: zed.id,
        nickname: null,
        groups: [],
        createdAt: at,
      });
      expect(await h.store.setContactDetails(owner.id, zed.id, { nickname: 'Zé ✨', groups: ['Work', 'Amis'] })).toBe(
        true,
      );
      // Another owner's details for the same contact are their own.
      expect(await h.store.getContactDetails(other.id, zed.id)).toMatchObject({ nickname: null, groups: [] });
      const listed = await h.store.listContactDetails(owner.id);
      expect(listed.map((c) => [c.contactId, c.nickname, c.groups])).toEqual([
        [amy.id, null, []],
        [zed.id, 'Zé ✨', ['Work', 'Amis']],
      ]);
      // Adding again keeps the details; setting replaces both fields.
      await h.store.addContact(owner.id, zed.id, tick());
      expect(await h.store.getContactDetails(owner.id, zed.id)).toMatchObject({ nickname: 'Zé ✨' });
      await h.store.setContactDetails(owner.id, zed.id, { nickname: null, groups: ['Amis'] });
      expect(await h.store.getContactDetails(owner.id, zed.id)).toMatchObject({ nickname: null, groups: ['Amis'] });
      // Not a contact: nothing written.
      expect(await h.store.setContactDetails(amy.id, owner.id, { nickname: 'x', groups: [] })).toBe(false);
      expect(await h.store.getContactDetails(amy.id, owner.id)).toBeUndefined();
      await h.store.removeContact(owner.id, zed.id);
      await h.store.addContact(owner.id, zed.id, tick());
      expect(await h.store.getContactDetails(owner.id, zed.id)).toMatchObject({ nickname: null, groups: [] });
    });

    it('listContactOwners returns who has the user as a contact', async () => {
      const target = await newUser(h.store);
      const [a, b, c] = [await newUser(h.store), await newUser(h.store), await newUser(h.store)];
      await h.store.addContact(a.id, target.id, tick());
      await h.store.addContact(b.id, target.id, tick());
      await h.store.addContact(target.id, c.id, tick());
      expect((await h.store.listContactOwners(target.id)).sort()).toEqual([a.id, b.id].sort());
      expect(await h.store.listContactOwners(c.id)).toEqual([target.id]);
    });

    it('blocks are idempotent and one-directional', async () => {
      const owner = await newUser(h.store);
      const pest = await newUser(h.store);
      expect(await h.store.isBlocked(owner.id, pest.id)).toBe(false);
      await h.store.addBlock(owner.id, pest.id, tick());
      await h.store.addBlock(owner.id, pest.id, tick());
      expect(await h.store.isBlocked(owner.id, pest.id)).toBe(true);
      expect(await h.store.isBlocked(pest.id, owner.id)).toBe(false);
      expect((await h.store.listBlocks(owner.id)).map((u) => u.id)).toEqual([pest.id]);
      expect(await h.store.listBlocks(pest.id)).toEqual([]);

      expect(await h.store.removeBlock(owner.id, pest.id)).toBe(true);
      expect(await h.store.removeBlock(owner.id, pest.id)).toBe(false);
      expect(await h.store.isBlocked(owner.id, pest.id)).toBe(false);
    });
  });
}
