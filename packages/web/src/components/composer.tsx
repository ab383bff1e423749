/**
 * The message composer: a textarea that grows with its text (Enter sends,
 * Shift+Enter adds a line, nothing is sent mid-IME-composition), an emoji picker
 * that inserts at the caret, and the send button. It reports typing to the
 * controller, which throttles what goes on the wire. Files come in through the
 * attach button or by pasting; with nothing typed, the microphone records a
 * voice message.
 */
import { useCallback, useLayoutEffect, useRef, useState, type ClipboardEvent, type KeyboardEvent } from 'react';
import { hintsFor } from '../lib/attach';
import { useController } from '../state/context';
import { EmojiPicker } from './emoji-picker';
import { MicIcon, PaperclipIcon, SendIcon, SmileIcon } from './icons';
import { VoiceRecorder } from './voice-recorder';

const MAX_HEIGHT = 180;

export function Composer({ id }: { id: string }) {
  const controller = useController();
  const [text, setText] = useState('');
  const [picker, setPicker] = useState(false);
  const [recording, setRecording] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const emojiButton = useRef<HTMLButtonElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const stopRecording = useCallback(() => setRecording(false), []);

  const attach = (files: Iterable<File>) => {
    for (const file of files) {
      void hintsFor(file).then((hints) => controller.files.send(id, file, hints));
    }
  };

  const onPaste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    const files = [...event.clipboardData.files];
    if (files.length === 0) return;
    event.preventDefault();
    attach(files);
  };

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

  if (recording) return <VoiceRecorder id={id} onDone={stopRecording} />;

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
      <button
        type="button"
        className="icon-button"
        aria-label="Attach files"
        onClick={() => fileInput.current?.click()}
      >
        <PaperclipIcon />
      </button>
      <input
        ref={fileInput}
        type="file"
        multiple
        hidden
        data-testid="file-input"
        onChange={(e) => {
          attach([...(e.target.files ?? [])]);
          e.target.value = '';
        }}
      />
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
        onPaste={onPaste}
        onBlur={() => controller.stopTyping(id)}
        aria-describedby={`composer-hint-${id}`}
      />
      <span id={`composer-hint-${id}`} className="visually-hidden">
        Enter sends, Shift+Enter adds a new line. Paste or drop files to send them.
      </span>
      {text.trim() === '' && typeof MediaRecorder !== 'undefined' ? (
        <button
          type="button"
          className="send-button"
          aria-label="Record voice message"
          onClick={() => setRecording(true)}
        >
          <MicIcon />
        </button>
      ) : (
        <button type="submit" className="send-button" aria-label="Send message" disabled={text.trim() === ''}>
          <SendIcon />
        </button>
      )}
    </form>
  );
}
