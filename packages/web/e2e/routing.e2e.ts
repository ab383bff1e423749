/**
 * Addresses and the everyday frame of the app, in Chromium: a fresh server opens on
 * "Create the first account"; every conversation, thread and message has an address that
 * survives a reload, and the browser's Back button moves within the app (desktop and
 * phone); "Copy link" on a message, and such a link opening a message far back in history
 * (flashed), or saying so when the message or conversation is not readable; a long
 * conversation list never scrolls the page; going offline shows at once; avatar initials
 * come from names, not labels. Changed screens are scanned with axe in both themes.
 */
import type { ParleyClient } from '@parley/sdk/node';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeScan,
  composer,
  e2eUnavailable,
  logIn,
  openConversation,
  openPerson,
  sdkUser,
  send,
  signUp,
  startApp,
  type App,
  type Person,
} from './harness';

const skip = e2eUnavailable();
const OLD = 300; // messages after the old one: six pages of the timeline (PAGE = 50)
const GROUPS = 30; // enough conversations to overflow the sidebar (about 10 fit)

describe.skipIf(skip !== undefined)('addresses, first run and the app frame', () => {
  let app: App;
  let bob: ParleyClient;
  let carol: ParleyClient;
  const suffix = String(process.pid % 1000);
  const ada = `adar${suffix}`;
  let oldTimes = '';
  let oldest = '';
  let lunch = '';
  let lunchRoot = '';
  let secretConversation = '';
  let secretMessage = '';
  const people: Person[] = [];

  beforeAll(async () => {
    app = await startApp();
  });

  afterAll(async () => {
    bob?.close();
    carol?.close();
    for (const p of people) await p.context.close().catch(() => undefined);
    await app?.stop();
  });

  async function person(options: Parameters<typeof openPerson>[2] = {}): Promise<Person> {
    const p = await openPerson(app, 'Ada Lovelace', options);
    people.push(p);
    return p;
  }

  const hash = (page: Page) => page.evaluate(() => location.hash);
  const list = (page: Page) => page.getByRole('navigation', { name: 'Conversations' });
  const threadPane = (page: Page) => page.getByRole('complementary', { name: 'Thread' });

  it('opens a fresh server on "Create the first account", then on "Welcome back"', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const p = await person({ colorScheme });
      await p.page.getByRole('heading', { level: 1, name: 'Create the first account' }).waitFor();
      expect(await p.page.getByRole('button', { name: 'Log in' }).count()).toBe(0);
      expect(await axeScan(p.page)).toEqual([]);
      if (colorScheme === 'dark') {
        // The first account is made through that form, as a person would.
        p.username = `root${suffix}`;
        await signUp(p);
      }
      await p.context.close();
    }
    const later = await person();
    await later.page.getByRole('heading', { level: 1, name: 'Welcome back' }).waitFor();
    await later.context.close();

    // The rest of the story: Ada, Bob and Carol, an old group, a chat with a thread, a secret.
    const adaClient = await sdkUser(app, ada, 'Ada Lovelace', false);
    bob = await sdkUser(app, `bobr${suffix}`, 'Bob Builder');
    carol = await sdkUser(app, `carolr${suffix}`, 'Carol Secret');
    const adaId = adaClient.user?.id ?? '';
    // Old times starts yesterday (a fresh connection "on" that day, as in history.e2e.ts).
    bob.close();
    app.clock.offset = -26 * 3_600_000;
    await bob.connect();
    const group = await bob.conversations.createGroup('Old times', [adaId]);
    oldTimes = group.id;
    oldest = (await bob.messages.send(oldTimes, 'The very first message of old times')).id;
    await Promise.all(Array.from({ length: 30 }, (_, i) => bob.messages.send(oldTimes, `later message ${i + 1}`)));
    bob.close();
    app.clock.offset = 0;
    await bob.connect();
    await Promise.all(
      Array.from({ length: OLD - 30 }, (_, i) => bob.messages.send(oldTimes, `later message ${i + 31}`)),
    );
    const dm = await bob.conversations.createDirect(adaId);
    lunch = dm.id;
    lunchRoot = (await bob.messages.send(lunch, 'Lunch at noon?')).id;
    await bob.messages.send(lunch, 'Or at one, in the thread', { threadId: lunchRoot });
    await bob.messages.send(lunch, 'Tell me here');
    const secret = await carol.conversations.createDirect(bob.user?.id ?? '');
    secretConversation = secret.id;
    secretMessage = (await carol.messages.send(secret.id, 'Not for Ada')).id;
    await Promise.all(
      Array.from({ length: GROUPS }, (_, i) => bob.conversations.createGroup(`Filler group ${i + 1}`, [adaId])),
    );
    adaClient.close();
  });

  it('gives each conversation and thread an address that survives a reload and Back (desktop)', async () => {
    const p = await person();
    await logIn(p, ada);
    await openConversation(p, 'Bob Builder');
    expect(await hash(p.page)).toBe(`#/c/${lunch}`);
    await p.page.getByTestId('thread-summary').click();
    await threadPane(p.page).getByText('Or at one, in the thread').waitFor();
    expect(await hash(p.page)).toBe(`#/c/${lunch}/t/${lunchRoot}`);

    await p.page.reload();
    await threadPane(p.page).getByText('Or at one, in the thread').waitFor();
    await p.page.getByRole('heading', { level: 2, name: 'Bob Builder', exact: true }).waitFor();

    await p.page.goBack();
    await threadPane(p.page).waitFor({ state: 'detached' });
    expect(await hash(p.page)).toBe(`#/c/${lunch}`);
    await p.page.getByRole('heading', { level: 2, name: 'Bob Builder', exact: true }).waitFor();
    await openConversation(p, 'Old times');
    expect(await hash(p.page)).toBe(`#/c/${oldTimes}`);
    await p.page.goBack();
    await p.page.getByRole('heading', { level: 2, name: 'Bob Builder', exact: true }).waitFor();
    await p.page.goForward();
    await p.page.getByRole('heading', { level: 2, name: 'Old times', exact: true }).waitFor();
  });

  it('goes from a chat back to the list with Back on a phone, also from a link opened cold', async () => {
    const p = await person({ width: 360, height: 740, colorScheme: 'dark' });
    await logIn(p, ada);
    const start = p.page.url();
    await openConversation(p, 'Bob Builder');
    expect(await list(p.page).isVisible()).toBe(false);
    await p.page.goBack();
    await list(p.page).waitFor();
    expect(p.page.url().startsWith(app.url)).toBe(true);
    // The in-app back button goes back in history too: Back from the list then leaves nothing behind.
    await openConversation(p, 'Bob Builder');
    await p.page.getByRole('button', { name: 'Back to conversations' }).click();
    await list(p.page).waitFor();
    expect(p.page.url()).toBe(start);

    // A link opened in a new tab: Back leads to the list, not out of the app.
    const tab = await p.context.newPage();
    await tab.goto(`${app.url}/#/c/${oldTimes}`);
    await tab.getByRole('heading', { level: 2, name: 'Old times', exact: true }).waitFor();
    await tab.goBack();
    await list(tab).waitFor();
    expect(await tab.evaluate(() => location.hash)).toBe('#/');
    // The notice about a link that cannot open, on a phone in the dark theme.
    await tab.goto(`${app.url}/#/c/${secretConversation}`);
    await tab.getByTestId('route-notice').waitFor();
    await list(tab).waitFor();
    expect(await axeScan(tab)).toEqual([]);
    await tab.close();
  });

  it('copies a link to a message, and a link opens an old message flashed, or says it cannot', async () => {
    const p = await person();
    await p.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.url });
    await logIn(p, ada);
    await openConversation(p, 'Bob Builder');
    const row = p.page.locator('[data-testid="message"]', { hasText: 'Tell me here' });
    await row.hover();
    await row.getByRole('button', { name: 'Message actions' }).click();
    await p.page.getByRole('menuitem', { name: 'Copy link' }).click();
    await p.page.getByTestId('toast').filter({ hasText: 'Link to the message copied.' }).waitFor();
    const link = await p.page.evaluate(() => navigator.clipboard.readText());
    expect(link).toMatch(new RegExp(`^${app.url}/#/c/${lunch}/m/[A-Za-z0-9_-]+$`));

    // A link to a message 300 messages back: its conversation loads down to it and flashes it.
    await p.page.goto(`${app.url}/#/c/${oldTimes}/m/${oldest}`);
    const old = p.page.locator(`[data-message-id="${oldest}"]`);
    await old.waitFor();
    await expect.poll(() => old.evaluate((el) => el.classList.contains('flash'))).toBe(true);
    const inView = await old.evaluate((el) => {
      const box = el.getBoundingClientRect();
      const frame = el.closest('.message-scroll')?.getBoundingClientRect();
      return frame !== undefined && box.top >= frame.top && box.bottom <= frame.bottom;
    });
    expect(inView).toBe(true);
    // Inside today, only today's label sticks at the top: yesterday's stays with its own day.
    const stuck = await p.page.evaluate(() => {
      const scroller = document.querySelector('.message-scroll');
      const today = [...document.querySelectorAll('.day-group')].pop();
      if (scroller === null || today === undefined) return [];
      scroller.scrollTop += today.getBoundingClientRect().top - scroller.getBoundingClientRect().top + 300;
      const top = scroller.getBoundingClientRect().top;
      return [...document.querySelectorAll('.day-separator')]
        .filter((el) => Math.abs(el.getBoundingClientRect().top - top) < 40)
        .map((el) => el.textContent);
    });
    expect(stuck).toEqual(['Today']);
    // With a day's start at the top, its label sits above the day's first line, never over it.
    const overlap = await p.page.evaluate(() => {
      const scroller = document.querySelector('.message-scroll');
      const today = [...document.querySelectorAll('.day-group')].pop();
      const label = today?.querySelector('.day-separator');
      const first = label?.nextElementSibling;
      if (!scroller || !today || !label || !first) return Number.POSITIVE_INFINITY;
      scroller.scrollTop += today.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
      return label.getBoundingClientRect().bottom - first.getBoundingClientRect().top;
    });
    expect(overlap).toBeLessThanOrEqual(0);
    // The copied link works the same way.
    await p.page.goto(link);
    await p.page.getByRole('heading', { level: 2, name: 'Bob Builder', exact: true }).waitFor();

    // Someone else's message and conversation: a clear notice, the list, no error.
    await p.page.goto(`${app.url}/#/c/${secretConversation}/m/${secretMessage}`);
    const notice = p.page.getByTestId('route-notice');
    await notice.filter({ hasText: 'That message cannot be opened' }).waitFor();
    expect(await axeScan(p.page)).toEqual([]);
    await p.page.goto(`${app.url}/#/c/${secretConversation}`);
    await notice.filter({ hasText: 'That conversation cannot be opened' }).waitFor();
    expect(await hash(p.page)).toBe('#/');
    await openConversation(p, 'Bob Builder');
    await notice.waitFor({ state: 'detached' });
    expect(p.problems).toEqual([]);
  });

  it('scrolls a long conversation list inside the sidebar, never the page', async () => {
    const p = await person({ height: 600 });
    await logIn(p, ada);
    await list(p.page)
      .getByRole('button', { name: /^Filler group 1\b/ })
      .waitFor();
    const items = p.page.locator('.conversation-list button.conversation');
    expect(await items.count()).toBeGreaterThan(GROUPS);
    await p.page.locator('.conversation-list').hover();
    for (let i = 0; i < 10; i++) await p.page.mouse.wheel(0, 2_000);
    await items.last().focus();
    const frame = await p.page.evaluate(() => ({
      pageTop: document.scrollingElement?.scrollTop ?? -1,
      pageHeight: document.documentElement.scrollHeight,
      view: window.innerHeight,
      headerTop: document.querySelector('.sidebar-header')?.getBoundingClientRect().top ?? -1,
      listTop: document.querySelector('.conversation-list')?.scrollTop ?? 0,
    }));
    expect(frame.pageTop).toBe(0);
    expect(frame.pageHeight).toBeLessThanOrEqual(frame.view);
    expect(frame.headerTop).toBeGreaterThanOrEqual(0);
    expect(frame.listTop).toBeGreaterThan(0);
  });

  it('says offline as soon as the browser does, explains the clock, and sends when back', async () => {
    const p = await person();
    await logIn(p, ada);
    await openConversation(p, 'Bob Builder');
    await p.context.setOffline(true);
    // No socket is closed by hand here: the browser's offline signal alone must show it.
    await p.page.getByTestId('offline-banner').waitFor({ timeout: 5_000 });
    await p.page.getByTestId('my-connection').filter({ hasText: 'Offline' }).waitFor();
    await send(p, 'Written on the train');
    const clock = p.page.locator('.ticks-sending');
    await clock.waitFor();
    expect(await clock.getAttribute('title')).toMatch(/^Not sent yet/);
    expect(await axeScan(p.page)).toEqual([]);
    await p.context.setOffline(false);
    await p.page.getByTestId('offline-banner').waitFor({ state: 'detached', timeout: 15_000 });
    await p.page.locator('.ticks-sent, .ticks-delivered, .ticks-read').last().waitFor();
    expect(await composer(p).inputValue()).toBe('');
  });

  it('draws initials from names, never from "(you)" or "You"', async () => {
    const p = await person();
    await logIn(p, ada);
    await openConversation(p, 'Bob Builder');
    await send(p, 'Pin me, Bob');
    const page = await bob.messages.history(lunch, { limit: 5 });
    const mine = page.messages.find((m) => m.content.type === 'text' && m.content.text === 'Pin me, Bob');
    await bob.messages.pin(mine?.id ?? '');
    await p.page.getByRole('button', { name: 'Pinned messages' }).click();
    const card = p.page.getByTestId('message-card').filter({ hasText: 'Pin me, Bob' });
    await card.waitFor();
    expect(await card.locator('.avatar-initials').textContent()).toBe('AL');
    await openConversation(p, 'Old times');
    await p.page.getByRole('button', { name: /^Details/ }).click();
    await p.page
      .getByRole('button', { name: /Members/ })
      .first()
      .click();
    const me = p.page.getByTestId('member').filter({ hasText: '(you)' });
    await me.waitFor();
    expect(await me.locator('.avatar-initials').textContent()).toBe('AL');
  });
});
