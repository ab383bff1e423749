/**
 * What replaces the composer in an archived group or channel (ADR 0020): it is
 * read-only for everyone; its owner may unarchive it from here.
 */
import { can } from '../lib/permissions';
import { useAppState, useController } from '../state/context';

export function ArchivedBanner({ id }: { id: string }) {
  const controller = useController();
  const c = useAppState((s) => s.conversations[id]);
  if (c === undefined) return null;
  const conv = c.conversation;
  const seat = { kind: conv.kind, postPolicy: conv.postPolicy, role: c.role, archived: true };
  const what = conv.kind === 'channel' ? 'channel' : 'group';
  return (
    <div className="composer-blocked archived-banner" role="status" data-testid="archived-banner">
      <strong>This {what} is archived</strong>
      <span>Nobody can post, react or join; its history can still be read and searched.</span>
      {can('unarchive', seat) && (
        <button type="button" className="btn" onClick={() => void controller.unarchive(id)}>
          Unarchive
        </button>
      )}
    </div>
  );
}
