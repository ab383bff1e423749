/**
 * The Store contract: the one suite every Store implementation must pass, on
 * every dialect, against a real database. Dialect test files call
 * storeContract() with a factory; the factory is called once for the suite
 * (plus once for the close test), and each test creates its own data.
 */
import { describe } from 'vitest';
import { accountsContract } from './contract/accounts';
import { adminContract } from './contract/admin';
import { archiveContract } from './contract/archive';
import { callsContract } from './contract/calls';
import { conversationsContract } from './contract/conversations';
import { conversationPurgeContract } from './contract/conversation-purge';
import { accountDataContract } from './contract/account-data';
import { e2eeContract } from './contract/e2ee';
import { favouritesContract } from './contract/favourites';
import { filesContract } from './contract/files';
import { type MakeStore, useStore } from './contract/harness';
import { messagesContract } from './contract/messages';
import { searchContract } from './contract/search';
import { jobsContract } from './contract/jobs';
import { pushContract } from './contract/push';
import { linkPreviewsContract } from './contract/link-previews';
import { interactionsContract } from './contract/interactions';
import { moderationContract } from './contract/moderation';
import { outboxContract } from './contract/outbox';
import { retentionContract } from './contract/retention';
import { privacyContract } from './contract/privacy';
import { socialContract } from './contract/social';
import { ssoContract } from './contract/sso';
import { presendHooksContract } from './contract/presend-hooks';
import { subscriptionsContract } from './contract/subscriptions';
import { summariesContract } from './contract/summaries';
import { threadsContract } from './contract/threads';
import { transactionsContract } from './contract/transactions';
import { updatesContract } from './contract/updates';
import { webhooksContract } from './contract/webhooks';

export type { MakeStore } from './contract/harness';

export function storeContract(name: string, makeStore: MakeStore): void {
  describe(`Store contract (${name})`, () => {
    const harness = useStore(makeStore);
    accountsContract(harness);
    socialContract(harness);
    privacyContract(harness);
    subscriptionsContract(harness);
    conversationsContract(harness);
    conversationPurgeContract(harness);
    accountDataContract(harness);
    messagesContract(harness);
    archiveContract(harness);
    moderationContract(harness);
    summariesContract(harness);
    favouritesContract(harness);
    updatesContract(harness);
    threadsContract(harness);
    searchContract(harness);
    filesContract(harness);
    callsContract(harness);
    outboxContract(harness);
    adminContract(harness);
    ssoContract(harness);
    presendHooksContract(harness);
    e2eeContract(harness);
    jobsContract(harness);
    linkPreviewsContract(harness);
    webhooksContract(harness);
    pushContract(harness);
    interactionsContract(harness);
    retentionContract(harness);
    transactionsContract(harness, makeStore);
  });
}
