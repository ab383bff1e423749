/**
 * The installable app in Chromium (docs/notifications.md): the manifest is served with
 * its icons (maskable ones included, each PNG of the size it claims), Chromium finds no
 * installability error (CDP `Page.getInstallabilityErrors`), the service worker
 * registers and caches the app shell, and a reload while offline still opens the app
 * (the signed-in person sees their conversations' frame). The settings offer
 * "Notifications on this device" (Chromium cannot reach its push service here, so the
 * subscription itself is covered by the server's push tests).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, e2eUnavailable, openPerson, signUp, startApp, type App, type Person } from './harness';

const skip = e2eUnavailable();

describe.skipIf(skip !== undefined)('the installable app', () => {
  let app: App;
  let ada: Person;

  beforeAll(async () => {
    app = await startApp();
    ada = await openPerson(app, 'Ada');
  });
  afterAll(async () => app?.stop());

  it('serves a manifest whose icons exist at their sizes, and Chromium finds it installable', async () => {
    const response = await fetch(`${app.url}/manifest.webmanifest`);
    expect(response.status).toBe(200);
    const manifest = (await response.json()) as {
      name: string;
      start_url: string;
      display: string;
      icons: { src: string; sizes: string; type: string; purpose: string }[];
    };
    expect(manifest).toMatchObject({ name: 'Parley', start_url: '/', display: 'standalone' });
    expect(manifest.icons.some((i) => i.purpose === 'maskable' && i.sizes === '512x512')).toBe(true);
    expect(manifest.icons.some((i) => i.purpose === 'any' && i.sizes === '192x192')).toBe(true);
    for (const icon of manifest.icons) {
      const png = await fetch(`${app.url}${icon.src}`);
      expect(png.status, icon.src).toBe(200);
      expect(png.headers.get('content-type'), icon.src).toBe('image/png');
      const meta = await sharp(Buffer.from(await png.arrayBuffer())).metadata();
      expect(`${meta.width}x${meta.height}`, icon.src).toBe(icon.sizes);
    }
    // A profile of its own: the test's other contexts are incognito, which Chromium never installs from.
    const profile = mkdtempSync(path.join(tmpdir(), 'parley-pwa-profile-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(app.url);
      await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
      const cdp = await context.newCDPSession(page);
      const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as {
        installabilityErrors: { errorId: string }[];
      };
      expect(installabilityErrors).toEqual([]);
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });

  it('opens offline from the cached shell once the service worker is installed', async () => {
    const { page, context } = ada;
    await signUp(ada);
    // The worker controls the page once it is active (clients.claim) and has cached every file.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const cached = await page.evaluate(async () => {
      const keys = await caches.keys();
      const cache = await caches.open(keys.find((k) => k.startsWith('parley-shell-'))!);
      return (await cache.keys()).map((r) => new URL(r.url).pathname);
    });
    expect(cached).toContain('/');
    expect(cached).toContain('/manifest.webmanifest');
    expect(cached.some((p) => /^\/assets\/chat-app-.*\.js$/.test(p))).toBe(true);

    await context.setOffline(true);
    await page.reload();
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    // The network really is gone (the worker leaves /healthz alone): the page came from the cache.
    expect(
      await page.evaluate(() =>
        fetch('/healthz').then(
          () => 'reached',
          () => 'offline',
        ),
      ),
    ).toBe('offline');
    expect(await page.title()).toMatch(/Parley/);
    await context.setOffline(false);
  });

  it('offers notifications on this device in the settings', async () => {
    const { page } = ada;
    await page.getByRole('button', { name: 'Settings' }).click();
    await expect.poll(() => page.getByLabel('Notifications on this device').isVisible()).toBe(true);
  });
});
