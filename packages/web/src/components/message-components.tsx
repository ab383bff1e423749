/**
 * A bot message's buttons and select menu (docs/bots.md, "Interactive messages"). A
 * click sends an interaction to the bot; the bot may update the message (its new
 * buttons arrive like an edit) or answer only the clicker, shown here. Real buttons and
 * a labelled select, so they work from the keyboard and with a screen reader.
 */
import type { Component, Message } from '@parley/sdk';
import { useState } from 'react';
import { useAppState, useController } from '../state/context';
import { InteractionNote, useInteractionNote } from './interaction-note';

export function MessageComponents({ message, components }: { message: Message; components: readonly Component[] }) {
  const controller = useController();
  const bot = useAppState((s) => s.users[message.senderId]?.displayName ?? 'The bot');
  const { note, run, dismiss } = useInteractionNote();
  const [choice, setChoice] = useState('');
  const busy = note?.kind === 'thinking';
  return (
    <div className="msg-components">
      <div className="msg-component-row" role="group" aria-label={`Actions from ${bot}`}>
        {components.map((c) =>
          c.type === 'button' ? (
            <button
              key={c.id}
              type="button"
              className={`component-button ${c.style ?? 'secondary'}`}
              disabled={c.disabled === true || busy}
              onClick={() => run(controller.clickComponent(message.id, c.id), bot)}
            >
              {c.label}
            </button>
          ) : (
            <label key={c.id} className="component-select">
              <span className="visually-hidden">{c.placeholder ?? 'Choose'}</span>
              <select
                value={choice}
                disabled={busy}
                onChange={(e) => {
                  setChoice(e.target.value);
                  if (e.target.value !== '') run(controller.clickComponent(message.id, c.id, e.target.value), bot);
                }}
              >
                <option value="">{c.placeholder ?? 'Choose…'}</option>
                {c.options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            </label>
          ),
        )}
      </div>
      <InteractionNote note={note} onDismiss={dismiss} testId="component-note" />
    </div>
  );
}
