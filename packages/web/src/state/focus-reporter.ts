/**
 * Tells the server which conversation this device shows in front of its user (the SDK's
 * `client.focus`), so that no push of it reaches the user's devices while they are
 * looking (docs/notifications.md): the open conversation while the page is visible and
 * the window has the focus, null otherwise. The SDK repeats it and resends it after a
 * reconnect; this only follows the page and the open conversation.
 */
import type { ParleyClient } from '@parley/sdk';
import type { AppState } from './app-state';
import type { Store } from './store';

function shown(state: AppState): string | null {
  if (document.visibilityState !== 'visible' || !document.hasFocus()) return null;
  return state.activeId;
}

/** Starts following; returns the function that stops it (and clears the focus). */
export function reportFocus(client: ParleyClient, store: Store<AppState>): () => void {
  const onError = (): void => undefined; // Offline or refused: the next change or reconnect sends it again.
  const update = (): void => {
    client.focus.set(shown(store.get())).catch(onError);
  };
  const unsubscribe = store.subscribe(update);
  document.addEventListener('visibilitychange', update);
  window.addEventListener('focus', update);
  window.addEventListener('blur', update);
  update();
  return () => {
    unsubscribe();
    document.removeEventListener('visibilitychange', update);
    window.removeEventListener('focus', update);
    window.removeEventListener('blur', update);
    client.focus.set(null).catch(onError);
  };
}
