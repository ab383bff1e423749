/** The keyboard shortcuts, listed (Ctrl+/ or ? opens it; the sidebar's keyboard button too). */
import { Modal } from './modal';

export const SHORTCUTS: readonly { keys: string[][]; what: string }[] = [
  { keys: [['Ctrl', 'K']], what: 'Search messages' },
  {
    keys: [
      ['Alt', '↑'],
      ['Alt', '↓'],
    ],
    what: 'Previous / next conversation',
  },
  {
    keys: [
      ['Alt', 'Shift', '↑'],
      ['Alt', 'Shift', '↓'],
    ],
    what: 'Previous / next unread conversation',
  },
  { keys: [['↑'], ['↓']], what: 'Move between entries of the conversation list' },
  {
    keys: [
      ['Ctrl', 'Shift', '↑'],
      ['Ctrl', 'Shift', '↓'],
    ],
    what: 'Move a focused favourite up / down',
  },
  { keys: [['Enter']], what: 'Send the message (Shift+Enter: new line)' },
  { keys: [['↑']], what: 'Edit your last message (in an empty composer)' },
  { keys: [['Esc']], what: 'Close a dialog or panel' },
  { keys: [['Ctrl', '/'], ['?']], what: 'Show these shortcuts' },
];

export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose}>
      <table className="shortcuts-table">
        <caption className="visually-hidden">Keyboard shortcuts</caption>
        <thead className="visually-hidden">
          <tr>
            <th scope="col">Keys</th>
            <th scope="col">Action</th>
          </tr>
        </thead>
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.what}>
              <td>
                {s.keys.map((combo, i) => (
                  <span key={combo.join('+')}>
                    {i > 0 && <span className="muted"> or </span>}
                    {combo.map((k, j) => (
                      <span key={k}>
                        {j > 0 && '+'}
                        <kbd>{k}</kbd>
                      </span>
                    ))}
                  </span>
                ))}
              </td>
              <td>{s.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Modal>
  );
}
