/**
 * The service worker (docs/notifications.md), built by build/pwa-plugin.ts into /sw.js
 * as one classic script: it must import nothing. It owns three things:
 * - the app shell: every file of the build is cached at install (PRECACHE, written by
 *   the build), so the app opens offline; navigations go to the network first and fall
 *   back to the cached index.html; hashed assets come from the cache first. The API
 *   (/v1) is never cached.
 * - pushes (RFC 8030, decrypted by the browser): one notification per conversation
 *   (`tag` = conversation id, `renotify`), saying who wrote what, or "3 new messages"
 *   with the latest; a content-free push is filled by fetching the message with the
 *   session the app left in IndexedDB; a "clear" push (read on another device) closes
 *   the conversation's notification.
 * - clicks: focus a window of the app and open the message (`#/c/<id>/m/<message>`),
 *   or open one.
 */

// The DOM lib types `self` as a Window: these are the few worker types this file uses.
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  request: Request;
  respondWith(response: Promise<Response> | Response): void;
}
interface PushEvent extends ExtendableEvent {
  data: { json(): unknown; text(): string } | null;
}
interface NotificationEvent extends ExtendableEvent {
  notification: Notification & { data: unknown };
}
interface WindowClient {
  url: string;
  focus(): Promise<WindowClient>;
  navigate(url: string): Promise<WindowClient | null>;
  postMessage(message: unknown): void;
}
interface WorkerScope {
  registration: ServiceWorkerRegistration;
  clients: {
    matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<WindowClient[]>;
    openWindow(url: string): Promise<WindowClient | null>;
    claim(): Promise<void>;
  };
  skipWaiting(): Promise<void>;
  location: Location;
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
  addEventListener(type: 'push', listener: (event: PushEvent) => void): void;
  addEventListener(type: 'notificationclick', listener: (event: NotificationEvent) => void): void;
}

/** Written by the build: the files of this version, and a hash of them. */
declare const PARLEY_PRECACHE: string[];
declare const PARLEY_VERSION: string;

const worker = self as unknown as WorkerScope;
const CACHE = `parley-shell-${PARLEY_VERSION}`;
const NOT_CACHED = ['/v1/', '/v1', '/healthz', '/metrics'];

interface MessagePush {
  v: 1;
  type: 'message';
  conversationId: string;
  messageId: string;
  seq: number;
  mention: boolean;
  conversationName?: string;
  senderName?: string;
  text?: string;
  encrypted?: true;
}
interface ClearPush {
  v: 1;
  type: 'clear';
  conversationId: string;
  seq: number;
}
/** The settings' "send test notification" button. */
interface TestPush {
  v: 1;
  type: 'test';
}
/** What a notification keeps, to group the next message and to open the right one. */
interface NotificationData {
  conversationId: string;
  messageId: string;
  seq: number;
  count: number;
}

worker.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PARLEY_PRECACHE))
      .then(() => worker.skipWaiting()),
  );
});

worker.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(keys.filter((k) => k.startsWith('parley-shell-') && k !== CACHE).map((k) => caches.delete(k))),
      )
      .then(() => worker.clients.claim()),
  );
});

worker.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== worker.location.origin) return;
  if (NOT_CACHED.some((prefix) => url.pathname === prefix || url.pathname.startsWith(prefix))) return;
  if (request.mode === 'navigate') {
    // The newest app when online; the cached shell when not (the app routes by hash).
    event.respondWith(
      fetch(request).catch(async () => (await caches.match('/', { cacheName: CACHE })) ?? Response.error()),
    );
    return;
  }
  event.respondWith(caches.match(request, { cacheName: CACHE }).then((hit) => hit ?? fetch(request)));
});

