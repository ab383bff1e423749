/**
 * Forward a message: pick one of my conversations (filtered by name); the server
 * copies the message there with "Forwarded from" its author.
 */
import type { Message } from '@parley/protocol';
import { useId, useMemo, useState } from 'react';
import { conversationTitle } from '../lib/names';
import { useAppState, useController } from '../state/context';
import { orderedIds } from '../state/reducers';
import { Modal } from './modal';
import { UserText } from './user-text';

export function ForwardDialog({ message, onClose }: { message: Message; onClose: () => void }) {
  const controller = useController();
  const conversations = useAppState((s) => s.conversations);
  const users = useAppState((s) => s.users);
  const me = useAppState((s) => s.me.id);
  const [query, setQuery] = useState('');
  const [busy, setBusy] = useState(false);
  const id = useId();
  const targets = useMemo(() => {
    const q = query.trim().toLowerCase();
    return orderedIds(conversations)
      .map((cid) => conversations[cid])
      .filter((c) => c !== undefined)
      .map((c) => ({ id: c.conversation.id, title: conversationTitle(c.conversation, users, me) }))
      .filter((c) => q === '' || c.title.toLowerCase().includes(q));
  }, [conversations, users, me, query]);

  const forward = async (to: string) => {
    setBusy(true);
    if (await controller.forward(message.id, to)) onClose();
    else setBusy(false);
  };

  return (
    <Modal title="Forward message" onClose={onClose}>
      <label htmlFor={id}>Forward to</label>
      <input
        id={id}
        type="search"
        placeholder="Search conversations"
        value={query}
        autoComplete="off"
        onChange={(e) => setQuery(e.target.value)}
      />
      <ul className="pick-list" aria-label="Conversations">
        {targets.map((t) => (
          <li key={t.id}>
            <button type="button" className="pick-item" disabled={busy} onClick={() => void forward(t.id)}>
              <UserText text={t.title} />
            </button>
          </li>
        ))}
      </ul>
    </Modal>
  );
}
