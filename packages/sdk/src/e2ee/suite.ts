/**
 * The one MLS cipher suite Parley uses: MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 (RFC 9420
 * suite 1, the suite every implementation must support). X25519 and Ed25519 keys are small and
 * fast, AES-128-GCM is hardware-accelerated nearly everywhere, and ts-mls runs it on @noble
 * alone (no optional peer dependency). A group records its suite; a second suite would be a
 * new value here and in the server's check, never a silent change.
 */
import { getCiphersuiteFromName, getCiphersuiteImpl, type CiphersuiteImpl, type CiphersuiteName } from 'ts-mls';

export const PARLEY_SUITE: CiphersuiteName = 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519';
/** Its number on the wire (RFC 9420 17.1). */
export const PARLEY_SUITE_ID = 1;

let impl: Promise<CiphersuiteImpl> | undefined;

/** The suite's implementation, made once. */
export function suiteImpl(): Promise<CiphersuiteImpl> {
  impl ??= getCiphersuiteImpl(getCiphersuiteFromName(PARLEY_SUITE));
  return impl;
}
