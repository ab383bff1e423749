/** XEP-0199 XMPP Ping: a client's `<ping/>` to the server gets an empty result. */
import type { Router } from '../router';

export const NS_PING = 'urn:xmpp:ping';

export function registerPing(router: Router): void {
  router.onIq('get', NS_PING, () => Promise.resolve());
}
