/**
 * What outgoing webhooks and pre-send hooks share about the URLs they call: the check
 * of an administrator's or bot owner's URL when it is configured (http(s), no
 * credentials, not an internal address unless allowed: checked again at every request,
 * since DNS can change), and the Standard Webhooks signing secret they are given.
 */
import { randomBytes } from 'node:crypto';
import { AppError } from '../domain/errors';
import { OutboundError } from '../ports/outbound-http';

/** An outgoing client that can check a host before any request (net/safe-fetch.ts). */
export interface HostChecker {
  checkHost?(host: string): Promise<unknown>;
}

/**
 * The URL in normal form.
 * @throws AppError('url_not_allowed')
 */
export async function checkTargetUrl(raw: string, outbound: HostChecker): Promise<string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError('url_not_allowed', 'The URL cannot be parsed.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new AppError('url_not_allowed', 'Only http and https URLs are allowed.');
  if (url.username !== '' || url.password !== '')
    throw new AppError('url_not_allowed', 'A webhook URL must not carry credentials.');
  try {
    await outbound.checkHost?.(url.hostname);
  } catch (error) {
    if (error instanceof OutboundError) throw new AppError('url_not_allowed', error.message);
    throw error;
  }
  return url.toString();
}

/** A new signing secret in the Standard Webhooks form (`whsec_` and 32 random bytes in base64). */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}
