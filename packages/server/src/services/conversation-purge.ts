/**
 * The `conversation.purge` job (docs/adr/0020): erases a deleted conversation a batch
 * at a time. Each batch is one short atomic write (store: purgeConversationStep); the
 * run yields to the event loop between batches and stops after a bounded number of
 * them (`continueAt`: the job runner runs it again at once, after other due jobs got
 * their turn), so neither the lock nor the event loop is held for long whatever the
 * conversation's size. Files that no message carries any more lose their record and
 * their blobs, and the conversation's picture goes last. Idempotent: a run after a crash resumes where the last commit left off.
 */
import type { JobHandler, JobOutcome, JobRecord } from '../ports/jobs';
import { PURGE_JOB, type PurgePayload } from './conversation-lifecycle';
import type { ServiceDeps } from './deps';
import type { FileService } from './files';

export interface PurgeOptions {
  /** Rows per batch (PARLEY_PURGE_BATCH_ROWS). */
  batchRows: number;
  /** Batches per run before other jobs get a turn (PARLEY_PURGE_BATCHES_PER_RUN). */
  batchesPerRun: number;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class ConversationPurgeHandler implements JobHandler {
  readonly kind = PURGE_JOB;
  /** Rows erased by this node (metrics and tests). */
  readonly stats = { batches: 0, rows: 0, conversations: 0, files: 0 };

  constructor(
    private readonly deps: ServiceDeps,
    private readonly files: FileService,
    private readonly options: PurgeOptions,
  ) {}

  async run(job: JobRecord): Promise<JobOutcome> {
    const { conversationId, avatarUrl } = job.payload as PurgePayload;
    for (let batch = 0; batch < this.options.batchesPerRun; batch += 1) {
      const step = await this.deps.store.purgeConversationStep(conversationId, this.options.batchRows);
      this.stats.batches += 1;
      this.stats.rows += step.removed;
      if (step.orphanFileIds.length > 0) this.stats.files += await this.files.deleteOrphans(step.orphanFileIds);
      if (step.done) {
        // Its picture is stored under its own id: nothing else can name it.
        if (avatarUrl) await this.files.dropOwnedAvatar(conversationId, new URL(avatarUrl).pathname);
        this.stats.conversations += 1;
        this.deps.logger.info({ conversationId, attempts: job.attempts }, 'deleted conversation erased');
        return { done: true };
      }
      // Sockets, requests and other writes run between two batches.
      await yieldToEventLoop();
    }
    return { continueAt: this.deps.clock.now() };
  }
}
