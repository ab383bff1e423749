/**
 * SASL (RFC 6120 section 6) mechanisms of the XMPP gateway: PLAIN (RFC 4616,
 * offered only on a secure stream) and SCRAM-SHA-1 / SCRAM-SHA-256 (RFC 5802,
 * RFC 7677, without channel binding). This file owns the SASL message syntax;
 * the keys and the proof check are services/accounts' (the gateway never sees a
 * stored key). Each exchange is a small state machine fed one message at a time.
 */
import { randomBytes } from 'node:crypto';
import { AppError } from '../../domain/errors';
import type { AuthContext, ClientOrigin, Services } from '../../services';
import type { ScramMechanism } from '../../services/scram';

export type SaslStep =
  | { kind: 'challenge'; data: string }
  | { kind: 'success'; auth: AuthContext; data?: string }
  | {
      kind: 'failure';
      condition:
        'not-authorized' | 'malformed-request' | 'invalid-authzid' | 'encryption-required' | 'account-disabled';
      /** Human-readable reason (RFC 6120 6.4.5 `<text/>`). */
      text?: string;
    }
  /** The client address's authentication budget is spent (PARLEY_RATE_AUTH_PER_MIN). */
  | { kind: 'rate-limited'; retryAfterMs: number };

export interface SaslExchange {
  step(data: Buffer): Promise<SaslStep>;
}

export const DEVICE_NAME = 'XMPP client';

/** Mechanisms in preference order for this stream. */
export function mechanismsFor(secure: boolean): string[] {
  return secure ? ['SCRAM-SHA-256', 'SCRAM-SHA-1', 'PLAIN'] : ['SCRAM-SHA-256', 'SCRAM-SHA-1'];
}

/** Wrong credentials and a spent budget are SASL outcomes; anything else is the session's to report. */
async function credentialsFailure<T>(attempt: Promise<T>): Promise<T | SaslStep> {
  try {
    return await attempt;
  } catch (error) {
    // An account made by single sign-on has no password to give (ADR 0023): said plainly.
    if (error instanceof AppError && error.code === 'invalid_credentials' && error.details?.reason === 'no_password')
      return { kind: 'failure', condition: 'not-authorized', text: error.message };
    if (error instanceof AppError && error.code === 'invalid_credentials')
      return { kind: 'failure', condition: 'not-authorized' };
    if (error instanceof AppError && error.code === 'password_login_disabled')
      return { kind: 'failure', condition: 'not-authorized', text: error.message };
    // RFC 6120 6.5.1: the account exists and is disabled.
    if (error instanceof AppError && error.code === 'account_deactivated')
      return { kind: 'failure', condition: 'account-disabled', text: error.message };
    // An account with two-factor authentication: SASL cannot carry the second factor (docs/xmpp.md).
    if (error instanceof AppError && error.code === 'second_factor_required')
      return { kind: 'failure', condition: 'not-authorized', text: error.message };
    if (error instanceof AppError && error.code === 'rate_limited') {
      const retryAfterMs = error.details?.retryAfterMs;
      return { kind: 'rate-limited', retryAfterMs: typeof retryAfterMs === 'number' ? retryAfterMs : 60_000 };
    }
    throw error;
  }
}

const isStep = (value: object): value is SaslStep => 'kind' in value;

export function startSasl(
  mechanism: string,
  services: Services,
  domain: string,
  origin: ClientOrigin,
): SaslExchange | null {
  if (mechanism === 'PLAIN') return plain(services, domain, origin);
  if (mechanism === 'SCRAM-SHA-1' || mechanism === 'SCRAM-SHA-256') return scram(mechanism, services, origin);
  return null;
}

function plain(services: Services, domain: string, origin: ClientOrigin): SaslExchange {
  return {
    async step(data) {
      const parts = data.toString('utf8').split('\0');
      if (parts.length !== 3) return { kind: 'failure', condition: 'malformed-request' };
      const [authzid = '', username = '', password = ''] = parts;
      if (authzid !== '' && authzid.toLowerCase() !== `${username.toLowerCase()}@${domain}`) {
        return { kind: 'failure', condition: 'invalid-authzid' };
      }
      const auth = await credentialsFailure(
        services.accounts.loginWithPassword({ username, password, deviceName: DEVICE_NAME }, origin),
      );
      return isStep(auth) ? auth : { kind: 'success', auth };
    },
  };
}

/** RFC 5802 saslname: `=2C` is ',' and `=3D` is '='; any other '=' is malformed. */
function decodeSaslName(value: string): string | null {
  if (/=(?!2C|3D)/.test(value)) return null;
  return value.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

function attributes(message: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of message.split(',')) {
    const eq = part.indexOf('=');
    if (eq === 1) out.set(part.slice(0, 1), part.slice(2));
  }
  return out;
}

function scram(mechanism: ScramMechanism, services: Services, origin: ClientOrigin): SaslExchange {
  let state:
    | { phase: 'first' }
    | { phase: 'final'; username: string; gs2Header: string; nonce: string; firstBare: string; serverFirst: string }
    | { phase: 'done' } = { phase: 'first' };
  return {
    async step(data) {
      const message = data.toString('utf8');
      if (state.phase === 'first') {
        // gs2-header: "n,," or "y,," (we offer no -PLUS); "p=..." asks for channel binding.
        const match = /^([ny]),(a=[^,]*)?,(.*)$/.exec(message);
        if (!match) return { kind: 'failure', condition: 'malformed-request' };
        const firstBare = match[3] ?? '';
        const attrs = attributes(firstBare);
        const username = decodeSaslName(attrs.get('n') ?? '');
        const clientNonce = attrs.get('r');
        if (!username || !clientNonce || firstBare.startsWith('m='))
          return { kind: 'failure', condition: 'malformed-request' };
        const { salt, iterations } = await services.accounts.scramParameters(username, mechanism);
        const nonce = clientNonce + randomBytes(18).toString('base64url');
        const serverFirst = `r=${nonce},s=${salt},i=${iterations}`;
        state = {
          phase: 'final',
          username,
          gs2Header: message.slice(0, message.length - firstBare.length),
          nonce,
          firstBare,
          serverFirst,
        };
        return { kind: 'challenge', data: serverFirst };
      }
      if (state.phase !== 'final') return { kind: 'failure', condition: 'malformed-request' };
      const { username, gs2Header, nonce, firstBare, serverFirst } = state;
      state = { phase: 'done' };
      const proofAt = message.lastIndexOf(',p=');
      if (proofAt === -1) return { kind: 'failure', condition: 'malformed-request' };
      const withoutProof = message.slice(0, proofAt);
      const attrs = attributes(withoutProof);
      if (attrs.get('c') !== Buffer.from(gs2Header).toString('base64') || attrs.get('r') !== nonce) {
        return { kind: 'failure', condition: 'not-authorized' };
      }
      const result = await credentialsFailure(
        services.accounts.loginWithScram(
          {
            username,
            mechanism,
            authMessage: `${firstBare},${serverFirst},${withoutProof}`,
            clientProof: Buffer.from(message.slice(proofAt + 3), 'base64'),
            deviceName: DEVICE_NAME,
          },
          origin,
        ),
      );
      if (isStep(result)) return result;
      return { kind: 'success', auth: result.auth, data: `v=${result.serverSignature}` };
    },
  };
}
