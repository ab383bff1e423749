/**
 * XEP-0077 In-Band Registration, before authentication: the form (`username`,
 * `password`) and the sign-up itself, through the same service call as the native
 * `POST /v1/auth/register` (accounts.signUp): the same username rules, password
 * policy and budget of attempts per client address. Offered (the stream feature
 * `http://jabber.org/features/iq-register`, stream-framing.ts) only when self sign-up
 * is open (PARLEY_REGISTRATION) and the stream is one where a password may travel
 * (after STARTTLS, wss or loopback: where SASL PLAIN is offered). Answers only; the
 * session decides when a stanza is one of these (negotiation.ts).
 *
 * Not offered: password change (section 3.3: the form carries no current password,
 * while Parley's password change needs it) and account removal (3.2: no service
 * removes an account).
 */
import { AppError } from '../../../domain/errors';
import type { ClientOrigin, Services } from '../../../services';
import { errorStanza, StanzaError } from '../router';
import { child, el, text, type XmlElement } from '../xml';

export const NS_REGISTER = 'jabber:iq:register';
export const NS_REGISTER_FEATURE = 'http://jabber.org/features/iq-register';

type AccountService = Services['accounts'];

/** XEP-0077 3.1: what a new account needs. */
function form(): XmlElement {
  return el(
    'query',
    { xmlns: NS_REGISTER },
    el('instructions', {}, 'Choose a username (2-32 characters: a-z, 0-9, "_", "." and "-") and a password.'),
    el('username'),
    el('password'),
  );
}

/** Service refusals as XEP-0077 3.1 / RFC 6120 8.3 conditions, with the service's text. */
function toRegisterError(error: unknown): StanzaError {
  if (error instanceof StanzaError) return error;
  if (!(error instanceof AppError)) throw error;
  switch (error.code) {
    case 'username_taken':
      return new StanzaError('conflict', 'cancel', error.message);
    case 'bad_request':
    case 'weak_password':
    case 'invalid_text':
      return new StanzaError('not-acceptable', 'modify', error.message);
    case 'registration_closed':
      return new StanzaError('not-allowed', 'cancel', error.message);
    case 'rate_limited':
      return new StanzaError('resource-constraint', 'wait', error.message);
    default:
      throw error;
  }
}

async function answer(accounts: AccountService, origin: ClientOrigin, iq: XmlElement, query: XmlElement) {
  if (iq.attrs.type === 'get') return form();
  if (iq.attrs.type !== 'set') throw new StanzaError('bad-request', 'modify');
  if (child(query, 'remove')) {
    throw new StanzaError('not-allowed', 'cancel', 'log in first; Parley does not remove accounts over XMPP');
  }
  const username = child(query, 'username');
  const password = child(query, 'password');
  if (!username || !password || text(username) === '' || text(password) === '') {
    throw new StanzaError('not-acceptable', 'modify', 'a username and a password are required');
  }
  await accounts.signUp({ username: text(username), password: text(password) }, origin);
  return undefined;
}

/**
 * One pre-authentication `jabber:iq:register` IQ: the result (the form, or empty
 * after a sign-up) or its error. Refused with `service-unavailable` when sign-up is
 * closed, as for any feature the server does not offer.
 */
export async function registerIq(
  accounts: AccountService,
  origin: ClientOrigin,
  iq: XmlElement,
  query: XmlElement,
): Promise<XmlElement> {
  const id = iq.attrs.id;
  try {
    if (!accounts.registrationOpen) {
      throw new StanzaError('service-unavailable', 'cancel', 'self sign-up is closed on this server');
    }
    if (!id) throw new StanzaError('bad-request', 'modify', 'an IQ needs an id');
    const result = await answer(accounts, origin, iq, query);
    return el('iq', { type: 'result', id }, ...(result ? [result] : []));
  } catch (error) {
    return errorStanza(iq, toRegisterError(error));
  }
}
