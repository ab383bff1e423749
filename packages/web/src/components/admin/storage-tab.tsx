/** What the server holds: accounts, conversations, files and their bytes, the largest owners. */
import type { AdminTabProps } from './admin-console';
import { bytes } from './admin-format';
import { useAdminLoad } from './use-admin-load';

export function StorageTab({ api }: AdminTabProps) {
  const { data, error } = useAdminLoad(() => api.adminStorage(), [api]);
  return (
    <div>
      <h3>Storage used</h3>
      {error !== undefined && <p role="alert">{error}</p>}
      {data !== undefined && (
        <>
          <dl className="admin-figures">
            <div className="admin-figure">
              <dt>Accounts</dt>
              <dd>{data.users}</dd>
            </div>
            <div className="admin-figure">
              <dt>Conversations</dt>
              <dd>{data.conversations}</dd>
            </div>
            <div className="admin-figure">
              <dt>Files</dt>
              <dd>
                {data.files} ({bytes(data.fileBytes)})
              </dd>
            </div>
          </dl>
          {data.topUsers.length > 0 && (
            <table className="admin-table">
              <caption>Largest file owners</caption>
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col">Files</th>
                  <th scope="col">Size</th>
                </tr>
              </thead>
              <tbody>
                {data.topUsers.map((u) => (
                  <tr key={u.userId}>
                    <td>{u.username}</td>
                    <td>{u.files}</td>
                    <td>{bytes(u.bytes)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </div>
  );
}