/** The token the app left for this worker (state/push.ts), for content-free pushes. */
function savedToken(): Promise<string | null> {
  return new Promise((resolve) => {
    const open = indexedDB.open('parley-push', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('kv');
    open.onerror = () => resolve(null);
    open.onsuccess = () => {
      const get = open.result.transaction('kv', 'readonly').objectStore('kv').get('token');
      get.onsuccess = () => resolve(typeof get.result === 'string' ? get.result : null);
      get.onerror = () => resolve(null);
    };
  });
}

async function fetchJson(path: string, token: string): Promise<unknown> {
  const response = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.json();
}

/** Fills a content-free push by asking the server, with the session of this browser. */
async function fill(push: MessagePush): Promise<{ title: string; sender: string | null; text: string }> {
  if (push.text !== undefined && push.senderName !== undefined)
    return { title: push.conversationName ?? push.senderName, sender: push.senderName, text: push.text };
  const fallback = { title: 'Parley', sender: null, text: push.encrypted ? 'New encrypted message' : 'New message' };
  const token = await savedToken();
  if (token === null || push.encrypted) return fallback;
  try {
    const { message } = (await fetchJson(`/v1/messages/${encodeURIComponent(push.messageId)}`, token)) as {
      message: { senderId: string; content: { type: string; text?: string; name?: string } };
    };
    const { conversation } = (await fetchJson(
      `/v1/conversations/${encodeURIComponent(push.conversationId)}`,
      token,
    )) as {
      conversation: { title: string | null };
    };
    const { user } = (await fetchJson(`/v1/users/${encodeURIComponent(message.senderId)}`, token)) as {
      user: { displayName: string };
    };
    const text =
      message.content.text ?? (message.content.name !== undefined ? `📎 ${message.content.name}` : 'New message');
    return { title: conversation.title ?? user.displayName, sender: user.displayName, text };
  } catch {
    return fallback;
  }
}

async function showMessage(push: MessagePush): Promise<void> {
  const { title, sender, text } = await fill(push);
  const shown = await worker.registration.getNotifications({ tag: push.conversationId });
  const previous = shown[0]?.data as NotificationData | undefined;
  const count = (previous?.count ?? 0) + 1;
  const latest = sender !== null && title !== sender ? `${sender}: ${text}` : text;
  const data: NotificationData = {
    conversationId: push.conversationId,
    messageId: push.messageId,
    seq: push.seq,
    count,
  };
  await worker.registration.showNotification(title, {
    body: count > 1 ? `${count} new messages\n${latest}` : latest,
    tag: push.conversationId,
    // A new message in the same conversation replaces the notification and still alerts.
    renotify: true,
    icon: '/icons/icon-192.png',
    badge: '/icons/badge-96.png',
    data,
  } as NotificationOptions);
}

async function clear(push: ClearPush): Promise<void> {
  for (const notification of await worker.registration.getNotifications({ tag: push.conversationId })) {
    const data = notification.data as NotificationData | undefined;
    if (data === undefined || data.seq <= push.seq) notification.close();
  }
}

worker.addEventListener('push', (event) => {
  let push: MessagePush | ClearPush | TestPush;
  try {
    push = event.data?.json() as MessagePush | ClearPush | TestPush;
  } catch {
    return;
  }
  if (push?.type === 'message') event.waitUntil(showMessage(push));
  else if (push?.type === 'clear') event.waitUntil(clear(push));
  else if (push?.type === 'test') {
    event.waitUntil(
      worker.registration.showNotification('Test notification', {
        body: 'Notifications reach this device.',
        tag: 'parley-test',
        icon: '/icons/icon-192.png',
        badge: '/icons/badge-96.png',
      }),
    );
  }
});

worker.addEventListener('notificationclick', (event) => {
  const data = event.notification.data as NotificationData | undefined;
  event.notification.close();
  const hash = data ? `#/c/${encodeURIComponent(data.conversationId)}/m/${encodeURIComponent(data.messageId)}` : '';
  const target = new URL(`/${hash}`, worker.location.origin).href;
  event.waitUntil(
    worker.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(async (windows) => {
      const open = windows.find((w) => new URL(w.url).origin === worker.location.origin);
      if (!open) {
        await worker.clients.openWindow(target);
        return;
      }
      await open.focus();
      // The app routes by hash: telling it is enough, and keeps its state.
      open.postMessage({ type: 'parley.open', hash });
    }),
  );
});
