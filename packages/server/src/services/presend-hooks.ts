/**
 * Pre-send hooks as an administrator configures them (ADR 0030, docs/bots.md): add one
 * (its signing secret is in that answer only, and kept to sign, as a webhook's is),
 * list, change (filters, deadline, policy, enabled) and remove. Reached only through
 * AdminOperations (services/admin.ts), which decides who may; every change is audited
 * in the transaction of its write. Calling the hooks is services/presend-review.ts.
 */
import {
  MAX_PRESEND_HOOKS,
  type CreatePresendHookBody,
  type PresendContentType,
  type PresendHook,
  type UpdatePresendHookBody,
} from '@parley/protocol';
import { AppError } from '../domain/errors';
import { newId } from '../domain/ids';
import type { PresendHookPatch, PresendHookRecord } from '../ports/presend-hook-records';
import { recordAudit, type AuditActor } from './audit';
import type { ServiceDeps } from './deps';
import { checkTargetUrl, newSigningSecret, type HostChecker } from './outbound-targets';
import type { PresendReview } from './presend-review';

export function toPresendHook(record: PresendHookRecord): PresendHook {
  return {
    id: record.id,
    url: record.url,
    conversationIds: record.conversationIds,
    contentTypes: record.contentTypes as PresendContentType[],
    deadlineMs: record.deadlineMs,
    policy: record.policy,
    enabled: record.enabled,
    createdAt: record.createdAt,
  };
}

/** What an audit entry says of a hook (never its secret). */
function auditDetails(record: PresendHookRecord): Record<string, unknown> {
  return {
    url: record.url,
    conversationIds: record.conversationIds,
    contentTypes: record.contentTypes,
    deadlineMs: record.deadlineMs,
    policy: record.policy,
    enabled: record.enabled,
  };
}

export class PresendHookService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly outbound: HostChecker,
    private readonly review: PresendReview,
  ) {}

  async create(actor: AuditActor, input: CreatePresendHookBody): Promise<{ hook: PresendHook; secret: string }> {
    const url = await checkTargetUrl(input.url, this.outbound);
    const now = this.deps.clock.now();
    const secret = newSigningSecret();
    const record: PresendHookRecord = {
      id: newId('ph', now),
      url,
      secret,
      conversationIds: input.conversationIds ? [...input.conversationIds] : null,
      contentTypes: input.contentTypes ? [...input.contentTypes] : ['text', 'file'],
      deadlineMs: input.deadlineMs ?? this.review.options.defaultDeadlineMs,
      policy: input.policy ?? 'open',
      enabled: input.enabled ?? true,
      createdBy: actor.id,
      createdAt: now,
    };
    await this.deps.store.transaction(async (tx) => {
      if ((await tx.listPresendHooks()).length >= MAX_PRESEND_HOOKS) {
        throw new AppError('limit_reached', `A server has at most ${MAX_PRESEND_HOOKS} pre-send hooks.`, {
          details: { limit: 'presend_hooks', max: MAX_PRESEND_HOOKS },
        });
      }
      await tx.createPresendHook(record);
      await recordAudit(tx, actor, now, 'presend_hook.created', record.id, auditDetails(record));
    });
    this.review.invalidate();
    return { hook: toPresendHook(record), secret };
  }

  async list(): Promise<PresendHook[]> {
    return (await this.deps.store.listPresendHooks()).map(toPresendHook);
  }

  async update(actor: AuditActor, id: string, input: UpdatePresendHookBody): Promise<PresendHook> {
    const patch: PresendHookPatch = {};
    if (input.conversationIds !== undefined)
      patch.conversationIds = input.conversationIds && [...input.conversationIds];
    if (input.contentTypes !== undefined) patch.contentTypes = [...input.contentTypes];
    if (input.deadlineMs !== undefined) patch.deadlineMs = input.deadlineMs;
    if (input.policy !== undefined) patch.policy = input.policy;
    if (input.enabled !== undefined) patch.enabled = input.enabled;
    const now = this.deps.clock.now();
    const updated = await this.deps.store.transaction(async (tx) => {
      const record = await tx.updatePresendHook(id, patch);
      if (!record) throw new AppError('not_found', 'No such pre-send hook.');
      await recordAudit(tx, actor, now, 'presend_hook.updated', id, { ...auditDetails(record), changed: input });
      return record;
    });
    this.review.invalidate();
    return toPresendHook(updated);
  }

  async remove(actor: AuditActor, id: string): Promise<void> {
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (tx) => {
      const removed = await tx.deletePresendHook(id);
      if (!removed) throw new AppError('not_found', 'No such pre-send hook.');
      await recordAudit(tx, actor, now, 'presend_hook.removed', id, auditDetails(removed));
    });
    this.review.invalidate(id);
  }
}
