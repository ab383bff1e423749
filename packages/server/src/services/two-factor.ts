/**
 * Two-factor authentication with TOTP (RFC 6238: SHA-1, 6 digits, 30-second steps,
 * one step of clock drift either way) and ten single-use recovery codes. Set up
 * makes a secret that counts only once a first code confirms it; every code is
 * accepted once: the last time step used is stored and a code of that step or an
 * earlier one is a replay (refused on every node, the store decides atomically).
 * Recovery codes are stored as SHA-256 (they are 50 random bits each, so a plain
 * hash is enough; no password hashing needed). The TOTP secret itself must be
 * readable to check codes: it is stored as is, so the database must be protected
 * like any credential store (docs/operations.md).
 */
import { createHash, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import type { RecoveryCodesResponse, TwoFactorSetupResponse, TwoFactorStatusResponse } from '@parley/protocol';
import { AppError } from '../domain/errors';
import type { ServiceDeps } from './deps';
import type { AuthContext } from './accounts';
import { recordAudit, type AuditActor } from './audit';

export const RECOVERY_CODE_COUNT = 10;
const PERIOD_SECONDS = 30;
const ISSUER = 'Parley';
/** Crockford-like alphabet without look-alikes (no 0/o, 1/l/i). */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

function totpFor(secret: string, label: string): TOTP {
  return new TOTP({
    issuer: ISSUER,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD_SECONDS,
    secret: Secret.fromBase32(secret),
  });
}

function newRecoveryCode(): string {
  const bytes = randomBytes(10);
  const chars = [...bytes].map((b) => ALPHABET[b % ALPHABET.length]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

/** Recovery codes compare without case, spaces or dashes. */
export function hashRecoveryCode(code: string): string {
  const normalized = code.toLowerCase().replace(/[\s-]/g, '');
  return createHash('sha256').update(normalized, 'utf8').digest('hex');
}

const invalidCode = () =>
  new AppError('second_factor_invalid', 'The code is wrong or was already used.', { details: { reason: 'code' } });

export class TwoFactorService {
  constructor(private readonly deps: ServiceDeps) {}

  async status(auth: AuthContext): Promise<TwoFactorStatusResponse> {
    const record = await this.deps.store.getTwoFactor(auth.user.id);
    const enabled = record?.enabledAt != null;
    return {
      enabled,
      recoveryCodesLeft: enabled ? await this.deps.store.countRecoveryCodesLeft(auth.user.id) : 0,
    };
  }

  async isEnabled(userId: string): Promise<boolean> {
    return (await this.deps.store.getTwoFactor(userId))?.enabledAt != null;
  }

  /** A new secret, active once `enable` confirms it with a code. */
  async setup(auth: AuthContext): Promise<TwoFactorSetupResponse> {
    if (await this.isEnabled(auth.user.id)) {
      throw new AppError('invalid_operation', 'Two-factor authentication is already on: turn it off first.');
    }
    const secret = new Secret({ size: 20 }).base32;
    await this.deps.store.setTwoFactorSecret(auth.user.id, secret, this.deps.clock.now());
    return { secret, uri: totpFor(secret, auth.user.username).toString() };
  }

  /** Confirms the secret with a first code; returns the recovery codes (shown once). */
  async enable(auth: AuthContext, code: string, actor: AuditActor): Promise<RecoveryCodesResponse> {
    const record = await this.deps.store.getTwoFactor(auth.user.id);
    if (!record || record.enabledAt !== null) {
      throw new AppError('invalid_operation', 'Set up two-factor authentication first (POST /v1/me/2fa/setup).');
    }
    const step = this.totpStep(record.secret, auth.user.username, code);
    if (step === null) throw invalidCode();
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (tx) => {
      await tx.enableTwoFactor(auth.user.id, now, step, codes.map(hashRecoveryCode));
      await recordAudit(tx, actor, now, 'two_factor.enabled', auth.user.id, { username: auth.user.username });
    });
    return { recoveryCodes: codes };
  }

  /** Turns it off; needs a current code or a recovery code. */
  async disable(auth: AuthContext, code: string, actor: AuditActor): Promise<void> {
    const method = await this.verify(auth.user.id, auth.user.username, code);
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (tx) => {
      await tx.deleteTwoFactor(auth.user.id);
      await recordAudit(tx, actor, now, 'two_factor.disabled', auth.user.id, { username: auth.user.username, method });
    });
  }

  /** New recovery codes (the old ones stop working); needs a current code or a recovery code. */
  async regenerateRecoveryCodes(auth: AuthContext, code: string, actor: AuditActor): Promise<RecoveryCodesResponse> {
    await this.verify(auth.user.id, auth.user.username, code);
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (tx) => {
      await tx.replaceRecoveryCodes(auth.user.id, codes.map(hashRecoveryCode));
      await recordAudit(tx, actor, now, 'two_factor.recovery_codes_renewed', auth.user.id, {
        username: auth.user.username,
      });
    });
    return { recoveryCodes: codes };
  }

  /**
   * Checks a second factor of an account with 2FA on: a TOTP code (each time step
   * once) or an unused recovery code (then used up).
   * @throws AppError('second_factor_invalid')
   */
  async verify(userId: string, username: string, code: string): Promise<'totp' | 'recovery'> {
    const record = await this.deps.store.getTwoFactor(userId);
    if (!record || record.enabledAt === null) {
      throw new AppError('invalid_operation', 'Two-factor authentication is not on for this account.');
    }
    const digits = code.replace(/\s/g, '');
    if (/^\d{6}$/.test(digits)) {
      const step = this.totpStep(record.secret, username, digits);
      if (step === null || !(await this.deps.store.useTotpStep(userId, step))) throw invalidCode();
      return 'totp';
    }
    if (await this.deps.store.useRecoveryCode(userId, hashRecoveryCode(code), this.deps.clock.now())) return 'recovery';
    throw invalidCode();
  }

  /** The time step the code belongs to (now, or one step either side), or null. */
  private totpStep(secret: string, username: string, code: string): number | null {
    const totp = totpFor(secret, username);
    const timestamp = this.deps.clock.now();
    const delta = totp.validate({ token: code.replace(/\s/g, ''), timestamp, window: 1 });
    if (delta === null) return null;
    return totp.counter({ timestamp }) + delta;
  }
}
