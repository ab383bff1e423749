/**
 * Scrolls to the message the app asked to show (a search hit, a quote, a pin) inside
 * one scrolling list, flashes it and moves focus to its bubble, once per request (the
 * request's nonce). `rendered` changes whenever the list re-renders its rows, so a
 * message that arrives with a later page is still found.
 */
import { useEffect, useRef, type RefObject } from 'react';
import { useAppState } from './context';

export function useHighlight(list: RefObject<HTMLElement | null>, rendered: unknown): void {
  const highlight = useAppState((s) => s.highlight);
  const shownNonce = useRef(0);
  useEffect(() => {
    if (highlight === null || shownNonce.current === highlight.nonce) return;
    const el = list.current?.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(highlight.messageId)}"]`);
    if (el === null || el === undefined) return;
    shownNonce.current = highlight.nonce;
    el.scrollIntoView({ block: 'center' });
    // Restart the animation when the same row is flashed again.
    el.classList.remove('flash');
    void el.offsetWidth;
    el.classList.add('flash');
    const bubble = el.querySelector<HTMLElement>('.bubble');
    bubble?.setAttribute('tabindex', '-1');
    bubble?.focus({ preventScroll: true });
  }, [highlight, list, rendered]);
}
