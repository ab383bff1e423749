/**
 * Pick a reaction: the built-in grid, or any single emoji typed or pasted.
 */
import { useId, useState } from 'react';
import { isSingleEmoji, replaceShortcodes } from '../lib/emoji';
import { EmojiPicker } from './emoji-picker';
import { Modal } from './modal';

export function ReactionPickerDialog({ onPick, onClose }: { onPick: (emoji: string) => void; onClose: () => void }) {
  const [custom, setCustom] = useState('');
  const id = useId();
  const value = replaceShortcodes(custom.trim());
  const valid = isSingleEmoji(value);
  return (
    <Modal title="Add reaction" onClose={onClose}>
      <EmojiPicker inline onPick={onPick} onClose={() => onClose()} />
      <form
        className="any-emoji"
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) onPick(value.trim());
        }}
      >
        <label htmlFor={id}>Any emoji</label>
        <div className="inline-form">
          <input
            id={id}
            value={custom}
            placeholder="Type or paste one emoji, or :shortcode:"
            autoComplete="off"
            onChange={(e) => setCustom(e.target.value)}
            aria-invalid={custom !== '' && !valid}
          />
          <button type="submit" className="btn btn-primary" disabled={!valid}>
            React
          </button>
        </div>
      </form>
    </Modal>
  );
}
