/**
 * The pinned messages of the open conversation, newest pin first; each jumps to
 * the message, and those who may pin can unpin from here.
 */
import { can } from '../lib/permissions';
import { useAppState, useController } from '../state/context';
import { usePins } from '../state/use-pins';
import { MessageCard } from './message-card';

export function PinsPanel({ conversationId }: { conversationId: string }) {
  const controller = useController();
  const mayPin = useAppState((s) => {
    const c = s.conversations[conversationId];
    return (
      c !== undefined && can('pin', { kind: c.conversation.kind, postPolicy: c.conversation.postPolicy, role: c.role })
    );
  });
  const pins = usePins(conversationId);
  if (pins === undefined) return <p className="panel-note">Loading…</p>;
  if (pins.length === 0) return <p className="panel-note">No pinned messages yet.</p>;
  return (
    <ul className="panel-list" aria-label="Pinned messages">
      {pins.map((m) => (
        <li key={m.id}>
          <MessageCard message={m}>
            {mayPin && (
              <button type="button" className="btn btn-small" onClick={() => void controller.pin(m)}>
                Unpin
              </button>
            )}
          </MessageCard>
        </li>
      ))}
    </ul>
  );
}
