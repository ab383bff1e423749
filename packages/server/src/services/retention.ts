/**
 * Retention that really deletes (issue 19, docs/adr/0019): the server's policy (a stored
 * setting over PARLEY_RETENTION_DAYS), conversations' own periods, legal holds, and the job
 * that deletes what expired in small batches.
 *
 * Rule for a conversation's own period (documented in docs/operations.md): owners and
 * admins of a group or channel (`editSettings` in the permission matrix; direct chats have
 * none) may set a period shorter than the server's (any period, while the server keeps
 * forever); a longer one only when the server allows longer periods. If the server's policy
 * later becomes shorter than a conversation's longer period and longer ones are not allowed,
 * the server's applies.
 *
 * A batch is one transaction (services/message-erasure.ts): `purgeMessages` (store/queries/purge.ts) and, per
 * conversation touched, one `expired` update entry listing the deleted ids, appended to the
 * conversation's sequence and published like any entry, so that devices drop them live or
 * when they sync (P5). Between batches the run yields to the event loop (ADR 0010: SQLite
 * runs on its thread) and renews its lease, so only one node deletes at a time. Files no
 * message carries any more lose their record and bytes after the batch commits.
 */
import type {
  RetentionDays,
  RetentionHold,
  RetentionPolicy,
  RetentionRunReport,
  RetentionStatusResponse,
  UpdateRetentionPolicyBody,
} from '@parley/protocol';
import { AppError } from '../domain/errors';
import { newId } from '../domain/ids';
import type { ExpiredMessage, RetentionHoldRecord } from '../ports/retention-records';
import type { AuthContext } from './accounts';
import { normalizeUsername } from './accounts';
import { recordAudit, type AuditActor } from './audit';
import type { ConversationService } from './conversations';
import type { ServiceDeps } from './deps';
import type { FileService } from './files';
import { eraseMessages } from './message-erasure';
import { PUSH_JOB } from './push';

/** Job kinds whose payload carries message content: a push's text (the others carry ids). */
const CONTENT_JOB_KINDS = [PUSH_JOB];

export const DAY_MS = 86_400_000;
const LEASE = 'retention';
/** The scheduled job in the audit log (an admin's run names the admin). */
export const RETENTION_ACTOR: AuditActor = { id: null, name: 'retention', address: null };

export interface RetentionOptions {
  /** PARLEY_RETENTION_DAYS (0: keep forever): the policy until an admin sets one. */
  defaultDays: number;
  /** PARLEY_RETENTION_ALLOW_LONGER: the default of `allowLongerInConversations`. */
  allowLongerDefault: boolean;
  /** Messages deleted per batch (one transaction). */
  batchSize: number;
  /** How long a batch may hold the lease; renewed before every batch. */
  leaseMs: number;
  /** This node's name on the lease (each run adds its own id). */
  holder: string;
}

export interface RunControl {
  /** Checked before each batch: a stopping server ends the run early. */
  shouldStop?: () => boolean;
  /** Called after each batch (tests count batches; the default yields to the event loop). */
  afterBatch?: () => Promise<void>;
}

/** The period that applies to a conversation (null: keep forever). */
export function effectiveDays(policy: RetentionPolicy, own: number | null): number | null {
  if (own === null) return policy.days;
  if (policy.days === null || own <= policy.days) return own;
  return policy.allowLongerInConversations ? own : policy.days;
}

