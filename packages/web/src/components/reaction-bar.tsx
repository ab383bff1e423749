/**
 * The reactions under a message: one toggle button per emoji with its count
 * (pressed when I reacted), and who reacted on hover or keyboard focus.
 */
import type { Message } from '@parley/protocol';
import { useState } from 'react';
import { userName, type Line } from '../lib/names';
import { useAppState, useController } from '../state/context';
import { LineText } from './user-text';

export function ReactionBar({ message, canReact }: { message: Message; canReact: boolean }) {
  const controller = useController();
  const users = useAppState((s) => s.users);
  const me = useAppState((s) => s.me.id);
  // The summary lists the first 20 people; past that, the full list is fetched on hover or focus.
  const [everyone, setEveryone] = useState<Record<string, string[]>>({});
  const reactions = message.reactions ?? [];
  const loadAll = (emoji: string, count: number, listed: number) => {
    if (count <= listed || everyone[emoji] !== undefined) return;
    void controller.reactionUsers(message.id, emoji).then((ids) => setEveryone((e) => ({ ...e, [emoji]: ids })));
  };
  if (reactions.length === 0) return null;
  return (
    <div className="reactions" data-testid="reactions">
      {reactions.map((r) => {
        const mine = (message.myReactions ?? []).includes(r.emoji) || r.userIds.includes(me);
        const ids = everyone[r.emoji] ?? r.userIds;
        const names = ids.map((id) => (id === me ? 'You' : userName(users, id)));
        const others = r.count - ids.length;
        const who = others > 0 ? `${names.join(', ')} and ${others} more` : names.join(', ');
        const whoLine: Line = names.flatMap((name, i): Line => (i === 0 ? [{ user: name }] : [', ', { user: name }]));
        if (others > 0) whoLine.push(` and ${others} more`);
        return (
          <button
            key={r.emoji}
            type="button"
            className={mine ? 'reaction mine' : 'reaction'}
            aria-pressed={mine}
            aria-label={`${r.emoji} ${r.count}: ${who}`}
            disabled={!canReact}
            data-emoji={r.emoji}
            onClick={() => void controller.react(message, r.emoji)}
            onMouseEnter={() => loadAll(r.emoji, r.count, r.userIds.length)}
            onFocus={() => loadAll(r.emoji, r.count, r.userIds.length)}
          >
            <span aria-hidden="true">{r.emoji}</span>
            <span className="reaction-count" aria-hidden="true">
              {r.count}
            </span>
            <span className="reaction-who" role="tooltip" aria-hidden="true">
              <LineText line={whoLine} />
            </span>
          </button>
        );
      })}
    </div>
  );
}
