/**
 * The message composer: a textarea that grows with its text (Enter sends,
 * Shift+Enter adds a line, nothing is sent mid-IME-composition), an emoji picker
 * that inserts at the caret, and the send button. It reports typing to the
 * controller, which throttles what goes on the wire.
 */
import { useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useController } from '../state/context';
import { EmojiPicker } from './emoji-picker';
import { SendIcon, SmileIcon } from './icons';

const MAX_HEIGHT = 180;

export function Composer({ id }: { id: string }) {
  const controller = useController();
  const [text, setText] = useState('');
  const [picker, setPicker] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const emojiButton = useRef<HTMLButtonElement>(null);

  useLayoutEffect(() => {
    const el = input.current;
    if (el === null) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, MAX_HEIGHT)}px`;
  }, [text]);

  useLayoutEffect(() => {
    // Only with a keyboard-and-mouse layout: on phones this would pop the keyboard up.
    if (window.matchMedia('(min-width: 721px)').matches) input.current?.focus();
  }, [id]);

  const change = (value: string) => {
    setText(value);
    controller.composing(id, value.trim() !== '');
  };

  const send = () => {
    const value = text.trim();
    if (value === '') return;
    controller.send(id, value);
    setText('');
    input.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
  };

  const insert = (emoji: string) => {
    const el = input.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    const next = text.slice(0, start) + emoji + text.slice(end);
    change(next);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(start + emoji.length, start + emoji.length);
    });
  };

  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <div className="composer-emoji">
        <button
          ref={emojiButton}
          type="button"
          className="icon-button"
          aria-label="Insert emoji"
          aria-expanded={picker}
          aria-haspopup="dialog"
          onClick={() => setPicker((open) => !open)}
        >
          <SmileIcon />
        </button>
        {picker && (
          <EmojiPicker
            onPick={insert}
            onClose={(refocus) => {
              setPicker(false);
              if (refocus) emojiButton.current?.focus();
            }}
          />
        )}
      </div>
      <label htmlFor={`composer-${id}`} className="visually-hidden">
        Message
      </label>
      <textarea
        id={`composer-${id}`}
        ref={input}
        className="composer-input"
        rows={1}
        placeholder="Write a message…"
        value={text}
        onChange={(e) => change(e.target.value)}
        onKeyDown={onKeyDown}
        onBlur={() => controller.stopTyping(id)}
        aria-describedby={`composer-hint-${id}`}
      />
      <span id={`composer-hint-${id}`} className="visually-hidden">
        Enter sends, Shift+Enter adds a new line.
      </span>
      <button type="submit" className="send-button" aria-label="Send message" disabled={text.trim() === ''}>
        <SendIcon />
      </button>
    </form>
  );
}
