/**
 * The handler registry: builds the router with every XEP handler of the XMPP
 * gateway. Adding a XEP is a file in this folder and a line here.
 */
import { Router } from '../router';
import { NS_BLOCKING, registerBlocking } from './blocking';
import { NS_CARBONS, registerCarbons } from './carbons';
import { registerDisco } from './disco';
import { NS_MAM, NS_MAM_EXTENDED, registerMam } from './mam';
import { registerMessages } from './message';
import { registerMuc } from './muc';
import { registerMucAdmin } from './muc-admin';
import { registerMucOwner } from './muc-owner';
import { registerMucMessages } from './muc-messages';
import { NS_PING, registerPing } from './ping';
import { registerPresence } from './presence';
import { NS_CHATSTATES, NS_MARKERS, NS_RECEIPTS } from './receipts';
import { registerRoster } from './roster';
import { registerPep } from './pep';
import { registerUpload } from './upload';
import { NS_VCARD, registerVcard } from './vcard';

export function buildRouter(): Router {
  const router = new Router();
  registerPing(router);
  registerRoster(router);
  registerPresence(router);
  registerMessages(router);
  registerCarbons(router);
  registerBlocking(router);
  registerMuc(router);
  registerMucOwner(router);
  registerMucAdmin(router);
  registerMucMessages(router);
  registerMam(router);
  registerUpload(router);
  registerVcard(router);
  registerPep(router);
  registerDisco(router, [
    NS_PING,
    NS_CARBONS,
    NS_BLOCKING,
    NS_CHATSTATES,
    NS_RECEIPTS,
    NS_MARKERS,
    NS_MAM,
    NS_MAM_EXTENDED,
    NS_VCARD,
  ]);
  return router;
}
