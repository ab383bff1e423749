/**
 * XEP-0030 Service Discovery: what the server (and an account) supports, and
 * the conference component as its one item. The feature list is built from the
 * handlers actually registered, so it cannot claim what is not there.
 */
import { parseJid } from '../jid';
import type { Router } from '../router';
import { el } from '../xml';
import { PEP_FEATURES } from './pep';
import { NS_UPLOAD, uploadDiscoInfo } from './upload';

export const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';
export const NS_DISCO_ITEMS = 'http://jabber.org/protocol/disco#items';

export function registerDisco(router: Router, features: readonly string[]): void {
  router.onIq('get', NS_DISCO_INFO, (ctx, iq) => {
    const to = parseJid(iq.attrs.to);
    const account = to !== null && to.local !== '';
    const identity = account
      ? el('identity', { category: 'account', type: 'registered' })
      : el('identity', { category: 'server', type: 'im', name: 'Parley' });
    // XEP-0163: every account is a PEP service (only the XEP-0084 avatar nodes, pep.ts).
    const pep = account ? [el('identity', { category: 'pubsub', type: 'pep' })] : [];
    const pepFeatures = account ? PEP_FEATURES.map((f) => el('feature', { var: f })) : [];
    const list = [NS_DISCO_INFO, NS_DISCO_ITEMS, ...features].map((f) => el('feature', { var: f }));
    // XEP-0363: the server JID is also the upload service (identity store/file, max-file-size form).
    const upload = account ? [] : uploadDiscoInfo(ctx);
    const uploadFeature = account ? [] : [el('feature', { var: NS_UPLOAD })];
    return Promise.resolve(
      el(
        'query',
        { xmlns: NS_DISCO_INFO },
        identity,
        ...pep,
        ...upload.slice(0, 1),
        ...list,
        ...pepFeatures,
        ...uploadFeature,
        ...upload.slice(1),
      ),
    );
  });
  // The server's one item is its conference component (XEP-0045 6.1); muc.ts answers for it.
  router.onIq('get', NS_DISCO_ITEMS, (ctx) =>
    Promise.resolve(
      el('query', { xmlns: NS_DISCO_ITEMS }, el('item', { jid: ctx.jids.conference, name: 'Parley groups' })),
    ),
  );
}
