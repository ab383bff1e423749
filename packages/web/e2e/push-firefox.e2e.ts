/**
 * A real browser receiving a real push (docs/notifications.md): Debian's firefox-esr,
 * driven over WebDriver BiDi, subscribes through the app's "Notifications on this
 * device" switch to the push service of mozilla-push-service.ts (Mozilla's WebSocket
 * protocol on loopback); Parley encrypts and signs each push and posts it there; Firefox
 * decrypts it and the service worker shows it. Checked: the notification names the
 * sender and the text, with the conversation as its tag; a second message groups into
 * "2 new messages"; reading on another device closes it. Under CI=true a missing
 * firefox-esr fails the run.
 */
import type { Conversation } from '@parley/protocol';
import type { ParleyClient } from '@parley/sdk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BidiFirefox, FIREFOX, firefoxAvailable } from './firefox-bidi';
import { e2eUnavailable, sdkUser, startApp, type App } from './harness';
import { MozillaPushService } from './mozilla-push-service';

const CI = process.env.CI === 'true' || process.env.CI === '1';
let skip = e2eUnavailable();
if (skip === undefined && !firefoxAvailable()) {
  if (CI) throw new Error(`CI=true: ${FIREFOX} is missing (apt-get install firefox-esr)`);
  skip = `${FIREFOX} is missing`;
}

interface Shown {
  title: string;
  body: string;
  tag: string;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe.skipIf(skip !== undefined)('Web Push in Firefox', () => {
  let app: App;
  let pushService: MozillaPushService;
  let firefox: BidiFirefox;
  let bob: ParleyClient;
  let adaElsewhere: ParleyClient;
  let direct: Conversation;

  beforeAll(async () => {
    pushService = new MozillaPushService();
    await pushService.start();
    app = await startApp({ config: { outboundAllow: 'loopback', jobPollMs: 100 } });
    firefox = await BidiFirefox.launch({
      'dom.push.serverURL': pushService.url,
      'dom.push.testing.allowInsecureServerURL': true,
      'dom.push.enabled': true,
      'dom.push.connection.enabled': true,
      'dom.serviceWorkers.enabled': true,
      'permissions.default.desktop-notification': 1,
      'dom.webnotifications.requireuserinteraction': false,
      'alerts.useSystemBackend': false,
      'browser.shell.checkDefaultBrowser': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'toolkit.telemetry.reportingpolicy.firstRun': false,
      'browser.startup.homepage_override.mstone': 'ignore',
    });
  }, 90_000);
  afterAll(async () => {
    bob?.close();
    adaElsewhere?.close();
    await firefox?.close();
    await app?.stop();
    await pushService?.stop();
  });

  it('shows, groups and clears a pushed message', { timeout: 120_000 }, async () => {
    const suffix = String(process.pid % 1000);
    bob = await sdkUser(app, `bobff${suffix}`, 'Bob Firefox');
    adaElsewhere = await sdkUser(app, `adaff${suffix}`, 'Ada Firefox', false);
    // Ada's browser: a session of its own (its own device), saved as the app saves it.
    const login = await fetch(`${app.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: `adaff${suffix}`, password: 'correct horse battery' }),
    });
    const session = (await login.json()) as { token: string; user: { id: string } };
    await firefox.navigate(app.url);
    await firefox.evaluate(`localStorage.setItem('parley.session', ${JSON.stringify(JSON.stringify(session))})`);
    await firefox.navigate(app.url);
    await until('the service worker', () =>
      firefox.evaluate<boolean>('navigator.serviceWorker.ready.then(() => true)').catch(() => undefined),
    );
    await until('the settings button', () =>
      firefox
        .evaluate<boolean | null>(
          `(() => {
        const button = document.querySelector('button[aria-label="Settings"]');
        if (!button) return null;
        button.click();
        return true;
      })()`,
        )
        .then((v) => v ?? undefined),
    );
    await until('the push switch', () =>
      firefox
        .evaluate<boolean | null>(
          `(() => {
        const label = [...document.querySelectorAll('label')].find((l) => l.textContent.includes('Notifications on this device'));
        const input = label?.querySelector('input');
        if (!input || input.disabled) return null;
        input.click();
        return true;
      })()`,
        )
        .then((v) => v ?? undefined),
    );
    const registered = await until('the subscription', async () => {
      const list = await adaElsewhere.push.list();
      return list.length > 0 ? list : undefined;
    });
    expect(registered[0]!.endpoint).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${pushService.port}/push/`));

    direct = await bob.conversations.createDirect(session.user.id);
    await bob.messages.send(direct.id, 'Dinner at eight?');
    const notifications = `navigator.serviceWorker.ready.then((r) => r.getNotifications()).then((list) => list.map((n) => ({ title: n.title, body: n.body, tag: n.tag })))`;
    const first = await until('the notification', () =>
      firefox.evaluate<Shown[]>(notifications).then((list) => (list.length > 0 ? list : undefined)),
    );
    expect(first).toEqual([{ title: 'Bob Firefox', body: 'Dinner at eight?', tag: direct.id }]);

    const second = await bob.messages.send(direct.id, 'Or nine');
    const grouped = await until('the grouped notification', () =>
      firefox
        .evaluate<Shown[]>(notifications)
        .then((list) => (list.length === 1 && list[0]!.body.startsWith('2 new') ? list : undefined)),
    );
    expect(grouped).toEqual([{ title: 'Bob Firefox', body: '2 new messages\nOr nine', tag: direct.id }]);

    // Ada reads on her other device: the browser's notification goes away.
    await adaElsewhere.connect();
    await adaElsewhere.receipts.markRead(direct.id, second.seq);
    await until('the notification to close', () =>
      firefox.evaluate<Shown[]>(notifications).then((list) => (list.length === 0 ? true : undefined)),
    );
    expect(pushService.posts.every((p) => p.status === 201)).toBe(true);
    expect(pushService.posts.filter((p) => p.urgency === 'low')).toHaveLength(1);
  });
});
