/**
 * Open reports of the conversation (moderators): the reported message, who
 * reported it and why; jump to it, delete it, or mark the report resolved.
 */
import type { Report } from '@parley/protocol';
import { useCallback, useEffect, useState } from 'react';
import { userName } from '../lib/names';
import { useAppState, useController } from '../state/context';
import { MessageCard } from './message-card';
import { UserText } from './user-text';

export function ReportsPanel({ conversationId }: { conversationId: string }) {
  const controller = useController();
  const users = useAppState((s) => s.users);
  const open = useAppState((s) => s.openReports[conversationId] ?? 0);
  const [reports, setReports] = useState<Report[] | undefined>();
  const load = useCallback(
    async () => setReports(await controller.reports(conversationId)),
    [controller, conversationId],
  );
  useEffect(() => {
    void load();
  }, [load, open]);
  if (reports === undefined) return <p className="panel-note">Loading…</p>;
  if (reports.length === 0) return <p className="panel-note">No open reports.</p>;
  return (
    <ul className="panel-list" aria-label="Reports">
      {reports.map((r) => (
        <li key={r.id} className="report" data-testid="report">
          <p className="report-reason">
            <strong>
              <UserText text={userName(users, r.reporterId)} />
            </strong>{' '}
            reported: <UserText text={r.reason} />
          </p>
          {r.message !== null && <MessageCard message={r.message} />}
          <div className="report-actions">
            {r.message !== null && (r.message.content.type === 'text' || r.message.content.type === 'file') && (
              <button
                type="button"
                className="btn btn-small btn-danger"
                onClick={() => void controller.deleteMessage(r.messageId).then(() => load())}
              >
                Delete message
              </button>
            )}
            <button
              type="button"
              className="btn btn-small"
              onClick={() => void controller.resolveReport(conversationId, r.id).then(() => load())}
            >
              Resolve
            </button>
          </div>
        </li>
      ))}
    </ul>
  );
}
