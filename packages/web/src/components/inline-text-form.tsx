/**
 * One text setting on one line: a labelled input with its submit button beside it and,
 * under them, a status line (role="status": a screen reader says "saved" or why not).
 * The caller keeps the value and saves it: my display name (profile-settings.tsx), my
 * status message (settings-dialog.tsx).
 */
import { useId, type FormEvent } from 'react';

export function InlineTextForm({
  label,
  name,
  maxLength,
  placeholder,
  value,
  onChange,
  button,
  status,
  onSubmit,
}: {
  label: string;
  /** The input's name (for password managers and autofill). */
  name: string;
  maxLength: number;
  placeholder?: string;
  value: string;
  onChange: (value: string) => void;
  /** The submit button's text. */
  button: string;
  /** What the last save did, if anything. */
  status: string | undefined;
  onSubmit: (event: FormEvent) => Promise<void>;
}) {
  const id = useId();
  return (
    <form className="status-text" onSubmit={(e) => void onSubmit(e)}>
      <label htmlFor={id}>{label}</label>
      <div className="find-user-row">
        <input
          id={id}
          name={name}
          maxLength={maxLength}
          placeholder={placeholder}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
        <button type="submit" className="btn btn-primary">
          {button}
        </button>
      </div>
      <p className="hint" role="status">
        {status ?? ''}
      </p>
    </form>
  );
}
