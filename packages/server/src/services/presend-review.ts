/**
 * Runs a new message past the pre-send hooks (ADR 0030) before it is stored: each
 * enabled hook whose filters match gets a signed POST (Standard Webhooks headers)
 * through the outbound port (SSRF-safe, keep-alive), in creation order, each seeing
 * the text as the hooks before it left it. A hook answers `allow`, `change` (the text
 * to store instead, checked by the text rules) or `reject` (its reason reaches the
 * sender as `message_rejected`). A hook that does not answer by its deadline, fails or
 * answers nonsense counts as a failure and its policy decides: `open` goes on with the
 * text as it was, `closed` refuses the message (`presend_unavailable`). Each hook has
 * a circuit breaker on this node: while it is open the policy decides at once, without
 * a request. Runs outside any store transaction and writes nothing.
 */
import { Webhook } from 'standardwebhooks';
import { randomBytes } from 'node:crypto';
import {
  PRESEND_REASON_MAX_CHARS,
  PresendHookAnswer,
  checkValue,
  type PresendContentType,
  type PresendHookRequest,
} from '@parley/protocol';
import { CircuitBreaker } from '../domain/circuit-breaker';
import { AppError } from '../domain/errors';
import { OutboundError, type OutboundHttp } from '../ports/outbound-http';
import type { PresendHookRecord } from '../ports/presend-hook-records';
import type { ServiceDeps } from './deps';

/** How one hook's turn ended (the outcomes counter's label). */
export type PresendOutcome = 'allow' | 'change' | 'reject' | 'timeout' | 'error' | 'breaker_open';

export interface PresendOptions {
  /** The deadline of a hook created without one (PARLEY_PRESEND_DEADLINE_MS). */
  defaultDeadlineMs: number;
  /** Consecutive failures that open a hook's breaker (PARLEY_PRESEND_BREAKER_FAILURES). */
  breakerFailures: number;
  /** How long it stays open (PARLEY_PRESEND_BREAKER_OPEN_MS). */
  breakerOpenMs: number;
  /** Told of every hook's turn (metrics): its outcome and how long the request took (0 without one). */
  observe?: (hookId: string, outcome: PresendOutcome, seconds: number) => void;
}

export const defaultPresendOptions: PresendOptions = {
  defaultDeadlineMs: 1500,
  breakerFailures: 5,
  breakerOpenMs: 30_000,
};

/** How long this node trusts its copy of the hook list (changes made on this node apply at once). */
export const HOOK_LIST_TTL_MS = 1000;

/** The message as a hook sees it (PresendHookRequest's `data`, less the hook id). */
export interface PresendSubject {
  conversationId: string;
  sender: { id: string; username: string; bot: boolean };
  clientId: string;
  contentType: PresendContentType;
  /** The text, or the file's caption. */
  text: string;
  fileName?: string;
  threadId?: string;
  replyTo?: string;
  forwarded: boolean;
}

/** The text to store instead, when a hook changed it. */
export interface PresendVerdict {
  text?: string;
}

class HookFailure extends Error {
  constructor(
    readonly outcome: 'timeout' | 'error',
    message: string,
  ) {
    super(message);
  }
}

function matches(hook: PresendHookRecord, subject: PresendSubject): boolean {
  return (
    hook.enabled &&
    hook.contentTypes.includes(subject.contentType) &&
    (hook.conversationIds === null || hook.conversationIds.includes(subject.conversationId))
  );
}

/** A reason as the sender sees it: one line of bounded length, no control characters. */
function cleanReason(raw: string): string {
  // eslint-disable-next-line no-control-regex
  const line = raw.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  const cut = Array.from(line).slice(0, PRESEND_REASON_MAX_CHARS).join('');
  return cut === '' ? 'No reason given.' : cut;
}

export class PresendReview {
  private cache: { at: number; hooks: PresendHookRecord[] } | undefined;
  private readonly breakers = new Map<string, CircuitBreaker>();

  constructor(
    private readonly deps: ServiceDeps,
    private readonly outbound: OutboundHttp,
    readonly options: PresendOptions,
  ) {}

  /** Forgets the cached hook list (after a change on this node) and the breakers of removed hooks. */
  invalidate(removedId?: string): void {
    this.cache = undefined;
    if (removedId !== undefined) this.breakers.delete(removedId);
  }

  private async hooks(): Promise<PresendHookRecord[]> {
    const now = this.deps.clock.now();
    if (this.cache && now - this.cache.at < HOOK_LIST_TTL_MS) return this.cache.hooks;
    const hooks = await this.deps.store.listPresendHooks();
    this.cache = { at: now, hooks };
    return hooks;
  }

  private breaker(hookId: string): CircuitBreaker {
    let breaker = this.breakers.get(hookId);
    if (!breaker) {
      breaker = new CircuitBreaker({ failures: this.options.breakerFailures, openMs: this.options.breakerOpenMs });
      this.breakers.set(hookId, breaker);
    }
    return breaker;
  }

