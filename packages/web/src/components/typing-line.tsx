/** "Alice is typing…" under the messages; an empty line keeps the layout still. */
import { userName, type Line } from '../lib/names';
import { useAppState } from '../state/context';
import { LineText } from './user-text';

export function TypingLine({ id }: { id: string }) {
  const typing = useAppState((s) => s.typing[id]);
  const users = useAppState((s) => s.users);
  const names = Object.keys(typing ?? {}).map((userId) => userName(users, userId));
  const line: Line =
    names.length === 0
      ? []
      : names.length === 1
        ? [{ user: names[0] ?? '' }, ' is typing…']
        : names.length === 2
          ? [{ user: names[0] ?? '' }, ' and ', { user: names[1] ?? '' }, ' are typing…']
          : ['Several people are typing…'];
  return (
    <div className="typing-line" aria-live="polite" data-testid="typing-line">
      {line.length > 0 && (
        <>
          <span className="typing-dots" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          <LineText line={line} />
        </>
      )}
    </div>
  );
}
