/**
 * Registers the service worker (pwa/service-worker.ts, built into /sw.js) in production
 * builds, and follows its "open this message" requests (a click on a notification while
 * the app is open) by setting the location hash, which the router reads.
 */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  navigator.serviceWorker.addEventListener('message', (event: MessageEvent) => {
    const data = event.data as { type?: string; hash?: string } | null;
    if (data?.type === 'parley.open' && typeof data.hash === 'string' && data.hash.startsWith('#/')) {
      window.location.hash = data.hash;
    }
  });
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {
      // No service worker (private mode, an old browser): the app works as before, without offline start or pushes.
    });
  });
}
