/**
 * A modal dialog on the native <dialog> element: showModal() gives focus
 * trapping, Escape to close and an inert background for free. Labelled by its
 * title; a close button sits in the header.
 */
import { useEffect, useId, useRef, type ReactNode, type RefObject } from 'react';
import { CloseIcon } from './icons';

/**
 * Opens the <dialog> behind `ref` as a modal while the component is mounted: Escape (the
 * dialog's `cancel`) calls the latest `onClose`, and focus goes back to the element that had
 * it. `close` calls the latest `onClose` too (for buttons and keys of the dialog's own).
 */
export function useModalDialog(onClose: () => void): {
  ref: RefObject<HTMLDialogElement | null>;
  close: () => void;
} {
  const ref = useRef<HTMLDialogElement>(null);
  const latest = useRef(onClose);
  latest.current = onClose;
  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.showModal();
    const onCancel = (event: Event) => {
      event.preventDefault();
      latest.current();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      opener?.focus();
    };
  }, []);
  return { ref, close: () => latest.current() };
}

export function Modal({
  title,
  onClose,
  children,
  wide = false,
}: {
  /** The heading; user text in it goes in a UserText. */
  title: ReactNode;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
}) {
  const { ref, close } = useModalDialog(onClose);
  const titleId = useId();

  return (
    <dialog
      ref={ref}
      className={wide ? 'modal modal-wide' : 'modal'}
      aria-labelledby={titleId}
      onClick={(event) => {
        // A click on the backdrop (the dialog element itself, outside its content) closes it.
        if (event.target === ref.current) close();
      }}
    >
      <div className="modal-body">
        <header className="modal-header">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="icon-button" aria-label="Close" onClick={() => close()}>
            <CloseIcon />
          </button>
        </header>
        {children}
      </div>
    </dialog>
  );
}
