/**
 * The app's addresses (hash routing, so that any static host and the server's `/`
 * serve every one of them, and a reload never asks the server for a path):
 *
 * - `#/` the conversation list (on a phone; on a desktop, no conversation open)
 * - `#/c/<conversationId>` a conversation
 * - `#/c/<conversationId>/t/<rootId>` a conversation with a thread open beside it
 * - `#/c/<conversationId>/m/<messageId>` one message (a thread reply opens its thread), scrolled to and flashed
 * - `#/invite/<code>` an invite link (handled by the invite dialog)
 * - `#/admin` the administration console (server admins; the server refuses anyone else)
 *
 * Pure: parsing and printing only; state/use-routing.ts keeps the address and the app in step.
 */

export type Route =
  | { kind: 'home' }
  | { kind: 'conversation'; conversationId: string }
  | { kind: 'thread'; conversationId: string; rootId: string }
  | { kind: 'message'; conversationId: string; messageId: string }
  | { kind: 'invite'; code: string }
  | { kind: 'admin' };

/** Ids are opaque strings: anything but a slash, percent-decoded. */
function part(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/** The route in a location hash (`#/c/abc`); anything unknown is the list. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/[?].*$/, '');
  const parts = path.split('/').filter((p) => p !== '');
  const [head, id, sub, subId, ...rest] = parts;
  if (head === 'admin' && id === undefined) return { kind: 'admin' };
  if (head === 'invite') {
    const code = part(id);
    return code === undefined ? { kind: 'home' } : { kind: 'invite', code };
  }
  const conversationId = part(id);
  if (head !== 'c' || conversationId === undefined || rest.length > 0) return { kind: 'home' };
  if (sub === undefined) return { kind: 'conversation', conversationId };
  const target = part(subId);
  if (target === undefined) return { kind: 'conversation', conversationId };
  if (sub === 't') return { kind: 'thread', conversationId, rootId: target };
  if (sub === 'm') return { kind: 'message', conversationId, messageId: target };
  return { kind: 'conversation', conversationId };
}

/** The hash of a route, e.g. `#/c/abc/m/def`. */
export function routeHash(route: Route): string {
  const e = encodeURIComponent;
  switch (route.kind) {
    case 'home':
      return '#/';
    case 'conversation':
      return `#/c/${e(route.conversationId)}`;
    case 'thread':
      return `#/c/${e(route.conversationId)}/t/${e(route.rootId)}`;
    case 'message':
      return `#/c/${e(route.conversationId)}/m/${e(route.messageId)}`;
    case 'invite':
      return `#/invite/${e(route.code)}`;
    case 'admin':
      return '#/admin';
  }
}

/** The full address of one message, for "Copy link" (the page's origin and path, then the hash). */
export function messageLink(conversationId: string, messageId: string, where: Location = window.location): string {
  return `${where.origin}${where.pathname}${routeHash({ kind: 'message', conversationId, messageId })}`;
}
