/** The reports of every conversation in one queue: resolve (acted on) or dismiss (nothing wrong). */
import { useState } from 'react';
import type { AdminTabProps } from './admin-console';
import { errorText, when } from './admin-format';
import { useAdminLoad } from './use-admin-load';

export function ReportsTab({ api }: AdminTabProps) {
  const [note, setNote] = useState<string | undefined>();
  const { data, error, reload } = useAdminLoad(() => api.adminReports({ limit: 100 }), [api]);
  const close = (reportId: string, outcome: 'resolved' | 'dismissed') => {
    api.adminResolveReport(reportId, outcome).then(
      () => {
        setNote(outcome === 'resolved' ? 'Report resolved.' : 'Report dismissed.');
        reload();
      },
      (e: unknown) => setNote(errorText(e)),
    );
  };
  const reports = data?.reports ?? [];
  return (
    <div>
      <h3>Open reports</h3>
      <p role="status" className="admin-note">
        {note ?? error ?? (data !== undefined && reports.length === 0 ? 'No open reports.' : '')}
      </p>
      <ul className="admin-reports">
        {reports.map(({ report, conversation }) => {
          const text = report.message?.content.type === 'text' ? report.message.content.text : '(no text)';
          return (
            <li key={report.id} className="admin-report">
              <p>
                <strong>{conversation.title ?? conversation.id}</strong> · {when(report.createdAt)}
              </p>
              <blockquote>{text}</blockquote>
              <p>Reason: {report.reason}</p>
              <button type="button" className="btn btn-small btn-primary" onClick={() => close(report.id, 'resolved')}>
                Resolve
              </button>
              <button type="button" className="btn btn-small" onClick={() => close(report.id, 'dismissed')}>
                Dismiss
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
