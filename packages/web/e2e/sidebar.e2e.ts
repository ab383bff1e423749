/**
 * Everyday comfort, in Chromium, on one server with 500 conversations: pins that can be
 * seen (a bar over the conversation and a "pinned a message" line, as another member
 * pins), a sidebar that scales (sections that fold and stay folded, favourites marked,
 * reordered by keyboard and by dragging, kept by the server so that a second browser of the
 * same user gets them and each follows the other live, an unread-only filter, Alt+Shift+Up/Down to the
 * next unread, a shortcuts dialog, and a virtualized list that renders a bounded number
 * of rows and scrolls to its end), and a sound for new messages that its setting and
 * do-not-disturb silence (counted at HTMLMediaElement.play), and the full emoji picker
 * (search, skin tones, recently used) with the same data behind `:shortcode:`. Changed screens are scanned with axe in both themes.
 */
import type { ParleyClient } from '@parley/sdk/node';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeScan,
  e2eUnavailable,
  logIn,
  openConversation,
  openPerson,
  sdkUser,
  startApp,
  type App,
  type Person,
} from './harness';

const skip = e2eUnavailable();
const CROWD = 496; // groups beside the four named conversations: 500 in Ada's list

describe.skipIf(skip !== undefined)('pins, sidebar sections and shortcuts', () => {
  let app: App;
  let bob: ParleyClient;
  let carol: ParleyClient;
  let ada: Person;
  const suffix = String(process.pid % 1000);
  const adaName = `adas${suffix}`;
  let board = '';
  let adaId = '';
  let bobChat = '';
  const rules: string[] = [];

  const list = (page: Page) => page.getByRole('navigation', { name: 'Conversations' });
  const section = (page: Page, name: string) =>
    list(page).locator('button.section-header', { has: page.locator('.section-label', { hasText: name }) });
  const rowTitles = (page: Page, sectionId: string) =>
    page.evaluate((id) => {
      const out: string[] = [];
      let inSection = false;
      for (const li of document.querySelectorAll('.conversation-rows > li')) {
        const header = li.querySelector<HTMLElement>('.section-header');
        if (header !== null) inSection = header.dataset.section === id;
        else if (inSection) out.push(li.querySelector('.conversation-title bdi')?.textContent ?? '');
      }
      return out;
    }, sectionId);
  const scan = async (page: Page) => {
    for (const colorScheme of ['light', 'dark'] as const) {
      // Reduced motion: no colour transition is half-way when axe measures contrast.
      await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
      expect(await axeScan(page), colorScheme).toEqual([]);
    }
    await page.emulateMedia({ colorScheme: 'light' });
  };

  beforeAll(async () => {
    app = await startApp();
    const adaClient = await sdkUser(app, adaName, 'Ada Lovelace', false);
    bob = await sdkUser(app, `bobs${suffix}`, 'Bob Builder');
    carol = await sdkUser(app, `carols${suffix}`, 'Carol Sharp');
    adaId = adaClient.user?.id ?? '';
    // The crowd first (oldest activity, at the bottom), in parallel batches, by someone with
    // no socket open (nothing to fan out to while seeding).
    const dave = await sdkUser(app, `daves${suffix}`, 'Dave Crowd', false);
    for (let i = 0; i < CROWD; i += 62) {
      await Promise.all(
        Array.from({ length: Math.min(62, CROWD - i) }, (_, j) =>
          dave.conversations.createGroup(`Crowd ${String(i + j + 1).padStart(3, '0')}`, [adaId]),
        ),
      );
    }
    dave.close();
    await bob.channels.create({ title: 'Town square', visibility: 'public', memberIds: [adaId] });
    board = (await bob.conversations.createGroup('Pin board', [adaId])).id;
    for (const text of ['First rule', 'Second rule', 'Third rule'])
      rules.push((await bob.messages.send(board, text)).id);
    const dm = await bob.conversations.createDirect(adaId);
    bobChat = dm.id;
    await bob.messages.send(dm.id, 'Hi Ada');
    const withCarol = await carol.conversations.createDirect(adaId);
    await carol.messages.send(withCarol.id, 'Carol here');
    adaClient.close();
    ada = await openPerson(app, 'Ada Lovelace');
    await logIn(ada, adaName);
    // Seeding 500 conversations takes about 20 s on a busy machine: room for a slower one.
  }, 150_000);

  afterAll(async () => {
    bob?.close();
    carol?.close();
    await ada?.context.close().catch(() => undefined);
    await app?.stop();
  });

  it('shows pins to another member: a line in the timeline and a bar that goes to each pin', async () => {
    const { page } = ada;
    await openConversation(ada, 'Pin board');
    await page.getByRole('log', { name: 'Messages' }).getByText('Third rule').waitFor();
    expect(await page.getByTestId('pinned-bar').count()).toBe(0);

    await bob.messages.pin(rules[1] ?? '');
    const line = page.getByTestId('pin-line');
    await expect.poll(() => line.textContent()).toBe('Bob Builder pinned a message');
    const bar = page.getByTestId('pinned-bar');
    await bar.getByText('Second rule').waitFor();
    await bob.messages.pin(rules[0] ?? '');
    await expect.poll(() => line.count()).toBe(2);
    // The latest pin shows first; going to it moves the bar on to the next one.
    await bar.getByRole('button', { name: /^Pinned message 1 of 2 Bob Builder: First rule/ }).click();
    await expect.poll(() => page.evaluate(() => location.hash)).toBe(`#/c/${board}/m/${rules[0]}`);
    await bar.getByRole('button', { name: /^Pinned message 2 of 2 .*Second rule/ }).waitFor();
    // The line links to the message it pinned.
    expect(await line.last().getByRole('link', { name: 'a message' }).getAttribute('href')).toBe(
      `#/c/${board}/m/${rules[0]}`,
    );
    await scan(page);
    await bar.getByRole('button', { name: 'All pins (2)' }).click();
    const panel = page.getByRole('complementary', { name: 'Pinned messages' });
    await expect.poll(() => panel.getByTestId('message-card').count()).toBe(2);
    await page.getByRole('button', { name: 'Close panel' }).click();
    // Unpinned: the bar follows.
    await bob.messages.unpin(rules[0] ?? '');
    await bob.messages.unpin(rules[1] ?? '');
    await bar.waitFor({ state: 'detached' });
  });

  it('renders a bounded number of rows for 500 conversations and scrolls to the end', async () => {
    const { page } = ada;
    const rows = page.locator('.conversation-rows > li');
    const scroller = page.getByTestId('conversation-scroller');
    expect(await rows.count()).toBeLessThan(60);
    await scroller.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await list(page)
      .getByRole('button', { name: /^Crowd 001\b/ })
      .waitFor();
    expect(await rows.count()).toBeLessThan(60);
    expect(await page.evaluate(() => document.scrollingElement?.scrollTop)).toBe(0);
    await scroller.evaluate((el) => el.scrollTo(0, 0));
    await list(page)
      .getByRole('button', { name: /^Town square\b/ })
      .waitFor();
  });

  it('folds sections (remembered), marks and reorders favourites, filters unread', async () => {
    const { page } = ada;
    // Direct messages sit under 497 groups: fold the groups to bring them up.
    const groups = section(page, 'Groups');
    expect(await groups.getAttribute('aria-expanded')).toBe('true');
    await groups.click();
    expect(await groups.getAttribute('aria-expanded')).toBe('false');
    await list(page)
      .getByRole('button', { name: /^Crowd 496\b/ })
      .waitFor({ state: 'detached' });
    const direct = section(page, 'Direct messages');
    await direct.click();
    await list(page)
      .getByRole('button', { name: /^Carol Sharp/ })
      .waitFor({ state: 'detached' });
    // Folded, a section still says something inside is unread.
    await direct.getByTestId('section-unread').waitFor();
    expect(await groups.getByTestId('section-unread').count()).toBe(0);
    await page.reload();
    await section(page, 'Direct messages').waitFor();
    expect(await section(page, 'Groups').getAttribute('aria-expanded')).toBe('false');
    expect(await section(page, 'Direct messages').getAttribute('aria-expanded')).toBe('false');
    await section(page, 'Direct messages').click();

    // Favourites: Town square, then Carol.
    await list(page).getByRole('button', { name: 'Favourite: Town square' }).click();
    await list(page).getByRole('button', { name: 'Favourite: Carol Sharp' }).click();
    await section(page, 'Favourites').waitFor();
    expect(await rowTitles(page, 'favourites')).toEqual(['Town square', 'Carol Sharp']);
    // The keyboard moves a favourite: Ctrl+Shift+Up on Carol.
    await list(page)
      .getByRole('button', { name: /^Carol Sharp/ })
      .focus();
    await page.keyboard.press('Control+Shift+ArrowUp');
    await expect.poll(() => rowTitles(page, 'favourites')).toEqual(['Carol Sharp', 'Town square']);
    await page.getByRole('status').filter({ hasText: 'moved to position 1 of 2' }).waitFor();
    // And dragging: Town square dropped on Carol goes first again.
    const fav = (title: RegExp) => page.locator('.conversation-rows > li[draggable="true"]', { hasText: title });
    await fav(/Town square/).dragTo(fav(/Carol Sharp/));
    await expect.poll(() => rowTitles(page, 'favourites')).toEqual(['Town square', 'Carol Sharp']);
    expect(await rowTitles(page, 'channels')).toEqual([]);

    // Unread only: the two direct chats with news, and the open conversation.
    await section(page, 'Groups').click();
    await openConversation(ada, 'Pin board');
    await list(page).getByRole('button', { name: 'Unread only' }).click();
    await expect
      .poll(async () => [
        ...(await rowTitles(page, 'favourites')),
        ...(await rowTitles(page, 'groups')),
        ...(await rowTitles(page, 'direct')),
      ])
      .toEqual(['Carol Sharp', 'Pin board', 'Bob Builder']);
    await scan(page);
    await list(page).getByRole('button', { name: 'Unread only' }).click();
  });

  it('keeps favourites on the server: another browser of the same user gets them, and each follows the other live', async () => {
    const { page } = ada;
    const laptop = await openPerson(app, 'Ada Lovelace');
    try {
      // An earlier version kept favourites in this browser: Bob's chat moves to the server once, last.
      const key = `parley.sidebar.${adaId}`;
      const legacy = JSON.stringify({ favourites: [bobChat], folded: ['groups'], unreadOnly: false });
      await laptop.page.evaluate(({ k, v }) => localStorage.setItem(k, v), { k: key, v: legacy });
      await logIn(laptop, adaName);
      const order = ['Town square', 'Carol Sharp', 'Bob Builder'];
      await expect.poll(() => rowTitles(laptop.page, 'favourites')).toEqual(order);
      await expect.poll(() => rowTitles(page, 'favourites')).toEqual(order);
      const stored = () =>
        laptop.page.evaluate(
          (k) => (JSON.parse(localStorage.getItem(k) ?? '{}') as { favourites?: string[] }).favourites,
          key,
        );
      expect(await stored()).toEqual([]);
      // The folded section is this browser's own.
      expect(await section(laptop.page, 'Groups').getAttribute('aria-expanded')).toBe('false');
      expect(await section(page, 'Groups').getAttribute('aria-expanded')).toBe('true');

      // Moved on the laptop (keyboard, to the top): the first browser follows without a reload.
      await list(laptop.page)
        .getByRole('button', { name: /^Bob Builder/ })
        .focus();
      await laptop.page.keyboard.press('Control+Shift+ArrowUp');
      await expect
        .poll(() => rowTitles(laptop.page, 'favourites'))
        .toEqual(['Town square', 'Bob Builder', 'Carol Sharp']);
      await laptop.page.keyboard.press('Control+Shift+ArrowUp');
      const moved = ['Bob Builder', 'Town square', 'Carol Sharp'];
      await expect.poll(() => rowTitles(page, 'favourites')).toEqual(moved);
      // A reload asks the server, not this browser's storage.
      await page.reload();
      await section(page, 'Favourites').waitFor();
      await expect.poll(() => rowTitles(page, 'favourites')).toEqual(moved);

      // Removed and reordered in the first browser (dragging): the laptop follows.
      await list(page).getByRole('button', { name: 'Favourite: Bob Builder' }).click();
      const fav = (title: RegExp) => page.locator('.conversation-rows > li[draggable="true"]', { hasText: title });
      await fav(/Carol Sharp/).dragTo(fav(/Town square/));
      await expect.poll(() => rowTitles(laptop.page, 'favourites')).toEqual(['Carol Sharp', 'Town square']);
      await list(page)
        .getByRole('button', { name: /^Town square/ })
        .focus();
      await page.keyboard.press('Control+Shift+ArrowUp');
      await expect.poll(() => rowTitles(laptop.page, 'favourites')).toEqual(['Town square', 'Carol Sharp']);
      expect(laptop.problems).toEqual([]);
    } finally {
      await laptop.context.close();
    }
  });

  it('jumps to the next unread with Alt+Shift+Down and lists the shortcuts', async () => {
    const { page } = ada;
    // Order: favourites (Town square, Carol), channels, groups (Pin board, crowd), direct (Bob).
    await page.keyboard.press('Alt+Shift+ArrowDown');
    await page.getByRole('heading', { level: 2, name: 'Bob Builder', exact: true }).waitFor();
    await page.keyboard.press('Alt+Shift+ArrowDown');
    await page.getByRole('heading', { level: 2, name: 'Carol Sharp', exact: true }).waitFor();
    await page.keyboard.press('Alt+ArrowUp');
    await page.getByRole('heading', { level: 2, name: 'Town square', exact: true }).waitFor();
    await page.keyboard.press('Control+/');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.getByText('Previous / next unread conversation').waitFor();
    await scan(page);
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    expect(ada.problems).toEqual([]);
  });

  it('plays a sound for another conversation only, and not with sounds off or during do-not-disturb', async () => {
    const { page } = ada;
    await page.evaluate(() => {
      const w = window as unknown as { plays: number };
      w.plays = 0;
      const play = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'play')?.value as (
        this: HTMLMediaElement,
      ) => Promise<void>;
      HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
        w.plays += 1;
        return play.call(this);
      };
    });
    const plays = () => page.evaluate(() => (window as unknown as { plays: number }).plays);
    const preview = (title: string, text: string) =>
      list(page)
        .getByRole('button', { name: new RegExp(`^${title}`) })
        .filter({ hasText: text })
        .waitFor();
    // The open conversation, in front of Ada: no sound.
    const square = (await bob.conversations.list()).find((c) => c.conversation.title === 'Town square');
    await bob.messages.send(square?.conversation.id ?? '', 'Square news');
    await page.getByRole('log', { name: 'Messages' }).getByText('Square news').waitFor();
    expect(await plays()).toBe(0);
    await bob.messages.send(board, 'ding 1');
    await expect.poll(plays).toBe(1);

    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const settings = page.getByRole('dialog', { name: 'Settings' });
    const sound = settings.getByRole('checkbox', { name: 'Play a sound for new messages' });
    await sound.uncheck();
    await bob.messages.send(board, 'ding 2');
    await preview('Pin board', 'ding 2');
    expect(await plays()).toBe(1);

    await sound.check();
    await settings.getByRole('button', { name: '1 hour' }).click();
    await settings.getByText(/^Do not disturb is on until/).waitFor();
    await scan(page);
    await page.keyboard.press('Escape');
    await bob.messages.send(board, 'ding 3');
    await preview('Pin board', 'ding 3');
    expect(await plays()).toBe(1);
    // Ending do-not-disturb from the sidebar brings the sound back.
    await page.getByTestId('dnd-chip').click();
    await bob.messages.send(board, 'ding 4');
    await expect.poll(plays).toBe(2);
    expect(ada.problems).toEqual([]);
  });

  it('picks any emoji by search and skin tone, remembers recent ones, and completes :shortcodes:', async () => {
    const { page } = ada;
    await openConversation(ada, 'Pin board');
    const composer = page.getByRole('textbox', { name: 'Message', exact: true });
    await page.getByRole('button', { name: 'Insert emoji' }).click();
    const picker = page.getByRole('dialog', { name: 'Emoji' });
    // The full set arrives (a chunk of its own): Flags is one of its categories.
    await picker.getByRole('group', { name: 'Categories' }).getByRole('button', { name: 'Flags' }).waitFor();
    await picker.getByRole('searchbox', { name: 'Search emoji' }).fill('kangaroo');
    await picker.getByRole('button', { name: 'Kangaroo', exact: true }).click();
    await picker.getByRole('combobox', { name: 'Skin tone' }).selectOption({ label: '✋🏽 Medium' });
    await picker.getByRole('searchbox', { name: 'Search emoji' }).fill('thumbs up');
    await picker.getByRole('button', { name: 'Thumbs Up', exact: true }).click();
    expect(await composer.inputValue()).toBe('🦘👍🏽');
    await scan(page);
    await page.keyboard.press('Escape');
    await picker.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Insert emoji' }).click();
    const recent = picker.getByRole('region', { name: 'Recently used' });
    await expect.poll(() => recent.locator('button.emoji').allTextContents()).toEqual(['👍🏽', '🦘']);
    await page.keyboard.press('Escape');
    // The same data completes shortcodes the small built-in set never had.
    await composer.fill('');
    await composer.pressSequentially(':kangar');
    await page
      .getByRole('listbox', { name: 'Suggestions' })
      .getByRole('option', { name: /:kangaroo:/ })
      .click();
    expect(await composer.inputValue()).toBe('🦘 ');
    expect(ada.problems).toEqual([]);
  });
});
