/**
 * The root: the login screen or the chat, depending on whether a session is
 * saved. A session that the server ends (logout elsewhere, revoked) brings the
 * login screen back with a note saying why.
 */
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { ParleyError } from '@parley/sdk';
import { createClient, deviceName, loadSession, saveSession, type SavedSession } from '../state/session';
import { SSO_FAILURES, takeSsoReturn } from '../state/sso-return';
import { AuthScreen } from './auth-screen';

// The chat is its own chunk: the login screen (the first screen of a new visitor) does not wait for it.
const ChatApp = lazy(() => import('./chat-app').then((m) => ({ default: m.ChatApp })));

const REASONS: Record<string, string> = {
  session_revoked: 'You were logged out on this device.',
  unauthenticated: 'Your session expired. Please log in again.',
};

export function App() {
  // Read before anything else renders: the address is cleaned at once.
  const [ssoReturn] = useState(takeSsoReturn);
  const [session, setSession] = useState<SavedSession | undefined>(loadSession);
  const [notice, setNotice] = useState<string | undefined>(
    ssoReturn !== undefined && 'error' in ssoReturn ? ssoReturn.error : undefined,
  );
  const [exchanging, setExchanging] = useState(ssoReturn !== undefined && 'code' in ssoReturn);

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

  // The end of a single sign-on login: the one-time code becomes a session (POST, never in a URL again).
  useEffect(() => {
    if (ssoReturn === undefined || !('code' in ssoReturn)) return;
    createClient()
      .ssoExchange({ code: ssoReturn.code, deviceName: deviceName() })
      .then(
        (result) => signIn({ token: result.token, user: result.user }),
        (error: unknown) => {
          const reason =
            error instanceof ParleyError ? (error.details as { reason?: unknown } | undefined)?.reason : undefined;
          setNotice(
            typeof reason === 'string' && SSO_FAILURES[reason] !== undefined
              ? SSO_FAILURES[reason]
              : 'The sign-in did not finish. Please try again.',
          );
        },
      )
      .finally(() => setExchanging(false));
  }, [ssoReturn, signIn]);

  if (exchanging) return <div className="app-loading" role="status" aria-label="Signing in" />;
  if (session === undefined) return <AuthScreen onSignedIn={signIn} notice={notice} />;
  return (
    <Suspense fallback={<div className="app-loading" role="status" aria-label="Loading Parley" />}>
      <ChatApp key={session.token} session={session} onSignedOut={signOut} />
    </Suspense>
  );
}
