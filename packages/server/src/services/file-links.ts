/**
 * Signed download links: `<img>`, `<video>` and `<audio>` cannot send a bearer
 * token, so a member asks for a link (authorized like a download) and gets a
 * path whose query carries an expiry and an HMAC-SHA256 of (file, variant,
 * expiry). The link is the capability until it expires; nothing is stored.
 * Expiries are rounded up to half a TTL so that repeated links are identical
 * and browsers can cache what they fetched.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FileVariant } from '@parley/protocol';

export class FileLinkSigner {
  constructor(
    private readonly secret: string,
    private readonly ttlMs: number,
  ) {}

  private signature(fileId: string, variant: FileVariant, exp: number): string {
    return createHmac('sha256', this.secret).update(`${fileId}\n${variant}\n${exp}`).digest('base64url');
  }

  /** A path (no host) valid until the returned expiry. */
  sign(fileId: string, variant: FileVariant, now: number): { url: string; expiresAt: number } {
    const step = Math.max(1000, Math.floor(this.ttlMs / 2));
    const exp = Math.ceil((now + this.ttlMs) / step) * step;
    const path = variant === 'thumbnail' ? `/v1/files/${fileId}/thumbnail` : `/v1/files/${fileId}`;
    return { url: `${path}?exp=${exp}&sig=${this.signature(fileId, variant, exp)}`, expiresAt: exp };
  }

  verify(fileId: string, variant: FileVariant, exp: number, sig: string, now: number): boolean {
    if (!Number.isSafeInteger(exp) || exp < now) return false;
    const expected = Buffer.from(this.signature(fileId, variant, exp));
    const given = Buffer.from(sig);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /**
   * XEP-0363 (XMPP HTTP upload): the token of a one-shot PUT slot, valid until `exp`.
   * The slot is one-shot because the file record accepts bytes only while `uploading`.
   */
  slotToken(fileId: string, exp: number): string {
    const sig = createHmac('sha256', this.secret).update(`put\n${fileId}\n${exp}`).digest('base64url');
    return `${exp}.${sig}`;
  }

  verifySlot(fileId: string, token: string, now: number): boolean {
    const exp = Number(token.split('.')[0]);
    if (!Number.isSafeInteger(exp) || exp < now) return false;
    return safeEqual(token, this.slotToken(fileId, exp));
  }

  /**
   * A capability for one file that does not expire (XEP-0363 GET URLs live in message
   * bodies and archives): it dies with the file, when no message carries it any more.
   */
  capability(fileId: string): string {
    return createHmac('sha256', this.secret).update(`get\n${fileId}`).digest('base64url');
  }

  verifyCapability(fileId: string, token: string): boolean {
    return safeEqual(token, this.capability(fileId));
  }
}

function safeEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
