/**
 * The MLS delivery service's rows (ports/e2ee-records.ts), the same SQL on SQLite and
 * PostgreSQL. Ordering lives here: `advanceEpoch` is one conditional UPDATE (PostgreSQL
 * re-checks the condition after waiting for a concurrent writer's row lock, so exactly one of
 * two commits for an epoch moves it), and a key package is claimed by a DELETE ... RETURNING
 * of one id, so no package is handed out twice.
 */
import type { Kysely } from 'kysely';
import type {
  E2eeDeviceRecord,
  E2eeGroupRecord,
  GroupDevice,
  GroupDeviceState,
  KeyPackageCount,
  NewKeyPackage,
  WelcomeRecord,
} from '../../ports/e2ee-records';
import type { Database } from '../db-schema';

type Db = Kysely<Database>;

function toDevice(row: {
  device_id: string;
  user_id: string;
  signature_key: string;
  created_at: number;
  session_id: string | null;
}): E2eeDeviceRecord {
  return {
    deviceId: row.device_id,
    userId: row.user_id,
    signatureKey: row.signature_key,
    createdAt: Number(row.created_at),
    active: row.session_id !== null,
  };
}

/** Devices with whether their session is alive (a device is a session). */
function devicesWithSessions(db: Db) {
  return db
    .selectFrom('e2ee_devices as d')
    .leftJoin('sessions as s', 's.id', 'd.device_id')
    .select(['d.device_id', 'd.user_id', 'd.signature_key', 'd.created_at', 's.id as session_id']);
}

export async function registerDevice(db: Db, device: Omit<E2eeDeviceRecord, 'active'>): Promise<E2eeDeviceRecord> {
  await db
    .insertInto('e2ee_devices')
    .values({
      device_id: device.deviceId,
      user_id: device.userId,
      signature_key: device.signatureKey,
      created_at: device.createdAt,
    })
    .onConflict((oc) => oc.column('device_id').doNothing())
    .execute();
  const stored = await getDevice(db, device.deviceId);
  if (!stored) throw new Error('e2ee device vanished after insert');
  return stored;
}

export async function getDevice(db: Db, deviceId: string): Promise<E2eeDeviceRecord | undefined> {
  const row = await devicesWithSessions(db).where('d.device_id', '=', deviceId).executeTakeFirst();
  return row && toDevice(row);
}

export async function listDevices(db: Db, userIds: readonly string[]): Promise<E2eeDeviceRecord[]> {
  if (userIds.length === 0) return [];
  const rows = await devicesWithSessions(db)
    .where('d.user_id', 'in', [...userIds])
    .orderBy('d.created_at')
    .orderBy('d.device_id')
    .execute();
  return rows.map(toDevice);
}

export async function countKeyPackages(db: Db, deviceId: string): Promise<KeyPackageCount> {
  const rows = await db
    .selectFrom('e2ee_key_packages')
    .select(['last_resort', (eb) => eb.fn.countAll<number>().as('n')])
    .where('device_id', '=', deviceId)
    .groupBy('last_resort')
    .execute();
  let count = 0;
  let lastResort = false;
  for (const row of rows) {
    if (Number(row.last_resort) === 1) lastResort = Number(row.n) > 0;
    else count = Number(row.n);
  }
  return { count, lastResort };
}

export async function addKeyPackages(
  db: Db,
  deviceId: string,
  packages: readonly NewKeyPackage[],
  now: number,
): Promise<KeyPackageCount> {
  if (packages.some((p) => p.lastResort)) {
    await db.deleteFrom('e2ee_key_packages').where('device_id', '=', deviceId).where('last_resort', '=', 1).execute();
  }
  if (packages.length > 0) {
    await db
      .insertInto('e2ee_key_packages')
      .values(
        packages.map((p, i) => ({
          id: p.id,
          device_id: deviceId,
          data: p.data,
          last_resort: p.lastResort ? 1 : 0,
          // Upload order is claim order.
          created_at: now + i,
        })),
      )
      .execute();
  }
  return countKeyPackages(db, deviceId);
}

