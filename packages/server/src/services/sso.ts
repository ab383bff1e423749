/**
 * Single sign-on with OpenID Connect (ADR 0023): Parley is the relying party of one
 * identity provider, through `openid-client`. A login is three steps:
 *
 * 1. {@link SsoService.start}: a `state`, a `nonce` and a PKCE verifier, kept on the
 *    server under the SHA-256 of the state (single use, PARLEY_SSO_LOGIN_TIMEOUT_SECONDS)
 *    and bound to the browser by a secret the gateway puts in a cookie; the browser is
 *    sent to the provider's authorization endpoint.
 * 2. {@link SsoService.callback}: the state is taken (once), the code exchanged and the
 *    ID token checked by openid-client (signature, issuer, audience, nonce, PKCE); the
 *    identity `(issuer, sub)` is found in sso_identities, or an account is created for
 *    it (PARLEY_SSO_CREATE_ACCOUNTS). Never found by e-mail address or username.
 *    The result is a one-time code, not a session token: it goes into the web app's
 *    address, where a token must never be.
 * 3. {@link SsoService.exchange}: the web app posts the code (once, within
 *    SSO_CODE_TTL_MS, from the same browser) and gets a session as a password login does.
 *
 * Every request to the provider goes through the outgoing-request guard
 * (net/safe-fetch.ts, via openid-client's `customFetch`). Every refusal is
 * `sso_failed` with a `reason`, counted against the address's login budget and
 * written to the audit log (`login.failed`, `via: "sso"`). openid-client is loaded on
 * first use: a server without SSO never loads it (memory, issue 12).
 */
import type * as Oidc from 'openid-client';
import { AppError } from '../domain/errors';
import type { OutboundHttp } from '../ports/outbound-http';
import type { UserRecord } from '../ports/store';
import type { AccountService, Authenticated } from './accounts';
import { recordAudit } from './audit';
import type { ServiceDeps } from './deps';
import { RateLimits, type ClientOrigin } from './rate-limits';
import { hashToken, newToken } from './tokens';

let library: Promise<typeof Oidc> | undefined;
/** openid-client, imported once, when the first SSO login needs it. */
function openidClient(): Promise<typeof Oidc> {
  library ??= import('openid-client');
  return library;
}

/** How long the web app has to exchange the one-time code the callback hands it. */
export const SSO_CODE_TTL_MS = 60_000;
/** Time for each request to the provider (discovery, token endpoint, keys). */
const PROVIDER_TIMEOUT_MS = 10_000;
/** Largest answer read from the provider. */
const PROVIDER_MAX_BYTES = 1024 * 1024;

/** Why a single sign-on login was refused (`details.reason` of `sso_failed`; docs/protocol.md). */
export type SsoFailure =
  'not_configured' | 'state' | 'provider' | 'no_account' | 'email_domain' | 'username' | 'deactivated' | 'code';

export interface SsoOptions {
  issuer: string;
  clientId: string;
  /** null: a public client (PKCE alone). */
  clientSecret: string | null;
  /** Space-separated; `openid` is added when missing. */
  scopes: string;
  label: string;
  /** Accounts are created on the first login of an unknown identity. */
  createAccounts: boolean;
  /** Lower-case domains; empty: any. */
  emailDomains: readonly string[];
  usernameClaim: string;
  loginTimeoutMs: number;
  /** The outgoing-request guard every request to the provider goes through. */
  outbound: OutboundHttp;
}

/** What the login in progress keeps on the server (a `state` ticket). */
interface PendingLogin {
  nonce: string;
  verifier: string;
  browser: string;
  redirectUri: string;
}

/** A finished login waiting for its exchange (a `code` ticket). */
interface FinishedLogin {
  userId: string;
  browser: string;
  issuer: string;
}

function failure(reason: SsoFailure, message: string, cause?: unknown): AppError {
  return new AppError('sso_failed', message, { details: { reason }, ...(cause === undefined ? {} : { cause }) });
}

