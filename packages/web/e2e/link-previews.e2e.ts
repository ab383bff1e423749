/**
 * Link previews in two browser windows (ADR 0017), against a real HTTP server started
 * here on loopback (allowed for this server by PARLEY_OUTBOUND_ALLOW=127.0.0.1): Alice
 * sends a link, and a card (site, title, description, image copied by Parley) appears
 * under the message for both, with the image loaded from Parley, never from the site.
 * The card is a link a keyboard reaches; Alice removes the preview from her message
 * and it goes for Bob too; the composer's toggle sends a message without a preview.
 * Axe finds nothing on the screen with the card, in the light and the dark theme.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeScan,
  composer,
  e2eUnavailable,
  openConversation,
  openPerson,
  send,
  signUp,
  startApp,
  startChatWith,
  type App,
  type Person,
} from './harness';

const skip = e2eUnavailable();
const hits: string[] = [];

function row(person: Person, text: string) {
  return person.page.locator('.chat-main [data-testid="message"]', { hasText: text });
}

/** Axe in the light theme, then in the dark one (the app follows the system setting). */
async function expectAccessibleInBothThemes(page: Page): Promise<void> {
  for (const colorScheme of ['dark', 'light'] as const) {
    await page.emulateMedia({ colorScheme });
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(colorScheme);
    await expect.poll(() => axeScan(page), { message: colorScheme, timeout: 5_000 }).toEqual([]);
  }
}

describe.skipIf(skip !== undefined)('link previews in the browser', () => {
  let app: App;
  let site: Server;
  let siteUrl = '';
  let alice: Person;
  let bob: Person;

  beforeAll(async () => {
    const png = await sharp({ create: { width: 800, height: 420, channels: 3, background: '#1f6f50' } })
      .png()
      .toBuffer();
    site = createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/cover.png') return void res.writeHead(200, { 'content-type': 'image/png' }).end(png);
      const name = (req.url ?? '').slice(1);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
        `<!doctype html><html><head><title>${name}</title>
<meta property="og:title" content="Harbour walk: ${name}">
<meta property="og:description" content="A two-hour walk along the old harbour, with a stop for tea.">
<meta property="og:site_name" content="Walks Weekly">
<meta property="og:image" content="/cover.png"></head><body></body></html>`,
      );
    });
    site.listen(0, '127.0.0.1');
    await once(site, 'listening');
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    app = await startApp({ config: { outboundAllow: '127.0.0.1', jobPollMs: 100 } });
    [alice, bob] = await Promise.all([openPerson(app, 'Alice'), openPerson(app, 'Bob')]);
    await Promise.all([signUp(alice), signUp(bob)]);
    await startChatWith(alice, bob);
    await send(alice, 'Hi Bob');
    await openConversation(bob, 'Alice');
    await row(bob, 'Hi Bob').waitFor();
  });

  afterAll(async () => {
    await app?.stop();
    site?.closeAllConnections();
    site?.close();
  });

  it('shows the card under the message for both, keyboard-reachable, with Parley’s copy of the image', async () => {
    await send(alice, `Shall we? ${siteUrl}/saturday`);
    for (const person of [alice, bob]) {
      const card = row(person, 'Shall we?').getByTestId('link-preview');
      await card.waitFor();
      expect(await card.getAttribute('href')).toBe(`${siteUrl}/saturday`);
      expect(await card.getAttribute('rel')).toBe('noopener noreferrer');
      await expect.poll(() => card.innerText()).toContain('Harbour walk: saturday');
      expect(await card.innerText()).toContain('A two-hour walk along the old harbour');
      expect(await card.innerText()).toMatch(/walks weekly/i);
      const image = card.locator('img');
      expect(await image.getAttribute('src')).toMatch(/^\/v1\/link-previews\/images\/[0-9a-f]{64}\.webp$/);
      await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(480);
    }
    // The site saw the server's two requests (page and image), and no browser.
    expect(hits.filter((h) => h === '/saturday' || h === '/cover.png')).toEqual(['/saturday', '/cover.png']);

    // The card is a link: Tab moves through it like any other link of the timeline.
    const card = row(bob, 'Shall we?').getByTestId('link-preview');
    await card.focus();
    expect(await bob.page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('link-preview');
    // Bob cannot remove Alice's preview: the button is only on one's own messages.
    expect(await row(bob, 'Shall we?').getByTestId('link-preview-remove').count()).toBe(0);

    await expectAccessibleInBothThemes(alice.page);
    await expectAccessibleInBothThemes(bob.page);
  });

  it('lets the sender remove the preview, for every reader', async () => {
    await row(alice, 'Shall we?').getByRole('button', { name: 'Remove link preview' }).click();
    await expect.poll(() => row(alice, 'Shall we?').getByTestId('link-preview').count()).toBe(0);
    await expect.poll(() => row(bob, 'Shall we?').getByTestId('link-preview').count()).toBe(0);
  });

  it('sends without a preview when the composer toggle says so', async () => {
    await composer(alice).fill(`No card please ${siteUrl}/sunday`);
    const toggle = alice.page.getByRole('button', { name: 'No link preview' });
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    await composer(alice).press('Enter');
    await row(bob, 'No card please').waitFor();
    // A message with a preview sent after it gets its card: by then the first was long dispatched.
    await send(alice, `With a card ${siteUrl}/monday`);
    await row(bob, 'With a card').getByTestId('link-preview').waitFor();
    expect(await row(bob, 'No card please').getByTestId('link-preview').count()).toBe(0);
    expect(hits).not.toContain('/sunday');
  });
});
