/**
 * Which of a user's XMPP resources gets a chat message directly, and which only as a
 * XEP-0280 `<received/>` carbon (RFC 6121 8.5). Decided by each resource for itself
 * from the cluster-wide presence registry (services.presence.devicesOf), so that it
 * holds when the user's resources sit on different nodes:
 *
 * - addressed to a full JID (8.5.3.1): that resource only; the others get a carbon;
 *   a full JID whose resource is gone is treated as the bare JID (8.5.3.2.1);
 * - to the bare JID (8.5.2.1.1): the available resources with the highest non-negative
 *   priority (all of them on a tie); the others a carbon. With no such resource every
 *   resource gets it directly, so that nothing waits (Parley delivers to every device).
 *
 * Native devices are not resources here: they get every message anyway.
 */
import type { MessageRoute } from '../../ports/bus-events';
import type { XmppContext } from './router';

export type Delivery = 'direct' | 'carbon';

export function deliveryOf(ctx: XmppContext, route: MessageRoute | undefined): Delivery {
  const resources = ctx.services.presence.devicesOf(ctx.auth.user.id).filter((d) => d.xmpp === true);
  const to = route?.to;
  if (to !== undefined && to !== '') {
    if (to === ctx.resource) return 'direct';
    if (resources.some((d) => d.resource === to)) return 'carbon';
  }
  const candidates = resources.filter((d) => d.priority >= 0);
  if (candidates.length === 0) return 'direct';
  const highest = Math.max(...candidates.map((d) => d.priority));
  const mine = resources.find((d) => d.connectionId === ctx.connectionId);
  return mine !== undefined && mine.priority === highest ? 'direct' : 'carbon';
}

/** A user's JID with a resource when one is known (the sender's device on live delivery). */
export function withResource(bareJid: string, resource: string | undefined): string {
  return resource !== undefined && resource !== '' ? `${bareJid}/${resource}` : bareJid;
}
