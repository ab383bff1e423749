/**
 * Store contract: the MLS delivery service's rows (ports/e2ee-records.ts). The ordering
 * guarantees are the store's, so they are tested here on every dialect with concurrent
 * callers: one of two commits for an epoch advances it, and no key package is handed out
 * twice (the last-resort one is handed out and kept).
 */
import { describe, expect, it } from 'vitest';
import type { Store, UserRecord } from '../../ports/store';
import { type Harness, newGroup, newUsers, tick, uid } from './harness';

/** A device is a session: one is created first, as logging in does. */
async function device(store: Store, user: UserRecord) {
  const now = tick();
  const session = await store.createSession({
    id: uid('s'),
    userId: user.id,
    tokenHash: uid('hash'),
    deviceName: 'test',
    createdAt: now,
    lastSeenAt: now,
    expiresAt: now + 86_400_000,
  });
  return store.registerDevice({ deviceId: session.id, userId: user.id, signatureKey: 'a2V5', createdAt: now });
}

async function encryptedGroup(store: Store, owner: UserRecord, members: UserRecord[]) {
  const conversation = await newGroup(store, owner, members);
  const ownerDevice = await device(store, owner);
  await store.createGroup({ conversationId: conversation.id, cipherSuite: 1, epoch: 0 }, [ownerDevice], tick());
  return { conversation, ownerDevice };
}

export function e2eeContract(h: Harness): void {
  describe('e2ee (MLS delivery service)', () => {
    it('registers a device once: a second registration returns the first', async () => {
      const [user] = await newUsers(h.store, 1);
      const first = await device(h.store, user!);
      const again = await h.store.registerDevice({ ...first, signatureKey: 'b3RoZXI=', createdAt: tick() });
      expect(again).toEqual(first);
      expect(await h.store.listDevices([user!.id])).toEqual([first]);
    });

    it('moves the epoch one step at a time: of two concurrent commits for an epoch exactly one wins', async () => {
      const [owner, bob] = await newUsers(h.store, 2);
      const { conversation } = await encryptedGroup(h.store, owner!, [bob!]);
      const attempts = await Promise.all(
        Array.from({ length: 4 }, () => h.store.transaction((tx) => tx.advanceEpoch(conversation.id, 0, tick()))),
      );
      expect(attempts.filter(Boolean)).toHaveLength(1);
      expect((await h.store.getGroup(conversation.id))?.epoch).toBe(1);
      expect(await h.store.advanceEpoch(conversation.id, 0, tick())).toBe(false);
      expect(await h.store.advanceEpoch(conversation.id, 1, tick())).toBe(true);
      expect((await h.store.getGroup(conversation.id))?.epoch).toBe(2);
    });

    it('a refused commit leaves nothing: a transaction that fails after advancing rolls the epoch back', async () => {
      const [owner, bob] = await newUsers(h.store, 2);
      const { conversation } = await encryptedGroup(h.store, owner!, [bob!]);
      const bobDevice = await device(h.store, bob!);
      await expect(
        h.store.transaction(async (tx) => {
          await tx.advanceEpoch(conversation.id, 0, tick());
          await tx.addGroupDevices(conversation.id, [bobDevice], 1);
          throw new Error('refused later');
        }),
      ).rejects.toThrow('refused later');
      expect((await h.store.getGroup(conversation.id))?.epoch).toBe(0);
      expect((await h.store.listGroupDevices(conversation.id)).map((d) => d.userId)).toEqual([owner!.id]);
    });

    it('tracks the devices in a group as commits add and remove them', async () => {
      const [owner, bob] = await newUsers(h.store, 2);
      const { conversation, ownerDevice } = await encryptedGroup(h.store, owner!, [bob!]);
      const b1 = await device(h.store, bob!);
      const b2 = await device(h.store, bob!);
      await h.store.addGroupDevices(conversation.id, [b1, b2], 1);
      await h.store.removeGroupDevices(conversation.id, [b1.deviceId]);
      expect(await h.store.listGroupDevices(conversation.id)).toEqual([
        { deviceId: ownerDevice.deviceId, userId: owner!.id, revoked: false },
        { deviceId: b2.deviceId, userId: bob!.id, revoked: false },
      ]);
      // Logging out ends the session: the device is reported revoked and leaves the directory.
      expect(await h.store.deleteSession(b2.deviceId)).toBe(true);
      expect((await h.store.listGroupDevices(conversation.id)).map((d) => d.revoked)).toEqual([false, true]);
      expect(await h.store.listDevices([bob!.id])).toEqual([b1, { ...b2, active: false }]);
    });

    it('hands out each one-time key package once, oldest first, then the last-resort one, which stays', async () => {
      const [user] = await newUsers(h.store, 1);
      const d = await device(h.store, user!);
      const count = await h.store.addKeyPackages(
        d.deviceId,
        [
          ...['a', 'b', 'c'].map((data) => ({ id: uid('kp'), data, lastResort: false })),
          { id: uid('kp'), data: 'last', lastResort: true },
        ],
        tick(),
      );
      expect(count).toEqual({ count: 3, lastResort: true });
      const claims = await Promise.all(Array.from({ length: 5 }, () => h.store.claimKeyPackage(d.deviceId)));
      const oneTime = claims.filter((c) => c && !c.lastResort).map((c) => c!.data);
      expect(oneTime.sort()).toEqual(['a', 'b', 'c']);
      expect(claims.filter((c) => c?.lastResort).map((c) => c!.data)).toEqual(['last', 'last']);
      expect(await h.store.countKeyPackages(d.deviceId)).toEqual({ count: 0, lastResort: true });
      // A new last-resort package replaces the old one.
      await h.store.addKeyPackages(d.deviceId, [{ id: uid('kp'), data: 'last2', lastResort: true }], tick());
      expect(await h.store.claimKeyPackage(d.deviceId)).toEqual({ data: 'last2', lastResort: true });
      const [other] = await newUsers(h.store, 1);
      expect(await h.store.claimKeyPackage((await device(h.store, other!)).deviceId)).toBeUndefined();
    });

    it('keeps Welcome messages per device until the device deletes them', async () => {
      const [owner, bob] = await newUsers(h.store, 2);
      const { conversation } = await encryptedGroup(h.store, owner!, [bob!]);
      const b1 = await device(h.store, bob!);
      const welcome = {
        id: uid('w'),
        deviceId: b1.deviceId,
        conversationId: conversation.id,
        epoch: 1,
        commitSeq: 2,
        data: 'd2VsY29tZQ==',
        createdAt: tick(),
      };
      await h.store.addWelcomes([welcome]);
      expect(await h.store.listWelcomes(b1.deviceId)).toEqual([welcome]);
      expect(await h.store.listWelcomes(uid('dev'))).toEqual([]);
      expect(await h.store.deleteWelcome(uid('dev'), welcome.id)).toBe(false);
      expect(await h.store.deleteWelcome(b1.deviceId, welcome.id)).toBe(true);
      expect(await h.store.listWelcomes(b1.deviceId)).toEqual([]);
    });

    it('records a conversation as encrypted', async () => {
      const [owner] = await newUsers(h.store, 1);
      const { conversation } = await h.store.createConversation(
        { id: uid('conv'), kind: 'group', title: 'e2ee', directKey: null, createdAt: tick(), encryption: 'mls' },
        [{ userId: owner!.id, role: 'owner' }],
      );
      expect(conversation.encryption).toBe('mls');
      expect((await h.store.getConversation(conversation.id))?.encryption).toBe('mls');
      const plain = await newGroup(h.store, owner!, []);
      expect(plain.encryption).toBeUndefined();
    });
  });
}
