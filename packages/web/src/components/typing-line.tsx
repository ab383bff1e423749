/** "Alice is typing…" under the messages; an empty line keeps the layout still. */
import { userName } from '../lib/names';
import { useAppState } from '../state/context';

export function TypingLine({ id }: { id: string }) {
  const typing = useAppState((s) => s.typing[id]);
  const users = useAppState((s) => s.users);
  const names = Object.keys(typing ?? {}).map((userId) => userName(users, userId));
  const text =
    names.length === 0
      ? ''
      : names.length === 1
        ? `${names[0]} is typing…`
        : names.length === 2
          ? `${names[0]} and ${names[1]} are typing…`
          : 'Several people are typing…';
  return (
    <div className="typing-line" aria-live="polite" data-testid="typing-line">
      {text !== '' && (
        <>
          <span className="typing-dots" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          {text}
        </>
      )}
    </div>
  );
}
