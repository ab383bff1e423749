/**
 * The audit log: search by action and user, newest first; "Export" downloads every
 * matching entry as JSON lines (paged through the API, at most EXPORT_MAX entries).
 */
import { useId, useState } from 'react';
import type { AuditEntry, AuditQuery } from '@parley/protocol';
import type { AdminTabProps } from './admin-console';
import { errorText, when } from './admin-format';
import { useAdminLoad } from './use-admin-load';

const EXPORT_MAX = 100_000;
const PAGE = 500;

export function AuditTab({ api }: AdminTabProps) {
  const id = useId();
  const [action, setAction] = useState('');
  const [user, setUser] = useState('');
  const [note, setNote] = useState<string | undefined>();
  const filter = (): AuditQuery => ({
    ...(action.trim() === '' ? {} : { action: action.trim() }),
    ...(user.trim() === '' ? {} : { user: user.trim() }),
  });
  const { data, error } = useAdminLoad(() => api.adminAudit({ ...filter(), limit: 100 }), [api, action, user]);
  const exportLines = async () => {
    try {
      const entries: AuditEntry[] = [];
      let before: number | undefined;
      // Bounded: at most EXPORT_MAX / PAGE pages.
      for (let page = 0; page < EXPORT_MAX / PAGE; page++) {
        const got = await api.adminAudit({ ...filter(), limit: PAGE, ...(before === undefined ? {} : { before }) });
        entries.push(...got.entries);
        if (got.nextCursor === null) break;
        before = got.nextCursor;
      }
      const text = entries.map((e) => JSON.stringify(e)).join('\n') + (entries.length > 0 ? '\n' : '');
      const url = URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = 'parley-audit.jsonl';
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setNote(`Exported ${entries.length} entries.`);
    } catch (e) {
      setNote(errorText(e));
    }
  };
  return (
    <div>
      <h3>Audit log</h3>
      <div className="admin-inline-form">
        <label htmlFor={`${id}-a`}>Action</label>
        <input
          id={`${id}-a`}
          value={action}
          placeholder="user.deactivated"
          onChange={(e) => setAction(e.target.value)}
        />
        <label htmlFor={`${id}-u`}>User</label>
        <input id={`${id}-u`} value={user} placeholder="username or id" onChange={(e) => setUser(e.target.value)} />
        <button type="button" className="btn btn-small" onClick={() => void exportLines()}>
          Export JSON lines
        </button>
      </div>
      <p role="status" className="admin-note">
        {note ?? error ?? ''}
      </p>
      <table className="admin-table">
        <caption className="visually-hidden">Audit entries</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
          </tr>
        </thead>
        <tbody>
          {(data?.entries ?? []).map((e) => (
            <tr key={e.seq}>
              <td>{when(e.at)}</td>
              <td>{e.actorName ?? 'anonymous'}</td>
              <td>{e.action}</td>
              <td>{e.target ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