  /** The state of a hook's breaker on this node (for the admin listing and tests). */
  breakerState(hookId: string): 'closed' | 'open' | 'half_open' {
    return this.breakers.get(hookId)?.state(this.deps.clock.now()) ?? 'closed';
  }

  /**
   * Runs the matching hooks in order. `check` applies the text rules to a changed text
   * (throwing AppError when it breaks them: the hook's answer then counts as an error).
   * @throws AppError('message_rejected' | 'presend_unavailable')
   */
  async review(subject: PresendSubject, check: (text: string) => string): Promise<PresendVerdict> {
    const all = await this.hooks();
    if (all.length === 0) return {};
    let text = subject.text;
    let changed = false;
    for (const hook of all) {
      if (!matches(hook, subject)) continue;
      const answer = await this.ask(hook, { ...subject, text }, check);
      if (answer === undefined) continue; // failed, policy open: the text as it was
      if (answer.action === 'reject') {
        const reason = cleanReason(answer.reason);
        throw new AppError('message_rejected', `The message was rejected: ${reason}`, { details: { reason } });
      }
      if (answer.action === 'change') {
        text = answer.text;
        changed = true;
      }
    }
    return changed ? { text } : {};
  }

  /** One hook's answer (a change already checked); undefined when it failed under policy `open`. */
  private async ask(
    hook: PresendHookRecord,
    subject: PresendSubject,
    check: (text: string) => string,
  ): Promise<PresendHookAnswer | undefined> {
    const { clock, logger } = this.deps;
    const breaker = this.breaker(hook.id);
    if (!breaker.acquire(clock.now())) {
      this.options.observe?.(hook.id, 'breaker_open', 0);
      return this.failed(hook, 'breaker_open');
    }
    const started = performance.now();
    let outcome: PresendOutcome;
    let answer: PresendHookAnswer;
    try {
      answer = await this.call(hook, subject);
      if (answer.action === 'change') {
        try {
          answer = { action: 'change', text: check(answer.text) };
        } catch (error) {
          throw new HookFailure('error', `its changed text breaks the text rules (${String(error)})`);
        }
      }
      breaker.succeeded();
      outcome = answer.action;
    } catch (error) {
      if (!(error instanceof HookFailure)) throw error;
      breaker.failed(clock.now());
      this.options.observe?.(hook.id, error.outcome, (performance.now() - started) / 1000);
      logger.warn({ hookId: hook.id, outcome: error.outcome, reason: error.message }, 'pre-send hook failed');
      return this.failed(hook, error.outcome);
    }
    this.options.observe?.(hook.id, outcome, (performance.now() - started) / 1000);
    return answer;
  }

  private failed(hook: PresendHookRecord, outcome: PresendOutcome): undefined {
    if (hook.policy === 'open') return undefined;
    const why = outcome === 'breaker_open' ? 'is paused after repeated failures' : 'did not answer';
    throw new AppError(
      'presend_unavailable',
      `The message could not be checked (a pre-send hook ${why}): try again later.`,
      { details: { outcome } },
    );
  }

  /** The signed request and its answer. @throws HookFailure */
  private async call(hook: PresendHookRecord, subject: PresendSubject): Promise<PresendHookAnswer> {
    const now = this.deps.clock.now();
    const body: PresendHookRequest = {
      type: 'message.presend',
      timestamp: new Date(now).toISOString(),
      data: { hookId: hook.id, ...subject },
    };
    const payload = JSON.stringify(body);
    // A fresh id per request: a retried client id is a new question, whose answer may differ.
    const id = `msg_${randomBytes(16).toString('base64url')}`;
    let status: number;
    let text: string;
    try {
      const response = await this.outbound.send({
        url: hook.url,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(Math.floor(now / 1000)),
          'webhook-signature': new Webhook(hook.secret).sign(id, new Date(now), payload),
        },
        body: payload,
        timeoutMs: hook.deadlineMs,
        // Room for a changed text at the size limit, escaped, with its JSON around it.
        maxResponseBytes: this.deps.limits.maxMessageBytes * 6 + 4096,
      });
      status = response.status;
      text = response.body;
      if (response.truncated) throw new HookFailure('error', 'its answer is too large');
    } catch (error) {
      if (error instanceof HookFailure) throw error;
      if (!(error instanceof OutboundError)) throw error;
      throw new HookFailure(error.reason === 'timeout' ? 'timeout' : 'error', error.message);
    }
    if (status < 200 || status >= 300) throw new HookFailure('error', `it answered HTTP ${status}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new HookFailure('error', 'its answer is not JSON');
    }
    const checked = checkValue(PresendHookAnswer, parsed);
    if (!checked.ok) throw new HookFailure('error', 'its answer is not allow, change or reject');
    return checked.value;
  }
}
