/**
 * XEP-0280 Message Carbons: a resource that enables them also gets, wrapped in
 * `<sent/>`, what its user sent from other devices (outbound.ts writes them).
 * `<received/>` carbons are not needed: Parley already delivers every incoming
 * message to every resource of the user.
 */
import type { Router } from '../router';

export const NS_CARBONS = 'urn:xmpp:carbons:2';

export function registerCarbons(router: Router): void {
  router.onIq('set', NS_CARBONS, (ctx, _iq, payload) => {
    ctx.state.carbons = payload.name === 'enable';
    return Promise.resolve();
  });
}
