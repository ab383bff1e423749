/**
 * Sign in and sign up: one form with two modes. It logs in through a throwaway
 * client to get a token, which ChatApp then uses for its own client. It asks the
 * server first (GET /v1/server): a fresh server with no account opens on "Create the
 * first account", a server with sign-up closed does not offer it, and a server with
 * single sign-on shows "Sign in with <label>" (only that when passwords are off).
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { ParleyError } from '@parley/sdk';
import { createClient, deviceName, type SavedSession } from '../state/session';
import { FormError } from './form-error';
import { Logo } from './icons';
import { ThemeToggle } from './theme-toggle';

type Mode = 'login' | 'register';

const MESSAGES: Record<string, string> = {
  invalid_credentials: 'Wrong username or password.',
  username_taken: 'That username is taken. Try another one.',
  weak_password: 'That password is too short.',
  rate_limited: 'Too many attempts. Wait a minute and try again.',
  bad_request: 'Usernames are 2-32 lower-case letters, digits, “_”, “.” or “-”.',
  password_login_disabled: 'This server signs in with single sign-on only: use the button above.',
  registration_closed: 'Sign-up is closed on this server: ask an administrator for an account.',
  invite_required: 'This server needs an invite code to sign up: ask an administrator for one.',
  invite_invalid: 'That invite code does not work (unknown, revoked, expired or used up).',
};

function describe(error: unknown): string {
  if (error instanceof ParleyError) return MESSAGES[error.code] ?? error.message;
  return 'Could not reach the server. Check your connection and try again.';
}

export function AuthScreen({
  onSignedIn,
  notice,
}: {
  onSignedIn: (session: SavedSession) => void;
  notice?: string | undefined;
}) {
  const [mode, setMode] = useState<Mode>('login');
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [inviteCode, setInviteCode] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  /** What the server said (undefined while asking; an unreachable server leaves the login form). */
  const [server, setServer] = useState<
    | {
        firstRun: boolean;
        canRegister: boolean;
        /** Registration `invite`: a sign-up asks for a server invite code. */
        needsInvite: boolean;
        sso?: { label: string; passwordLogin: boolean } | undefined;
      }
    | undefined
  >();
  const id = useId();

  useEffect(() => {
    let live = true;
    const done = (
      firstRun: boolean,
      registration: 'open' | 'invite' | 'closed',
      sso?: { label: string; passwordLogin: boolean },
    ) => {
      if (!live) return;
      const canRegister = registration !== 'closed';
      setServer({ firstRun, canRegister, needsInvite: registration === 'invite', sso });
      if (firstRun && canRegister) setMode('register');
    };
    createClient()
      .serverInfo()
      .then(
        (info) => done(!info.hasAccounts, info.registration, info.sso),
        () => done(false, 'open'),
      );
    return () => {
      live = false;
    };
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const client = createClient();
    const name = username.trim().toLowerCase();
    try {
      const result =
        mode === 'login'
          ? await client.login({ username: name, password, deviceName: deviceName() })
          : await client.register({
              username: name,
              password,
              deviceName: deviceName(),
              ...(displayName.trim() === '' ? {} : { displayName: displayName.trim() }),
              ...(inviteCode.trim() === '' ? {} : { inviteCode: inviteCode.trim() }),
            });
      onSignedIn({ token: result.token, user: result.user });
    } catch (e) {
      setError(describe(e));
      setBusy(false);
    }
  };

  const register = mode === 'register';
  const firstRun = register && server?.firstRun === true;
  const sso = server?.sso;
  const passwords = sso?.passwordLogin !== false;
  if (server === undefined) {
    return (
      <div className="auth">
        <main className="auth-card" aria-busy="true" aria-label="Parley">
          <div className="auth-brand">
            <Logo />
            <span>Parley</span>
          </div>
        </main>
      </div>
    );
  }
  return (
    <div className="auth">
      <div className="auth-theme">
        <ThemeToggle />
      </div>
      <main className="auth-card" aria-labelledby={`${id}-title`}>
        <div className="auth-brand">
          <Logo />
          <span>Parley</span>
        </div>
        <h1 id={`${id}-title`}>
          {firstRun ? 'Create the first account' : register ? 'Create your account' : 'Welcome back'}
        </h1>
        <p className="auth-sub">
          {firstRun
            ? 'This server is new: nobody has an account yet. Pick the username people will find you by.'
            : register
              ? 'Pick a username your friends can find you by.'
              : 'Log in to continue chatting.'}
        </p>
        {server.firstRun && !server.canRegister && (
          <p className="auth-notice" role="status">
            This server has no account yet, and sign-up is closed: an administrator creates accounts with{' '}
            <code>parley user add</code>.
          </p>
        )}
        {notice !== undefined && (
          <p className="auth-notice" role="status">
            {notice}
          </p>
        )}
        {sso !== undefined && (
          <>
            {/* A navigation, not a fetch: the browser goes to the identity provider and comes back. */}
            <a className="btn btn-primary btn-block auth-sso" href="/v1/auth/sso/start">
              Sign in with {sso.label}
            </a>
            {passwords && <p className="auth-or">or</p>}
          </>
        )}
        {passwords && (
          <form onSubmit={(e) => void submit(e)} noValidate={false}>
            <label htmlFor={`${id}-user`}>Username</label>
            <input
              id={`${id}-user`}
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              required
              minLength={2}
              maxLength={32}
              value={username}
              onChange={(e) => setUsername(e.target.value)}
            />
            {register && (
              <>
                <label htmlFor={`${id}-name`}>
                  Display name <span className="optional">(optional)</span>
                </label>
                <input
                  id={`${id}-name`}
                  name="displayName"
                  autoComplete="name"
                  maxLength={100}
                  value={displayName}
                  onChange={(e) => setDisplayName(e.target.value)}
                />
              </>
            )}
            <label htmlFor={`${id}-pass`}>Password</label>
            <input
              id={`${id}-pass`}
              name="password"
              type="password"
              autoComplete={register ? 'new-password' : 'current-password'}
              required
              minLength={register ? 8 : 1}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
            {register && <p className="hint">At least 8 characters.</p>}
            {register && server.needsInvite && (
              <>
                <label htmlFor={`${id}-invite`}>Invite code</label>
                <input
                  id={`${id}-invite`}
                  name="inviteCode"
                  autoComplete="off"
                  autoCapitalize="none"
                  spellCheck={false}
                  maxLength={128}
                  aria-describedby={`${id}-invite-hint`}
                  value={inviteCode}
                  onChange={(e) => setInviteCode(e.target.value)}
                />
                <p className="hint" id={`${id}-invite-hint`}>
                  Sign-up on this server is by invitation: an administrator gives you the code.
                </p>
              </>
            )}
            <FormError error={error} />
            <button className="btn btn-primary btn-block" type="submit" disabled={busy}>
              {busy ? 'Please wait…' : register ? 'Create account' : 'Log in'}
            </button>
          </form>
        )}
        {passwords && !firstRun && server.canRegister && (
          <p className="auth-switch">
            {register ? 'Already have an account?' : 'New to Parley?'}{' '}
            <button
              type="button"
              className="link-button"
              onClick={() => {
                setMode(register ? 'login' : 'register');
                setError(undefined);
              }}
            >
              {register ? 'Log in' : 'Create an account'}
            </button>
          </p>
        )}
      </main>
    </div>
  );
}
