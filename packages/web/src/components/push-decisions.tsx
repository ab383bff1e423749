/**
 * "Why was I (not) notified?": the latest push decisions about the user's devices
 * (`client.push.decisions`, the newest 50 kept by the server), each with the
 * conversation, when, and whether a push went out and what became of it, or what held
 * it back; and the "Send test notification" button.
 */
import type { PushDecision } from '@parley/protocol';
import { useCallback, useEffect, useId, useState } from 'react';
import { errorText } from '../lib/error-text';
import { conversationTitle } from '../lib/names';
import { useAppState, useController } from '../state/context';

const REASONS: Record<PushDecision['reason'], string> = {
  notify: 'Notified',
  test: 'Test notification',
  muted: 'Not notified: the conversation is muted',
  mentions_only: 'Not notified: mentions only, and the message did not mention you',
  do_not_disturb: 'Not notified: do not disturb was on',
  quiet_hours: 'Not notified: quiet hours',
  active_device: 'Not notified: a device of yours was showing the conversation',
};

const DELIVERY: Record<NonNullable<PushDecision['delivery']>, string> = {
  pending: 'sending…',
  delivered: 'delivered to the push service',
  gone: 'the device’s subscription had expired (removed)',
  failed: 'the push service refused it',
};

export function PushDecisions() {
  const controller = useController();
  const id = useId();
  const conversations = useAppState((s) => s.conversations);
  const users = useAppState((s) => s.users);
  const me = useAppState((s) => s.me.id);
  const [decisions, setDecisions] = useState<PushDecision[] | undefined>();
  const [status, setStatus] = useState<string | undefined>();

  const refresh = useCallback(() => {
    controller.client.push.decisions().then(setDecisions, (error: unknown) => setStatus(errorText(error)));
  }, [controller]);
  useEffect(refresh, [refresh]);

  const test = async () => {
    setStatus(undefined);
    try {
      const queued = await controller.client.push.sendTest();
      setStatus(
        queued === 0
          ? 'None of your devices has notifications on: switch them on above first.'
          : `A test notification is on its way to ${queued === 1 ? 'your device' : `your ${queued} devices`}.`,
      );
      refresh();
    } catch (error) {
      setStatus(`Could not send a test notification: ${errorText(error)}`);
    }
  };

  const where = (decision: PushDecision) => {
    if (decision.conversationId === null) return '';
    const conversation = conversations[decision.conversationId];
    return conversation ? conversationTitle(conversation.conversation, users, me) : 'A conversation';
  };

  return (
    <div className="push-decisions" aria-labelledby={`${id}-title`} role="group">
      <p>
        <button type="button" className="btn" onClick={() => void test()}>
          Send test notification
        </button>{' '}
        <button type="button" className="btn btn-small" onClick={refresh}>
          Refresh
        </button>
      </p>
      {status !== undefined && (
        <p className="muted" role="status">
          {status}
        </p>
      )}
      <h4 id={`${id}-title`}>Why was I (not) notified?</h4>
      {decisions !== undefined && decisions.length === 0 && <p className="muted">No decisions yet.</p>}
      {decisions !== undefined && decisions.length > 0 && (
        <ul className="push-decision-list" aria-label="Recent notification decisions">
          {decisions.map((d) => (
            <li key={d.id}>
              <time dateTime={new Date(d.at).toISOString()}>{new Date(d.at).toLocaleString()}</time>{' '}
              <strong>{where(d)}</strong> {REASONS[d.reason]}
              {d.delivery !== null && ` (${DELIVERY[d.delivery]})`}
              <span className="muted"> · device {d.subscriptionId.slice(-6)}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
