/**
 * The end of a single sign-on login: the server's callback sends the browser to
 * `/#/sso?code=...` (a one-time code, exchanged once by POST for a session) or
 * `/#/sso?error=<reason>`. Read once at start-up; the address is cleaned at once, so
 * that neither Back nor a bookmark keeps the code.
 */

/** What the user can do about each refusal (`sso_failed`'s reasons, docs/protocol.md). */
export const SSO_FAILURES: Record<string, string> = {
  not_configured: 'Single sign-on is not set up on this server.',
  state: 'That sign-in expired or was started in another browser. Please try again.',
  provider: 'Your identity provider did not confirm the sign-in. Please try again.',
  no_account: 'No account on this server belongs to your identity. Ask an administrator for one.',
  email_domain: 'Your e-mail address is not verified or not in a domain this server accepts.',
  username: 'Your identity gives no username this server can use, or it belongs to someone else. Ask an administrator.',
  deactivated: 'This account was deactivated by an administrator.',
  code: 'That sign-in expired. Please try again.',
};

export type SsoReturn = { code: string } | { error: string } | undefined;

export function takeSsoReturn(): SsoReturn {
  const hash = window.location.hash;
  if (!hash.startsWith('#/sso?')) return undefined;
  const query = new URLSearchParams(hash.slice('#/sso?'.length));
  window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}`);
  const code = query.get('code');
  if (code !== null && code !== '') return { code };
  const reason = query.get('error') ?? 'provider';
  return { error: SSO_FAILURES[reason] ?? SSO_FAILURES.provider! };
}
