/**
 * The bar under the chat header when a conversation has pinned messages: it shows one pin
 * (the latest first) with its sender and first line; clicking it goes to that message
 * through the app's own address (`#/c/<id>/m/<messageId>`, scrolled to and flashed) and
 * moves the bar on to the next older pin, round and round; a button opens all pins in the
 * side pane. It renders nothing while there are none.
 */
import { fileSummary, type Message } from '@parley/protocol';
import { useState } from 'react';
import { plainText } from '../lib/markdown';
import { userName } from '../lib/names';
import { routeHash } from '../lib/route';
import { useAppState, useController } from '../state/context';
import { usePins } from '../state/use-pins';
import { PinIcon } from './icons';
import { UserText } from './user-text';

function excerpt(message: Message): string {
  const content = message.content;
  if (content.type === 'text') return plainText(content.text);
  if (content.type === 'file') return fileSummary(content);
  return '';
}

export function PinnedBar({ conversationId }: { conversationId: string }) {
  const controller = useController();
  const pins = usePins(conversationId);
  const users = useAppState((s) => s.users);
  const [index, setIndex] = useState(0);
  if (pins === undefined || pins.length === 0) return null;
  const at = index % pins.length;
  const pin = pins[at];
  if (pin === undefined) return null;

  const go = () => {
    const hash = routeHash({ kind: 'message', conversationId, messageId: pin.id });
    // The same address again fires no hashchange: jump directly then.
    if (location.hash === hash) void controller.jumpTo(conversationId, pin.id, pin.seq, pin.threadId);
    else location.hash = hash;
    setIndex(at + 1);
  };
  const label = pins.length === 1 ? 'Pinned message' : `Pinned message ${at + 1} of ${pins.length}`;
  return (
    <div className="pinned-bar" role="region" aria-label="Pinned messages bar" data-testid="pinned-bar">
      {pins.length > 1 && (
        <span className="pinned-bar-ticks" aria-hidden="true">
          {pins.slice(0, 8).map((p, i) => (
            <span key={p.id} className={i === at ? 'tick current' : 'tick'} />
          ))}
        </span>
      )}
      <button type="button" className="pinned-bar-main" onClick={go} title="Go to the pinned message">
        <span className="pinned-bar-label">
          <PinIcon /> {label}
        </span>
        <span className="pinned-bar-text">
          <UserText text={userName(users, pin.senderId)} />
          {': '}
          <UserText text={excerpt(pin)} />
        </span>
      </button>
      <button type="button" className="btn btn-small" onClick={() => controller.openPanel({ kind: 'pins' })}>
        All pins ({pins.length})
      </button>
    </div>
  );
}
