/**
 * What became of a slash command or a click, for the person who did it: "thinking..."
 * while a bot defers, its ephemeral reply ("Only you can see this"), or why nothing
 * happened (a refused argument, "The bot did not respond."). Shown in a live region
 * next to where the person acted, dismissible, never in the conversation's history.
 */
import type { InteractionUpdate } from '@parley/sdk';
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorText } from '../lib/error-text';
import { useController } from '../state/context';

export type Note = { kind: 'thinking' | 'reply' | 'error'; text: string } | undefined;

/** Runs interactions and keeps the note of the latest one (a deferred one is followed to its answer). */
export function useInteractionNote(): {
  note: Note;
  run: (work: Promise<InteractionUpdate>, botName: string) => void;
  dismiss: () => void;
} {
  const controller = useController();
  const [note, setNote] = useState<Note>();
  const following = useRef<string | undefined>(undefined);
  const show = useCallback((update: InteractionUpdate, botName: string) => {
    if (update.status === 'deferred') {
      following.current = update.interactionId;
      setNote({ kind: 'thinking', text: `${botName} is thinking…` });
    } else if (update.status === 'timed_out') {
      setNote({ kind: 'error', text: update.error?.message ?? 'The bot did not respond.' });
    } else if (update.ephemeral !== undefined) {
      setNote({ kind: 'reply', text: update.ephemeral.text });
    } else setNote(undefined); // a message everyone sees: it is in the conversation
  }, []);
  const bot = useRef('The bot');
  useEffect(
    () =>
      controller.onInteractionUpdate((update) => {
        if (update.interactionId !== following.current || update.status === 'deferred') return;
        following.current = undefined;
        show(update, bot.current);
      }),
    [controller, show],
  );
  const run = useCallback(
    (work: Promise<InteractionUpdate>, botName: string) => {
      bot.current = botName;
      following.current = undefined;
      setNote({ kind: 'thinking', text: `Sending to ${botName}…` });
      work.then(
        (update) => show(update, botName),
        (error: unknown) => setNote({ kind: 'error', text: errorText(error) }),
      );
    },
    [show],
  );
  return { note, run, dismiss: useCallback(() => setNote(undefined), []) };
}

export function InteractionNote({ note, onDismiss, testId }: { note: Note; onDismiss: () => void; testId: string }) {
  return (
    <div className="interaction-note-region" role="status" aria-live="polite" data-testid={testId}>
      {note !== undefined && (
        <div className={`interaction-note ${note.kind}`}>
          {note.kind === 'reply' && <span className="interaction-note-label">Only you can see this</span>}
          <span className="interaction-note-text">{note.text}</span>
          {note.kind !== 'thinking' && (
            <button type="button" className="link-button" onClick={onDismiss}>
              Dismiss
            </button>
          )}
        </div>
      )}
    </div>
  );
}
