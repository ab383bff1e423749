/**
 * Erasing a deleted account's content (issue 19, docs/adr/0026): the `account.erase`
 * job. Deleting an account with its content (`DELETE /v1/me` or the admin API with
 * `withContent`) wipes the profile at once (accounts.ts) and enqueues this job in the
 * same transaction; the job then erases every message and update entry the account sent
 * (their edits' history, reactions, mentions, search rows, quotes' excerpts and the files
 * no other message carries, with thumbnails and bytes) through the retention routine
 * (message-erasure.ts), a batch at a time, each batch telling devices with an `expired`
 * entry. Like the conversation purge it yields between batches and gives other jobs a
 * turn after a bounded number of them (`continueAt`); it is idempotent, so a run after a
 * crash resumes from what the last commit left. Legal holds: a held account is refused
 * before anything is deleted (`checkErasable`), and messages in held conversations stay.
 * When nothing is left: the account's reactions and files, the database's free space, and
 * one audit entry.
 */
import { AppError } from '../domain/errors';
import type { JobHandler, JobOutcome, JobRecord } from '../ports/jobs';
import type { Store } from '../ports/store';
import { recordAudit, type AuditActor } from './audit';
import type { ServiceDeps } from './deps';
import type { FileService } from './files';
import { eraseMessages } from './message-erasure';
import type { PurgeOptions } from './conversation-purge';

export const ACCOUNT_ERASE_JOB = 'account.erase';

export interface AccountErasePayload {
  userId: string;
  /** Who asked (the audit entry at the end names them). */
  actor: AuditActor;
}

/** Files listed per page when the last run looks for the account's own uploads. */
const FILE_PAGE = 200;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Legal holds win over a request to erase: refused before the account is touched. */
export async function checkErasable(store: Store, userId: string): Promise<void> {
  const holds = await store.listRetentionHolds();
  if (holds.some((h) => h.kind === 'user' && h.targetId === userId)) {
    throw new AppError('invalid_operation', 'This account is on legal hold: its messages cannot be erased now.');
  }
}

/** Inside the transaction that deletes the account: the job starts once it commits. */
export async function enqueueAccountErasure(tx: Store, payload: AccountErasePayload, id: string, now: number) {
  await tx.enqueueJob({ id, kind: ACCOUNT_ERASE_JOB, payload, dueAt: now, createdAt: now });
}

export class AccountErasureHandler implements JobHandler {
  readonly kind = ACCOUNT_ERASE_JOB;
  /** What this node erased (tests and logs). */
  readonly stats = { batches: 0, messages: 0, accounts: 0 };

  constructor(
    private readonly deps: ServiceDeps,
    private readonly files: FileService,
    private readonly options: PurgeOptions,
  ) {}

  async run(job: JobRecord): Promise<JobOutcome> {
    const { userId, actor } = job.payload as AccountErasePayload;
    const { store } = this.deps;
    const holds = await store.listRetentionHolds();
    if (holds.some((h) => h.kind === 'user' && h.targetId === userId)) {
      // Held after the request: the hold wins; an admin asks again once it is lifted.
      await store.transaction((tx) =>
        recordAudit(tx, actor, this.deps.clock.now(), 'user.content_kept', userId, { reason: 'legal hold' }),
      );
      return { done: true };
    }
    const heldConversationIds = holds.filter((h) => h.kind === 'conversation').map((h) => h.targetId);
    for (let n = 0; n < this.options.batchesPerRun; n += 1) {
      const batch = await store.findMessagesSentBy({
        senderId: userId,
        heldConversationIds,
        limit: this.options.batchRows,
      });
      if (batch.length === 0) return this.finish(userId, actor, job.attempts);
      const counts = await eraseMessages(this.deps, this.files, batch);
      this.stats.batches += 1;
      this.stats.messages += counts.messages;
      await yieldToEventLoop();
    }
    return { continueAt: this.deps.clock.now() };
  }

  /** The last run: reactions, the files nobody else's message carries, free space, audit. */
  private async finish(userId: string, actor: AuditActor, attempts: number): Promise<JobOutcome> {
    const { store } = this.deps;
    const reactions = await store.transaction((tx) => tx.deleteReactionsBy(userId));
    // Uploads no message carries (never sent, or their messages went in the batches, with their files).
    let files = 0;
    let after: string | undefined;
    // Bounded: each page moves `after` forward through the account's own files.
    for (;;) {
      const page = await store.listFileIdsOwnedBy(userId, after, FILE_PAGE);
      files += await this.files.deleteOrphans(page);
      after = page.at(-1);
      if (after === undefined || page.length < FILE_PAGE) break;
      await yieldToEventLoop();
    }
    const { walCheckpointed } = await store.reclaimSpace();
    await store.transaction((tx) =>
      recordAudit(tx, actor, this.deps.clock.now(), 'user.content_erased', userId, {
        reactions,
        unsentFiles: files,
        walCheckpointed,
      }),
    );
    this.stats.accounts += 1;
    this.deps.logger.info({ userId, attempts, files, reactions }, 'deleted account content erased');
    return { done: true };
  }
}
