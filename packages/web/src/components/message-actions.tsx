/**
 * The actions of one message, behind a "Message actions" button that is always in
 * the tab order: quick reactions, reply, reply in thread, any emoji, edit, delete,
 * pin, forward, copy, mark unread and report, each shown only when my role allows
 * it. A menu (role="menu"): arrow keys move, Escape closes and returns the focus.
 */
import type { Message } from '@parley/protocol';
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { copyText } from '../lib/clipboard';
import { QUICK_REACTIONS } from '../lib/emoji';
import { messageLink } from '../lib/route';
import { useController } from '../state/context';
import { ConfirmDialog } from './confirm-dialog';
import { ForwardDialog } from './forward-dialog';
import { MoreIcon } from './icons';
import { ReactionPickerDialog } from './reaction-picker-dialog';
import { ReportDialog } from './report-dialog';

export interface MessagePermissions {
  react: boolean;
  reply: boolean;
  thread: boolean;
  edit: boolean;
  delete: boolean;
  pin: boolean;
  forward: boolean;
  report: boolean;
  markUnread: boolean;
}

type Dialog = 'react' | 'delete' | 'forward' | 'report' | null;

export function MessageActions({ message, allowed }: { message: Message; allowed: MessagePermissions }) {
  const controller = useController();
  const [open, setOpen] = useState(false);
  const [dialog, setDialog] = useState<Dialog>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const [place, setPlace] = useState<{ top: number; left: number } | undefined>();

  const close = (refocus: boolean) => {
    setOpen(false);
    setPlace(undefined);
    if (refocus) button.current?.focus();
  };

  // Placed with fixed coordinates next to the button, kept inside the window.
  useLayoutEffect(() => {
    if (!open || menu.current === null || button.current === null) return;
    const b = button.current.getBoundingClientRect();
    const m = menu.current.getBoundingClientRect();
    const left = Math.max(8, Math.min(b.right - m.width, window.innerWidth - m.width - 8));
    const below = b.bottom + 4;
    const top = below + m.height > window.innerHeight - 8 ? Math.max(8, b.top - m.height - 4) : below;
    setPlace({ top, left });
  }, [open]);

  // Once placed (and visible), the first item takes the focus.
  const placed = place !== undefined;
  useEffect(() => {
    if (placed) menu.current?.querySelector<HTMLButtonElement>('[role="menuitem"]')?.focus();
  }, [placed]);

  useEffect(() => {
    if (!open) return;
    const onDown = (event: MouseEvent) => {
      const target = event.target as Node;
      if (!menu.current?.contains(target) && !button.current?.contains(target)) close(false);
    };
    // The menu is placed in the window: scrolling the messages or resizing closes it.
    const onMove = (event: Event) => {
      if (!(event.target instanceof Node && menu.current?.contains(event.target))) close(false);
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('scroll', onMove, true);
    window.addEventListener('resize', onMove);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('scroll', onMove, true);
      window.removeEventListener('resize', onMove);
    };
  }, [open]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      close(true);
      return;
    }
    if (event.key === 'Tab') return close(false);
    const step = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 }[event.key];
    const items = [...event.currentTarget.querySelectorAll<HTMLButtonElement>('[role="menuitem"]')];
    const index = items.findIndex((el) => el === document.activeElement);
    let next: HTMLButtonElement | undefined;
    if (step !== undefined) next = items[(index + step + items.length) % items.length];
    if (event.key === 'Home') next = items[0];
    if (event.key === 'End') next = items[items.length - 1];
    if (next !== undefined) {
      event.preventDefault();
      next.focus();
    }
  };

  const act = (fn: () => void) => () => {
    close(false);
    fn();
  };
  const text =
    message.content.type === 'text'
      ? message.content.text
      : message.content.type === 'file'
        ? (message.content.caption ?? '')
        : '';
  const items: [label: string, run: () => void, show: boolean][] = [
    ['Reply', () => controller.startReply(message.conversationId, message.id), allowed.reply],
    ['Reply in thread', () => controller.openPanel({ kind: 'thread', rootId: message.id }), allowed.thread],
    ['Add reaction…', () => setDialog('react'), allowed.react],
    ['Edit', () => controller.startEdit(message.id), allowed.edit],
    [message.pinnedAt === undefined ? 'Pin' : 'Unpin', () => void controller.pin(message), allowed.pin],
    ['Forward…', () => setDialog('forward'), allowed.forward],
    ['Copy text', () => void copyText(text), text !== ''],
    [
      'Copy link',
      () =>
        void copyText(messageLink(message.conversationId, message.id)).then((done) =>
          controller.notify(done ? 'Link to the message copied.' : 'Could not copy the link.'),
        ),
      true,
    ],
    ['Mark unread', () => void controller.markUnread(message.conversationId, message.seq), allowed.markUnread],
    ['Report…', () => setDialog('report'), allowed.report],
    ['Delete…', () => setDialog('delete'), allowed.delete],
  ];

  return (
    <div className="msg-actions">
      <button
        ref={button}
        type="button"
        className="icon-button msg-actions-button"
        aria-label="Message actions"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => (open ? close(false) : setOpen(true))}
      >
        <MoreIcon />
      </button>
      {open && (
        <div
          ref={menu}
          className={place === undefined ? 'msg-menu measuring' : 'msg-menu'}
          role="menu"
          aria-label="Message actions"
          style={place}
          onKeyDown={onKeyDown}
        >
          {allowed.react && (
            <div className="msg-menu-reactions" role="group" aria-label="Quick reactions">
              {QUICK_REACTIONS.map((emoji) => (
                <button
                  key={emoji}
                  type="button"
                  role="menuitem"
                  className="quick-reaction"
                  aria-label={`React with ${emoji}`}
                  onClick={act(() => void controller.react(message, emoji))}
                >
                  {emoji}
                </button>
              ))}
            </div>
          )}
          {items
            .filter(([, , show]) => show)
            .map(([label, run]) => (
              <button
                key={label}
                type="button"
                role="menuitem"
                className={label === 'Delete…' ? 'msg-menu-item danger' : 'msg-menu-item'}
                onClick={act(run)}
              >
                {label}
              </button>
            ))}
        </div>
      )}
      {dialog === 'react' && (
        <ReactionPickerDialog
          onPick={(emoji) => {
            setDialog(null);
            void controller.react(message, emoji);
          }}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === 'delete' && (
        <ConfirmDialog
          title="Delete message?"
          confirm="Delete"
          danger
          onConfirm={() => {
            setDialog(null);
            void controller.deleteMessage(message.id);
          }}
          onClose={() => setDialog(null)}
        >
          <p>It will be replaced by “This message was deleted” for everyone. This cannot be undone.</p>
        </ConfirmDialog>
      )}
      {dialog === 'forward' && <ForwardDialog message={message} onClose={() => setDialog(null)} />}
      {dialog === 'report' && <ReportDialog message={message} onClose={() => setDialog(null)} />}
    </div>
  );
}
