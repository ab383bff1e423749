/**
 * The root: the login screen or the chat, depending on whether a session is
 * saved. A session that the server ends (logout elsewhere, revoked) brings the
 * login screen back with a note saying why.
 */
import { lazy, Suspense, useCallback, useState } from 'react';
import { loadSession, saveSession, type SavedSession } from '../state/session';
import { AuthScreen } from './auth-screen';

// The chat is its own chunk: the login screen (the first screen of a new visitor) does not wait for it.
const ChatApp = lazy(() => import('./chat-app').then((m) => ({ default: m.ChatApp })));

const REASONS: Record<string, string> = {
  session_revoked: 'You were logged out on this device.',
  unauthenticated: 'Your session expired. Please log in again.',
};

export function App() {
  const [session, setSession] = useState<SavedSession | undefined>(loadSession);
  const [notice, setNotice] = useState<string | undefined>();

  const signIn = useCallback((next: SavedSession) => {
    saveSession(next);
    setNotice(undefined);
    setSession(next);
  }, []);

  const signOut = useCallback((reason?: string) => {
    saveSession(undefined);
    setSession(undefined);
    setNotice(reason === undefined ? undefined : (REASONS[reason] ?? 'You were logged out.'));
  }, []);

  if (session === undefined) return <AuthScreen onSignedIn={signIn} notice={notice} />;
  return (
    <Suspense fallback={<div className="app-loading" role="status" aria-label="Loading Parley" />}>
      <ChatApp key={session.token} session={session} onSignedOut={signOut} />
    </Suspense>
  );
}
