/**
 * The list of migrations, in order, as a static provider (no folder scan, so it
 * works the same under tsx, vitest and a bundle). Names sort in apply order.
 * Migrating to the latest version is the only operation offered here.
 */
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { Database } from '../db-schema';
import type { StoreDialect } from '../dialect';
import { initialMigration } from './0001-initial';
import { scramMigration } from './0002-scram';
import { richMigration } from './0003-rich';
import { searchMigration } from './0003-search';
import { filesMigration } from './0004-files';
import { subscriptionRequestsMigration } from './0005-subscription-requests';
import { privacyMigration } from './0006-privacy';
import { cleanTextMigration } from './0007-clean-text';
import { searchSegmentationMigration } from './0008-search-segmentation';
import { deviceSyncMigration } from './0011-device-sync';
import { eventsMigration } from './0012-events';
import { rateLimitsMigration } from './0013-rate-limits';
import { contactDetailsMigration } from './0014-contact-details';
import { roomNicknamesMigration } from './0015-room-nicknames';
import { eventConsumersMigration } from './0016-event-consumers';
import { botsWebhooksMigration } from './0017-bots-webhooks';
import { adminAuditMigration } from './0018-admin-audit';
import { peopleMigration } from './0020-people';
import { callsMigration } from './0021-calls';
import { pushMigration } from './0023-push';
import { e2eeMigration } from './0022-e2ee';
import { linkPreviewsMigration } from './0024-link-previews';
import { archiveMigration } from './0027-archive';
import { conversationFilesMigration } from './0028-conversation-files';
import { interactionsMigration } from './0025-interactions';
import { retentionMigration } from './0026-retention';
import { ssoMigration } from './0029-sso';
import { favouritesMigration } from './0030-favourites';
import { serverInvitesMigration } from './0031-server-invites';
import { pushDecisionsMigration } from './0034-push-decisions';
import { presendHooksMigration } from './0036-presend-hooks';

/** Every migration by name (tests migrate up to one of them). */
export function migrations(dialect: StoreDialect): Record<string, Migration> {
  return {
    '0001-initial': initialMigration(dialect),
    '0002-scram': scramMigration(dialect),
    '0003-rich': richMigration(dialect),
    '0003-search': searchMigration(dialect),
    '0004-files': filesMigration(dialect),
    '0005-subscription-requests': subscriptionRequestsMigration(dialect),
    '0006-privacy': privacyMigration(dialect),
    '0007-clean-text': cleanTextMigration(dialect),
    '0008-search-segmentation': searchSegmentationMigration(dialect),
    '0011-device-sync': deviceSyncMigration(dialect),
    '0012-events': eventsMigration(dialect),
    '0013-rate-limits': rateLimitsMigration(dialect),
    '0014-contact-details': contactDetailsMigration(dialect),
    '0015-room-nicknames': roomNicknamesMigration(dialect),
    '0016-event-consumers': eventConsumersMigration(dialect),
    '0017-bots-webhooks': botsWebhooksMigration(dialect),
    '0018-admin-audit': adminAuditMigration(dialect),
    '0020-people': peopleMigration(dialect),
    '0021-calls': callsMigration(dialect),
    '0022-e2ee': e2eeMigration(dialect),
    '0023-push': pushMigration(dialect),
    '0024-link-previews': linkPreviewsMigration(dialect),
    '0025-interactions': interactionsMigration(dialect),
    '0026-retention': retentionMigration(dialect),
    '0027-archive': archiveMigration(dialect),
    '0028-conversation-files': conversationFilesMigration(),
    '0029-sso': ssoMigration(dialect),
    '0030-favourites': favouritesMigration(dialect),
    '0031-server-invites': serverInvitesMigration(dialect),
    '0034-push-decisions': pushDecisionsMigration(dialect),
    '0036-presend-hooks': presendHooksMigration(dialect),
  };
}

class StaticMigrationProvider implements MigrationProvider {
  constructor(private readonly dialect: StoreDialect) {}

  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve(migrations(this.dialect));
  }
}

/** Applies every pending migration; throws the failing migration's error. */
export async function migrateToLatest(db: Kysely<Database>, dialect: StoreDialect): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: new StaticMigrationProvider(dialect),
    ...(dialect.migrationSchema === undefined ? {} : { migrationTableSchema: dialect.migrationSchema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`store migration ${failed} failed`, { cause: error });
  }
}