/** The callback's address under the server's public URL (registered at the provider). */
export function ssoRedirectUri(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/v1/auth/sso/callback`;
}

/** Parses PARLEY_SSO_EMAIL_DOMAINS. */
export function parseEmailDomains(value: string | null): string[] {
  return (value ?? '')
    .split(/[,\s]+/)
    .map((domain) => domain.trim().toLowerCase().replace(/^@/, ''))
    .filter((domain) => domain !== '');
}

/**
 * A username from a claim's value: lower-cased, an e-mail address's part before `@`,
 * characters a username cannot have as `_`, at most 32. Undefined when nothing usable is left.
 */
export function usernameFromClaim(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  let name = value.trim().toLowerCase();
  if (name.includes('@')) name = name.slice(0, name.indexOf('@'));
  name = name.replace(/[^a-z0-9_.-]/g, '_').slice(0, 32);
  return name.length >= 2 && /[a-z0-9]/.test(name) ? name : undefined;
}

/** openid-client's fetch, answered by the outgoing-request guard (no redirects, bounded, SSRF-checked). */
export function guardedFetch(outbound: OutboundHttp): Oidc.CustomFetch {
  return async (url, options) => {
    const method = options.method.toUpperCase();
    if (method !== 'GET' && method !== 'POST') throw new TypeError(`Unexpected method ${method}.`);
    const body = options.body;
    let text: string | undefined;
    if (body === null || body === undefined) text = undefined;
    else if (typeof body === 'string') text = body;
    else if (body instanceof URLSearchParams) text = body.toString();
    else if (body instanceof Uint8Array) text = Buffer.from(body).toString('utf8');
    else if (body instanceof ArrayBuffer) text = Buffer.from(body).toString('utf8');
    else throw new TypeError('A streamed body is not sent to the identity provider.');
    const answer = await outbound.send({
      url,
      method,
      headers: options.headers,
      ...(text === undefined ? {} : { body: text }),
      timeoutMs: PROVIDER_TIMEOUT_MS,
      maxResponseBytes: PROVIDER_MAX_BYTES,
    });
    if (answer.truncated) throw new Error('The identity provider answered more than 1 MiB.');
    // A 204/304 answer must have no body in a Response.
    const empty = answer.status === 204 || answer.status === 304;
    return new Response(empty ? null : answer.body, { status: answer.status, headers: answer.headers });
  };
}

export class SsoService {
  private readonly rates: RateLimits;
  private configuration: Promise<Oidc.Configuration> | undefined;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly accounts: AccountService,
    private readonly options: SsoOptions | null,
  ) {
    this.rates = new RateLimits(deps.rates, deps.logger);
  }

  /** What `GET /v1/server` says: null when SSO is off. */
  get publicInfo(): { label: string; passwordLogin: boolean } | null {
    if (!this.options) return null;
    return { label: this.options.label, passwordLogin: this.deps.limits.passwordLogin !== false };
  }

  /** For `parley admin sso status`: the configuration without its secret, and how many identities are linked. */
  async status(): Promise<{
    enabled: boolean;
    issuer: string | null;
    clientId: string | null;
    clientSecret: boolean;
    scopes: string | null;
    label: string | null;
    passwordLogin: boolean;
    createAccounts: boolean;
    emailDomains: string[];
    usernameClaim: string | null;
    linkedIdentities: number;
  }> {
    const o = this.options;
    return {
      enabled: o !== null,
      issuer: o?.issuer ?? null,
      clientId: o?.clientId ?? null,
      clientSecret: o?.clientSecret != null,
      scopes: o ? this.scope(o) : null,
      label: o?.label ?? null,
      passwordLogin: this.deps.limits.passwordLogin !== false,
      createAccounts: o?.createAccounts ?? false,
      emailDomains: [...(o?.emailDomains ?? [])],
      usernameClaim: o?.usernameClaim ?? null,
      linkedIdentities: await this.deps.store.countSsoIdentities(),
    };
  }

  private required(): SsoOptions {
    if (!this.options) throw failure('not_configured', 'Single sign-on is not configured on this server.');
    return this.options;
  }

  private scope(options: SsoOptions): string {
    const scopes = options.scopes.split(/\s+/).filter((s) => s !== '');
    return (scopes.includes('openid') ? scopes : ['openid', ...scopes]).join(' ');
  }

  /** The provider's metadata, discovered once; a failed discovery is tried again by the next login. */
  private provider(options: SsoOptions): Promise<Oidc.Configuration> {
    if (!this.configuration) {
      this.configuration = openidClient()
        .then((oidc) => this.discover(oidc, options))
        .catch((error: unknown) => {
          this.configuration = undefined;
          throw error;
        });
    }
    return this.configuration;
  }

  private discover(oidc: typeof Oidc, options: SsoOptions): Promise<Oidc.Configuration> {
    const issuer = new URL(options.issuer);
    // Plain http only for a provider on this machine (tests, a local proxy).
    const loopback = ['127.0.0.1', '[::1]', 'localhost'].includes(issuer.hostname);
    const insecure = issuer.protocol === 'http:' && loopback;
    return oidc.discovery(
      issuer,
      options.clientId,
      options.clientSecret ?? undefined,
      options.clientSecret === null ? oidc.None() : oidc.ClientSecretBasic(options.clientSecret),
      {
        [oidc.customFetch]: guardedFetch(options.outbound),
        timeout: PROVIDER_TIMEOUT_MS / 1000,
        ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
      },
    );
  }

  /**
   * Begins a login: the provider's authorization URL to send the browser to, and the
   * secret that binds this login to that browser (the gateway sets it as a cookie).
   * @throws AppError('sso_failed': not_configured | provider)
   */
  async start(baseUrl: string): Promise<{ url: string; browser: string }> {
    const options = this.required();
    let config: Oidc.Configuration;
    try {
      config = await this.provider(options);
    } catch (error) {
      this.deps.logger.warn({ err: error, issuer: options.issuer }, 'sso discovery failed');
      throw failure('provider', 'The identity provider cannot be reached: try again later.', error);
    }
    const oidc = await openidClient();
    const state = oidc.randomState();
    const pending: PendingLogin = {
      nonce: oidc.randomNonce(),
      verifier: oidc.randomPKCECodeVerifier(),
      browser: newToken(),
      redirectUri: ssoRedirectUri(baseUrl),
    };
    const now = this.deps.clock.now();
    await this.deps.store.putSsoTicket(
      {
        kind: 'state',
        idHash: hashToken(state),
        data: JSON.stringify({ ...pending, browser: hashToken(pending.browser) }),
        expiresAt: now + options.loginTimeoutMs,
      },
      now,
    );
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: pending.redirectUri,
      scope: this.scope(options),
      state,
      nonce: pending.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
    });
    return { url: url.href, browser: pending.browser };
  }

  /**
   * The provider sent the browser back (`currentUrl` is the callback's full address).
   * Returns the one-time code for the web app. A refusal is audited and counted.
   * @throws AppError('sso_failed')
   */
  async callback(currentUrl: URL, browser: string | undefined, origin: ClientOrigin): Promise<string> {
    return this.audited(origin, async () => {
      const options = this.required();
      const state = currentUrl.searchParams.get('state');
      const raw = state
        ? await this.deps.store.takeSsoTicket('state', hashToken(state), this.deps.clock.now())
        : undefined;
      const pending = raw === undefined ? undefined : (JSON.parse(raw) as PendingLogin);
      // Unknown, used, expired, or started by another browser (login CSRF): the same answer.
      if (!pending || browser === undefined || hashToken(browser) !== pending.browser) {
        throw failure(
          'state',
          'This login link expired, was already used or was started in another browser: start again.',
        );
      }
      const providerError = currentUrl.searchParams.get('error');
      if (providerError !== null) {
        throw failure('provider', `The identity provider refused the login (${providerError.slice(0, 64)}).`);
      }
      let claims: Oidc.IDToken;
      try {
        const oidc = await openidClient();
        const config = await this.provider(options);
        // The code goes back with the redirect URI it was issued for; the query holds only code and state.
        const answer = new URL(pending.redirectUri);
        answer.search = currentUrl.search;
        const tokens = await oidc.authorizationCodeGrant(config, answer, {
          pkceCodeVerifier: pending.verifier,
          expectedState: state ?? undefined,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        });
        const idClaims = tokens.claims();
        if (!idClaims) throw new Error('no ID token');
        claims = idClaims;
      } catch (error) {
        this.deps.logger.warn({ err: error, issuer: options.issuer }, 'sso code exchange refused');
        throw failure('provider', 'The identity provider did not confirm the login: start again.', error);
      }
      this.checkEmail(options, claims);
      const user = await this.accountFor(options, claims, origin);
      if (user.deactivatedAt !== null) {
        throw failure('deactivated', 'This account was deactivated by an administrator.');
      }
      const code = newToken();
      const now = this.deps.clock.now();
      const finished: FinishedLogin = { userId: user.id, browser: pending.browser, issuer: claims.iss };
      await this.deps.store.putSsoTicket(
        { kind: 'code', idHash: hashToken(code), data: JSON.stringify(finished), expiresAt: now + SSO_CODE_TTL_MS },
        now,
      );
      return code;
    });
  }

  /**
   * The web app trades the one-time code for a session (once, from the browser that
   * started the login).
   * @throws AppError('sso_failed': code | deactivated)
   */
  async exchange(
    input: { code: string; deviceName?: string },
    browser: string | undefined,
    origin: ClientOrigin,
  ): Promise<Authenticated> {
    return this.audited(origin, async () => {
      this.required();
      const raw = await this.deps.store.takeSsoTicket('code', hashToken(input.code), this.deps.clock.now());
      const finished = raw === undefined ? undefined : (JSON.parse(raw) as FinishedLogin);
      if (!finished || browser === undefined || hashToken(browser) !== finished.browser) {
        throw failure('code', 'This login code is unknown, expired or already used: sign in again.');
      }
      const user = await this.deps.store.getUser(finished.userId);
      if (!user || user.deletedAt !== null) throw failure('no_account', 'The account of this login no longer exists.');
      if (user.deactivatedAt !== null)
        throw failure('deactivated', 'This account was deactivated by an administrator.');
      return this.accounts.openSsoSession(user, { issuer: finished.issuer, ...input }, origin);
    });
  }

  /** PARLEY_SSO_EMAIL_DOMAINS: a verified address in one of them, at every login. */
  private checkEmail(options: SsoOptions, claims: Oidc.IDToken): void {
    if (options.emailDomains.length === 0) return;
    const email = typeof claims.email === 'string' ? claims.email.toLowerCase() : '';
    const domain = email.slice(email.lastIndexOf('@') + 1);
    if (claims.email_verified !== true || !email.includes('@') || !options.emailDomains.includes(domain)) {
      throw failure(
        'email_domain',
        'Your identity has no verified e-mail address in a domain this server accepts: ask an administrator.',
      );
    }
  }

  /** The account linked to `(iss, sub)`, or a new one (PARLEY_SSO_CREATE_ACCOUNTS). */
  private async accountFor(options: SsoOptions, claims: Oidc.IDToken, origin: ClientOrigin): Promise<UserRecord> {
    const now = this.deps.clock.now();
    const linked = await this.deps.store.getSsoIdentity(claims.iss, claims.sub);
    if (linked) {
      const user = await this.deps.store.getUser(linked.userId);
      if (!user || user.deletedAt !== null) throw failure('no_account', 'The account of this identity was deleted.');
      await this.deps.store.touchSsoIdentity(claims.iss, claims.sub, now);
      return user;
    }
    if (!options.createAccounts) {
      throw failure('no_account', 'No account on this server belongs to your identity: ask an administrator.');
    }
    const username = usernameFromClaim(claims[options.usernameClaim]);
    if (username === undefined) {
      throw failure('username', `Your identity has no usable "${options.usernameClaim}" claim to name your account.`);
    }
    const displayName = typeof claims.name === 'string' ? claims.name : undefined;
    let user: UserRecord;
    try {
      user = await this.accounts.createPasswordlessUser(
        { username, ...(displayName === undefined ? {} : { displayName }) },
        (created) => ({ id: created.id, name: created.username, address: origin.address }),
        { via: 'sso', issuer: claims.iss },
      );
    } catch (error) {
      if (error instanceof AppError && error.code === 'username_taken') {
        // Never linked to an account that merely has the same name.
        throw failure(
          'username',
          `The username "${username}" belongs to another account: ask an administrator.`,
          error,
        );
      }
      if (error instanceof AppError && ['bad_request', 'invalid_text'].includes(error.code)) {
        throw failure('username', 'Your identity gives no usable username or name.', error);
      }
      throw error;
    }
    if (
      !(await this.deps.store.linkSsoIdentity({
        issuer: claims.iss,
        subject: claims.sub,
        userId: user.id,
        createdAt: now,
        lastLoginAt: now,
      }))
    ) {
      // A second callback of the same new identity won the race (its username differs
      // only if the claim changed): this login goes to the account that is linked.
      const raced = await this.deps.store.getSsoIdentity(claims.iss, claims.sub);
      const winner = raced && (await this.deps.store.getUser(raced.userId));
      if (!winner) throw failure('no_account', 'The account of this identity could not be linked: try again.');
      return winner;
    }
    return user;
  }

  /** Runs a step; a refusal is written to the audit log and counted against the address's budget. */
  private async audited<T>(origin: ClientOrigin, step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      if (error instanceof AppError && error.code === 'sso_failed') {
        const reason = (error.details as { reason?: string } | undefined)?.reason ?? 'unknown';
        await recordAudit(
          this.deps.store,
          { id: null, name: null, address: origin.address },
          this.deps.clock.now(),
          'login.failed',
          null,
          { via: 'sso', reason },
        );
        await this.rates.authFailure(origin);
      }
      throw error;
    }
  }
}