export async function claimKeyPackage(
  db: Db,
  deviceId: string,
): Promise<{ data: string; lastResort: boolean } | undefined> {
  // A concurrent claim may delete the candidate first: then try the next (bounded).
  for (let attempt = 0; attempt < 8; attempt++) {
    const candidate = await db
      .selectFrom('e2ee_key_packages')
      .select('id')
      .where('device_id', '=', deviceId)
      .where('last_resort', '=', 0)
      .orderBy('created_at')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    if (!candidate) break;
    const claimed = await db
      .deleteFrom('e2ee_key_packages')
      .where('id', '=', candidate.id)
      .returning('data')
      .executeTakeFirst();
    if (claimed) return { data: claimed.data, lastResort: false };
  }
  const lastResort = await db
    .selectFrom('e2ee_key_packages')
    .select('data')
    .where('device_id', '=', deviceId)
    .where('last_resort', '=', 1)
    .executeTakeFirst();
  return lastResort && { data: lastResort.data, lastResort: true };
}

export async function createGroup(
  db: Db,
  group: E2eeGroupRecord,
  devices: readonly GroupDevice[],
  now: number,
): Promise<void> {
  await db
    .insertInto('e2ee_groups')
    .values({
      conversation_id: group.conversationId,
      cipher_suite: group.cipherSuite,
      epoch: group.epoch,
      updated_at: now,
    })
    .execute();
  await addGroupDevices(db, group.conversationId, devices, group.epoch);
}

export async function getGroup(db: Db, conversationId: string): Promise<E2eeGroupRecord | undefined> {
  const row = await db
    .selectFrom('e2ee_groups')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .executeTakeFirst();
  return (
    row && {
      conversationId: row.conversation_id,
      cipherSuite: Number(row.cipher_suite),
      epoch: Number(row.epoch),
    }
  );
}

export async function listGroupDevices(db: Db, conversationId: string): Promise<GroupDeviceState[]> {
  // A device is a session: one whose session row is gone (logged out, revoked) must leave the group.
  const rows = await db
    .selectFrom('e2ee_group_devices as g')
    .leftJoin('sessions as s', 's.id', 'g.device_id')
    .select(['g.device_id', 'g.user_id', 's.id as session_id'])
    .where('g.conversation_id', '=', conversationId)
    .orderBy('g.added_epoch')
    .orderBy('g.device_id')
    .execute();
  return rows.map((r) => ({ deviceId: r.device_id, userId: r.user_id, revoked: r.session_id === null }));
}

export async function advanceEpoch(db: Db, conversationId: string, fromEpoch: number, now: number): Promise<boolean> {
  const result = await db
    .updateTable('e2ee_groups')
    .set((eb) => ({ epoch: eb('epoch', '+', 1), updated_at: now }))
    .where('conversation_id', '=', conversationId)
    .where('epoch', '=', fromEpoch)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function addGroupDevices(
  db: Db,
  conversationId: string,
  devices: readonly GroupDevice[],
  epoch: number,
): Promise<void> {
  if (devices.length === 0) return;
  await db
    .insertInto('e2ee_group_devices')
    .values(
      devices.map((d) => ({
        conversation_id: conversationId,
        device_id: d.deviceId,
        user_id: d.userId,
        added_epoch: epoch,
      })),
    )
    .execute();
}

export async function removeGroupDevices(db: Db, conversationId: string, deviceIds: readonly string[]): Promise<void> {
  if (deviceIds.length === 0) return;
  await db
    .deleteFrom('e2ee_group_devices')
    .where('conversation_id', '=', conversationId)
    .where('device_id', 'in', [...deviceIds])
    .execute();
}

export async function addWelcomes(db: Db, welcomes: readonly WelcomeRecord[]): Promise<void> {
  if (welcomes.length === 0) return;
  await db
    .insertInto('e2ee_welcomes')
    .values(
      welcomes.map((w) => ({
        id: w.id,
        device_id: w.deviceId,
        conversation_id: w.conversationId,
        epoch: w.epoch,
        commit_seq: w.commitSeq,
        data: w.data,
        created_at: w.createdAt,
      })),
    )
    .execute();
}

export async function listWelcomes(db: Db, deviceId: string): Promise<WelcomeRecord[]> {
  const rows = await db
    .selectFrom('e2ee_welcomes')
    .selectAll()
    .where('device_id', '=', deviceId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    deviceId: r.device_id,
    conversationId: r.conversation_id,
    epoch: Number(r.epoch),
    commitSeq: Number(r.commit_seq),
    data: r.data,
    createdAt: Number(r.created_at),
  }));
}

export async function deleteWelcome(db: Db, deviceId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('e2ee_welcomes')
    .where('device_id', '=', deviceId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
