/**
 * This device's Web Push subscription (docs/notifications.md): turning it on asks for
 * notification permission, subscribes the browser's push manager with the server's
 * VAPID key, registers the subscription with the server (it belongs to this session)
 * and leaves the session token in IndexedDB for the service worker, which needs it to
 * fill content-free pushes. Turning it off undoes all three. Logging out removes the
 * server's side (the session is gone); `forgetPushToken` removes the worker's copy.
 */
import type { CreatePushSubscriptionBody } from '@parley/protocol';
import type { ParleyClient } from '@parley/sdk';

const ID_KEY = 'parley.push.subscription';

export function pushSupported(): boolean {
  return (
    typeof window !== 'undefined' &&
    'serviceWorker' in navigator &&
    'PushManager' in window &&
    'Notification' in window &&
    import.meta.env.PROD
  );
}

function base64UrlBytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(
    text
      .replace(/-/g, '+')
      .replace(/_/g, '/')
      .padEnd(Math.ceil(text.length / 4) * 4, '='),
  );
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function withStore(mode: IDBTransactionMode, work: (store: IDBObjectStore) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('parley-push', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('kv');
    open.onerror = () => reject(open.error ?? new Error('IndexedDB unavailable'));
    open.onsuccess = () => {
      const tx = open.result.transaction('kv', mode);
      work(tx.objectStore('kv'));
      tx.oncomplete = () => {
        open.result.close();
        resolve();
      };
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB write failed'));
    };
  });
}

/** Removes the token the service worker keeps (at logout). */
export function forgetPushToken(): Promise<void> {
  if (typeof indexedDB === 'undefined') return Promise.resolve();
  localStorage.removeItem(ID_KEY);
  return withStore('readwrite', (store) => store.delete('token')).catch(() => undefined);
}

/** True when this browser has a push subscription that this session registered. */
export async function pushEnabled(): Promise<boolean> {
  if (!pushSupported() || localStorage.getItem(ID_KEY) === null) return false;
  const registration = await navigator.serviceWorker.getRegistration('/');
  return (await registration?.pushManager.getSubscription()) != null;
}

/** Turns pushes on for this device; resolves false when the user did not allow notifications. */
export async function enablePush(client: ParleyClient): Promise<boolean> {
  if ((await Notification.requestPermission()) !== 'granted') return false;
  const registration = await navigator.serviceWorker.ready;
  const key = base64UrlBytes(await client.push.vapidPublicKey());
  let subscription = await registration.pushManager.getSubscription();
  const sameKey =
    subscription?.options.applicationServerKey != null &&
    new Uint8Array(subscription.options.applicationServerKey).join() === key.join();
  if (subscription && !sameKey) {
    // Made for another server key: push services would refuse our pushes.
    await subscription.unsubscribe();
    subscription = null;
  }
  subscription ??= await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  const info = await client.push.subscribe(subscription.toJSON() as CreatePushSubscriptionBody);
  localStorage.setItem(ID_KEY, info.id);
  const token = client.token;
  if (token !== undefined) await withStore('readwrite', (store) => store.put(token, 'token'));
  return true;
}

/** Turns pushes off for this device. */
export async function disablePush(client: ParleyClient): Promise<void> {
  const id = localStorage.getItem(ID_KEY);
  if (id !== null) await client.push.unsubscribe(id).catch(() => undefined);
  const registration = await navigator.serviceWorker.getRegistration('/');
  await (await registration?.pushManager.getSubscription())?.unsubscribe();
  await forgetPushToken();
}
