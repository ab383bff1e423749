/**
 * Groups and channels across the server: search by title, see the members, archive,
 * unarchive, delete (after a confirmation), hand ownership to a member.
 */
import { useId, useState } from 'react';
import type { Conversation } from '@parley/protocol';
import type { AdminTabProps } from './admin-console';
import { errorText } from './admin-format';
import { useAdminLoad } from './use-admin-load';

export function ConversationsTab({ api }: AdminTabProps) {
  const id = useId();
  const [query, setQuery] = useState('');
  const [note, setNote] = useState<string | undefined>();
  const [open, setOpen] = useState<string | null>(null);
  const { data, error, reload } = useAdminLoad(
    () => api.adminConversations({ limit: 50, ...(query.trim() === '' ? {} : { q: query.trim() }) }),
    [api, query],
  );
  const act = async (what: () => Promise<string>) => {
    try {
      setNote(await what());
    } catch (e) {
      setNote(errorText(e));
    }
    reload();
  };
  const title = (c: Conversation) => c.title ?? c.id;
  return (
    <div>
      <h3>Conversations and channels</h3>
      <label htmlFor={`${id}-q`}>Search by title</label>
      <input id={`${id}-q`} type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
      <p role="status" className="admin-note">
        {note ?? error ?? ''}
      </p>
      <table className="admin-table">
        <caption className="visually-hidden">Groups and channels</caption>
        <thead>
          <tr>
            <th scope="col">Title</th>
            <th scope="col">Kind</th>
            <th scope="col">Members</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {(data?.conversations ?? []).map((c) => (
            <tr key={c.id}>
              <td>
                {title(c)}
                {c.archivedAt !== null && <span className="admin-muted"> (archived)</span>}
              </td>
              <td>{c.kind}</td>
              <td>{c.memberCount}</td>
              <td className="admin-actions">
                <button
                  type="button"
                  className="btn btn-small"
                  aria-expanded={open === c.id}
                  aria-label={`Members of ${title(c)}`}
                  onClick={() => setOpen(open === c.id ? null : c.id)}
                >
                  Members
                </button>
                <button
                  type="button"
                  className="btn btn-small"
                  aria-label={`${c.archivedAt === null ? 'Archive' : 'Unarchive'} ${title(c)}`}
                  onClick={() =>
                    void act(async () => {
                      if (c.archivedAt === null) await api.adminArchiveConversation(c.id);
                      else await api.adminUnarchiveConversation(c.id);
                      return `${title(c)} is ${c.archivedAt === null ? 'archived' : 'writable again'}.`;
                    })
                  }
                >
                  {c.archivedAt === null ? 'Archive' : 'Unarchive'}
                </button>
                <button
                  type="button"
                  className="btn btn-small btn-danger"
                  aria-label={`Delete ${title(c)}`}
                  onClick={() =>
                    void act(async () => {
                      if (!window.confirm(`Delete ${title(c)} with its messages and files for everyone?`))
                        return 'Nothing deleted.';
                      await api.adminDeleteConversation(c.id);
                      return `${title(c)} is deleted; its messages and files are being erased.`;
                    })
                  }
                >
                  Delete
                </button>
                {open === c.id && <Members api={api} conversationId={c.id} onChanged={setNote} />}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Members({
  api,
  conversationId,
  onChanged,
}: AdminTabProps & { conversationId: string; onChanged: (text: string) => void }) {
  const { data, error, reload } = useAdminLoad(
    () => api.adminConversationMembers(conversationId, { limit: 100 }),
    [api, conversationId],
  );
  return (
    <ul className="admin-members" aria-label="Members">
      {error !== undefined && <li role="alert">{error}</li>}
      {(data?.members ?? []).map((m) => (
        <li key={m.userId}>
          {m.userId} ({m.role})
          {m.role !== 'owner' && (
            <button
              type="button"
              className="btn btn-small"
              onClick={() => {
                api.adminTransferOwnership(conversationId, m.userId).then(
                  () => {
                    onChanged('Ownership handed over.');
                    reload();
                  },
                  (e: unknown) => onChanged(errorText(e)),
                );
              }}
            >
              Make owner
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
