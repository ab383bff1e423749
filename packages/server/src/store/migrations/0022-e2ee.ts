/**
 * End-to-end encrypted conversations (issue 15, MLS): `conversations.encryption` ('mls' or
 * null), the devices with their MLS signature keys (a device is a session), their key
 * packages (one-time ones deleted as handed out, one last-resort kept), each encrypted
 * conversation's group (its epoch: the one row a commit advances, so that one commit per epoch
 * wins on every node), the devices in each group, and Welcome messages waiting for a device.
 * Commits and application messages themselves are entries of the conversation's sequence
 * (`messages`, content `{"type":"mls",...}`).
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../dialect';

export function e2eeMigration(dialect: StoreDialect): Migration {
  const { int64, key } = dialect.types;
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('conversations').addColumn('encryption', 'text').execute();
      await db.schema
        .createTable('e2ee_devices')
        .addColumn('device_id', key, (c) => c.primaryKey())
        .addColumn('user_id', key, (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('signature_key', 'text', (c) => c.notNull())
        .addColumn('created_at', int64, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('e2ee_devices_user_idx').on('e2ee_devices').column('user_id').execute();
      await db.schema
        .createTable('e2ee_key_packages')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('device_id', key, (c) => c.notNull().references('e2ee_devices.device_id').onDelete('cascade'))
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('last_resort', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', int64, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('e2ee_key_packages_device_idx')
        .on('e2ee_key_packages')
        .columns(['device_id', 'last_resort', 'created_at'])
        .execute();
      await db.schema
        .createTable('e2ee_groups')
        .addColumn('conversation_id', key, (c) => c.primaryKey().references('conversations.id').onDelete('cascade'))
        .addColumn('cipher_suite', 'integer', (c) => c.notNull())
        .addColumn('epoch', int64, (c) => c.notNull())
        .addColumn('updated_at', int64, (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('e2ee_group_devices')
        .addColumn('conversation_id', key, (c) =>
          c.notNull().references('e2ee_groups.conversation_id').onDelete('cascade'),
        )
        .addColumn('device_id', key, (c) => c.notNull())
        .addColumn('user_id', key, (c) => c.notNull())
        .addColumn('added_epoch', int64, (c) => c.notNull())
        .addPrimaryKeyConstraint('e2ee_group_devices_pk', ['conversation_id', 'device_id'])
        .execute();
      await db.schema
        .createTable('e2ee_welcomes')
        .addColumn('id', key, (c) => c.primaryKey())
        .addColumn('device_id', key, (c) => c.notNull())
        .addColumn('conversation_id', key, (c) => c.notNull().references('conversations.id').onDelete('cascade'))
        .addColumn('epoch', int64, (c) => c.notNull())
        .addColumn('commit_seq', int64, (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('created_at', int64, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('e2ee_welcomes_device_idx').on('e2ee_welcomes').column('device_id').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of ['e2ee_welcomes', 'e2ee_group_devices', 'e2ee_groups', 'e2ee_key_packages', 'e2ee_devices']) {
        await sql`drop table if exists ${sql.table(table)}`.execute(db);
      }
      await db.schema.alterTable('conversations').dropColumn('encryption').execute();
    },
  };
}