function toHold(record: RetentionHoldRecord): RetentionHold {
  return { ...record };
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class RetentionService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly conversations: ConversationService,
    private readonly files: FileService,
    private readonly options: RetentionOptions,
  ) {}

  /** The server's policy as stored (configuration defaults for what was never set). */
  async policy(): Promise<RetentionPolicy> {
    const stored = await this.deps.store.getServerSettings();
    const days = stored.get('retentionDays');
    const longer = stored.get('retentionAllowLonger');
    // null stored: an admin chose forever; nothing stored: the configuration's default.
    const fallback = this.options.defaultDays > 0 ? this.options.defaultDays : null;
    return {
      days: days === null ? null : typeof days === 'number' && days > 0 ? days : fallback,
      allowLongerInConversations: typeof longer === 'boolean' ? longer : this.options.allowLongerDefault,
    };
  }

  async status(): Promise<RetentionStatusResponse> {
    const [policy, holds, conversations] = await Promise.all([
      this.policy(),
      this.deps.store.listRetentionHolds(),
      this.deps.store.listConversationRetention(),
    ]);
    return { policy, holds: holds.map(toHold), conversations };
  }

  /** Admins only (AdminOperations hands this out); audited. */
  async setPolicy(actor: AuditActor, patch: UpdateRetentionPolicyBody): Promise<RetentionPolicy> {
    const before = await this.policy();
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (tx) => {
      if (patch.days !== undefined) await tx.setServerSetting('retentionDays', patch.days, now);
      if (patch.allowLongerInConversations !== undefined)
        await tx.setServerSetting('retentionAllowLonger', patch.allowLongerInConversations, now);
      await recordAudit(tx, actor, now, 'retention.policy_changed', null, {
        from: before,
        to: { ...before, ...patch },
      });
    });
    return this.policy();
  }

  /** A legal hold on a user (by id or username) or a conversation; audited. */
  async addHold(
    actor: AuditActor,
    input: { kind: 'user' | 'conversation'; targetId: string; reason: string },
  ): Promise<RetentionHold> {
    const { store } = this.deps;
    let targetId = input.targetId;
    if (input.kind === 'user') {
      const user = (await store.getUser(targetId)) ?? (await store.getUserByUsername(normalizeUsername(targetId)));
      if (!user) throw new AppError('not_found', `No user ${targetId}.`);
      targetId = user.id;
    } else if ((await store.getConversationRetention(targetId)) === undefined) {
      throw new AppError('not_found', 'No such conversation.');
    }
    const now = this.deps.clock.now();
    const hold: RetentionHoldRecord = {
      id: newId('lh', now),
      kind: input.kind,
      targetId,
      reason: input.reason,
      createdBy: actor.id ?? actor.name,
      createdAt: now,
    };
    await store.transaction(async (tx) => {
      if (!(await tx.addRetentionHold(hold))) {
        throw new AppError('invalid_operation', `This ${input.kind} is already on legal hold.`);
      }
      await recordAudit(tx, actor, now, 'retention.hold_added', targetId, { kind: hold.kind, reason: hold.reason });
    });
    return toHold(hold);
  }

  async removeHold(actor: AuditActor, holdId: string): Promise<RetentionHold> {
    const now = this.deps.clock.now();
    return this.deps.store.transaction(async (tx) => {
      const removed = await tx.removeRetentionHold(holdId);
      if (!removed) throw new AppError('not_found', 'No such legal hold.');
      await recordAudit(tx, actor, now, 'retention.hold_removed', removed.targetId, {
        kind: removed.kind,
        reason: removed.reason,
      });
      return toHold(removed);
    });
  }

  /** Any member may read a conversation's period. */
  async conversationRetention(
    auth: AuthContext,
    conversationId: string,
  ): Promise<{ days: RetentionDays; effectiveDays: RetentionDays }> {
    await this.conversations.authorize(auth, conversationId, 'read');
    const own = (await this.deps.store.getConversationRetention(conversationId)) ?? null;
    return { days: own, effectiveDays: effectiveDays(await this.policy(), own) };
  }

  /**
   * Owners and admins of a group or channel (`editSettings`); a period longer than the
   * server's only where the server allows it. Audited (it decides what gets deleted).
   */
  async setConversationRetention(
    auth: AuthContext,
    conversationId: string,
    days: number | null,
  ): Promise<{ days: RetentionDays; effectiveDays: RetentionDays }> {
    await this.conversations.authorize(auth, conversationId, 'editSettings');
    const policy = await this.policy();
    if (days !== null && policy.days !== null && days > policy.days && !policy.allowLongerInConversations) {
      throw new AppError('invalid_operation', `This server keeps messages at most ${policy.days} days.`, {
        details: { maxDays: policy.days },
      });
    }
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (tx) => {
      await tx.setConversationRetention(conversationId, days);
      await recordAudit(
        tx,
        { id: auth.user.id, name: auth.user.username, address: null },
        now,
        'retention.conversation_changed',
        conversationId,
        { days },
      );
    });
    return { days, effectiveDays: effectiveDays(policy, days) };
  }

  /**
   * One run: every expired message not on hold, in batches, then the copies kept for
   * delivery, then the database's free space; one audit entry with the counts. Returns
   * `ran: false` when another node holds the lease.
   */
  async run(actor: AuditActor, control: RunControl = {}): Promise<RetentionRunReport> {
    const { store, clock } = this.deps;
    const { leaseMs, batchSize } = this.options;
    // Per run, not per node: an admin's run on the node whose schedule is running must wait too.
    const holder = `${this.options.holder}/${newId('j', clock.now())}`;
    const report: RetentionRunReport = {
      ran: false,
      batches: 0,
      messages: 0,
      edits: 0,
      reactions: 0,
      files: 0,
      conversations: 0,
      copies: 0,
      walCheckpointed: false,
    };
    if (!(await store.acquireLease(LEASE, holder, clock.now() + leaseMs, clock.now()))) return report;
    report.ran = true;
    const touched = new Set<string>();
    try {
      const now = clock.now();
      const policy = await this.policy();
      const holds = await store.listRetentionHolds();
      const heldUserIds = holds.filter((h) => h.kind === 'user').map((h) => h.targetId);
      const heldConversationIds = holds.filter((h) => h.kind === 'conversation').map((h) => h.targetId);
      const targets: { cutoff: number; days: number; conversationId?: string }[] = [];
      if (policy.days !== null) targets.push({ cutoff: now - policy.days * DAY_MS, days: policy.days });
      for (const own of await store.listConversationRetention()) {
        const days = effectiveDays(policy, own.days);
        if (days !== null) targets.push({ cutoff: now - days * DAY_MS, days, conversationId: own.conversationId });
      }
      const afterBatch = control.afterBatch ?? yieldToEventLoop;
      for (const target of targets) {
        for (;;) {
          if (control.shouldStop?.() === true) break;
          if (!(await store.acquireLease(LEASE, holder, clock.now() + leaseMs, clock.now()))) {
            this.deps.logger.warn({}, 'retention lease lost: another node goes on');
            break;
          }
          const batch = await store.findExpiredMessages({
            cutoff: target.cutoff,
            ...(target.conversationId === undefined ? {} : { conversationId: target.conversationId }),
            heldUserIds,
            heldConversationIds,
            limit: batchSize,
          });
          if (batch.length === 0) break;
          await this.deleteBatch(batch, report);
          for (const m of batch) touched.add(m.conversationId);
          await afterBatch();
        }
      }
      if (targets.length > 0) {
        // Copies of content kept for delivery: by age, the shortest period in force (held or not: ADR 0019).
        const shortest = Math.min(...targets.map((t) => t.days));
        report.copies = await store.pruneContentCopies(now - shortest * DAY_MS, CONTENT_JOB_KINDS);
      }
      report.conversations = touched.size;
      if (report.messages > 0 || report.copies > 0) {
        report.walCheckpointed = (await store.reclaimSpace()).walCheckpointed;
      }
      const { ran: _ran, ...details } = report;
      await store.transaction((tx) => recordAudit(tx, actor, clock.now(), 'retention.run', null, details));
      if (report.messages > 0) this.deps.logger.info(details, 'retention run');
      return report;
    } finally {
      await store.releaseLease(LEASE, holder);
    }
  }

  private async deleteBatch(batch: readonly ExpiredMessage[], report: RetentionRunReport): Promise<void> {
    const counts = await eraseMessages(this.deps, this.files, batch);
    report.batches += 1;
    report.messages += counts.messages;
    report.edits += counts.edits;
    report.reactions += counts.reactions;
    report.files += counts.files;
  }
}
