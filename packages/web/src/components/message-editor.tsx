/**
 * Edits one of my messages in place: Enter saves, Shift+Enter adds a line,
 * Escape cancels. Saving the same text just closes the editor.
 */
import { useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useController } from '../state/context';

export function MessageEditor({ messageId, text }: { messageId: string; text: string }) {
  const controller = useController();
  const [value, setValue] = useState(text);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);

  useLayoutEffect(() => {
    const el = input.current;
    if (el === null) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);
  useLayoutEffect(() => {
    const el = input.current;
    if (el === null) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 240)}px`;
  }, [value]);

  const save = async () => {
    const next = value.trim();
    if (next === '' || next === text) return controller.startEdit(null);
    setBusy(true);
    if (!(await controller.edit(messageId, next))) setBusy(false);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      controller.startEdit(null);
    } else if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void save();
    }
  };

  return (
    <div className="msg-editor">
      <label className="visually-hidden" htmlFor={`edit-${messageId}`}>
        Edit message
      </label>
      <textarea
        id={`edit-${messageId}`}
        ref={input}
        rows={1}
        value={value}
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="msg-editor-actions">
        <span className="msg-editor-hint">Escape to cancel, Enter to save</span>
        <button type="button" className="btn btn-small" onClick={() => controller.startEdit(null)}>
          Cancel
        </button>
        <button type="button" className="btn btn-small btn-primary" disabled={busy} onClick={() => void save()}>
          Save
        </button>
      </div>
    </div>
  );
}
