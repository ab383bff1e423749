/**
 * The main screens in light and dark, at phone (360 px) and desktop width: each
 * is scanned with axe-core (no violations allowed), checked for keyboard
 * reachability, and saved to docs/screenshots/ for the README.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ParleyClient } from '@parley/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SCREENSHOTS,
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
const HOUR = 3_600_000;

type Theme = 'light' | 'dark';
const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 360, height: 740 } } as const;

describe.skipIf(skip !== undefined)('screens, accessibility and screenshots', () => {
  let app: App;
  let grace: ParleyClient;
  let linus: ParleyClient;
  const people: Person[] = [];
  const suffix = String(process.pid % 1000);
  const ada = `ada${suffix}`;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    app = await startApp();
    // A believable workspace: yesterday's and today's messages, a group, people online and away.
    app.clock.offset = -26 * HOUR;
    const adaClient = await sdkUser(app, ada, 'Ada Lovelace');
    grace = await sdkUser(app, `grace${suffix}`, 'Grace Hopper');
    linus = await sdkUser(app, `linus${suffix}`, 'Linus Torvalds');
    const margaret = await sdkUser(app, `margaret${suffix}`, 'Margaret Hamilton');
    const adaId = adaClient.user?.id ?? '';
    const team = await adaClient.conversations.createGroup('Compiler team', [
      grace.user?.id ?? '',
      linus.user?.id ?? '',
      margaret.user?.id ?? '',
    ]);
    const green = await linus.messages.send(team.id, 'Nightly build is green again 🎉');
    await margaret.messages.send(team.id, 'Nice! I pushed the flight-check fixes too.');
    const dm = await grace.conversations.createDirect(adaId);
    await grace.messages.send(dm.id, 'Did you get a chance to look at the new parser?');
    await adaClient.messages.send(dm.id, 'Yes! The error messages are so much clearer now.');
    for (const c of [adaClient, grace, linus, margaret]) c.close();
    app.clock.offset = -40 * 60_000;
    for (const c of [grace, linus, margaret]) await c.connect();
    await grace.messages.send(dm.id, 'Morning Ada ☕');
    await grace.messages.send(
      dm.id,
      'I wrote up the design notes here: https://example.com/parley/design-notes\nComments welcome before Friday.',
    );
    await grace.messages.react(green.id, '🎉');
    await margaret.messages.react(green.id, '🎉');
    await grace.messages.react(green.id, '🚀');
    app.clock.offset = -12 * 60_000;
    const standup = await margaret.messages.send(team.id, 'Standup moved to **10:30** today.');
    await grace.messages.send(team.id, 'Can we make it 10:45? I have a review at 10.', { threadId: standup.id });
    await margaret.messages.send(team.id, 'Sure, `10:45` it is.', { threadId: standup.id });
    await linus.messages.send(team.id, 'Works for me 👍', { replyTo: standup.id });
    // Channels: one Ada is in (broadcast), one she can find in the directory.
    const news = await grace.channels.create({
      title: 'Announcements',
      visibility: 'public',
      postPolicy: 'admins',
      topic: 'Releases and downtime, from the core team',
    });
    await grace.messages.send(
      news.id,
      'Parley 2.4 is out: threads, reactions and search. Notes: https://example.com/parley/2.4',
    );
    await linus.channels.create({
      title: 'Parser design',
      visibility: 'public',
      postPolicy: 'everyone',
      topic: 'Grammar, error recovery, and the new parser',
    });
    app.clock.offset = 0;
    await grace.account.updateProfile({ statusText: 'Reviewing pull requests' });
    await linus.presence.set('away');
    margaret.close();
    await adaClient.connect();
    await adaClient.messages.send(dm.id, 'Reading them now. Section 3 is great 👏');
    await adaClient.channels.join(news.id);
    // A favourite (the sidebar's first section) and a pin (the bar over the group).
    await adaClient.conversations.favourite(news.id);
    await adaClient.messages.pin(standup.id);
    adaClient.close();
  });

  afterAll(async () => {
    grace?.close();
    linus?.close();
    await app?.stop();
  });

  async function person(theme: Theme, size: keyof typeof SIZES): Promise<Person> {
    const p = await openPerson(app, 'Ada Lovelace', { ...SIZES[size], colorScheme: theme });
    people.push(p);
    return p;
  }

  async function shoot(p: Person, name: string): Promise<void> {
    // Let the typing dots and transitions settle into a stable frame.
    await p.page.evaluate(() => document.fonts.ready);
    await p.page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), animations: 'disabled' });
  }

  async function expectAccessible(p: Person): Promise<void> {
    expect(await axeScan(p.page)).toEqual([]);
  }

  for (const theme of ['light', 'dark'] as const) {
    it(`login screen, ${theme}`, async () => {
      const p = await person(theme, theme === 'light' ? 'desktop' : 'phone');
      await p.page.getByRole('heading', { name: 'Welcome back' }).waitFor();
      await expectAccessible(p);
      await shoot(p, `login-${theme}-${theme === 'light' ? 'desktop' : 'phone'}`);
      await p.context.close();
    });

    it(`chat at desktop width, ${theme}`, async () => {
      const p = await person(theme, 'desktop');
      await logIn(p, ada);
      await openConversation(p, 'Grace Hopper');
      await p.page.locator('.msg-text', { hasText: 'Section 3 is great' }).waitFor();
      await expect
        .poll(() => p.page.getByTestId('chat-subtitle').textContent())
        .toBe('online · Reviewing pull requests');
      await grace.typing.set((await grace.conversations.list())[0]?.conversation.id ?? '', true);
      await p.page.getByText('Grace Hopper is typing…').waitFor();
      await expectAccessible(p);
      await shoot(p, `chat-${theme}-desktop`);

      await openConversation(p, 'Compiler team');
      await p.page.locator('.msg-text', { hasText: 'Works for me' }).waitFor();
      await shoot(p, `group-${theme}-desktop`);

      await p.page.getByRole('button', { name: 'Settings', exact: true }).click();
      await p.page.getByRole('dialog', { name: 'Settings' }).getByTestId('sessions').waitFor();
      await expectAccessible(p);
      await shoot(p, `settings-${theme}-desktop`);
      await p.page.keyboard.press('Escape');

      await p.page.getByRole('button', { name: 'New group' }).click();
      await p.page.getByRole('dialog', { name: 'New group' }).waitFor();
      await expectAccessible(p);
      await p.page.keyboard.press('Escape');
      await p.context.close();
    });

    it(`list and chat at phone width, ${theme}`, async () => {
      const p = await person(theme, 'phone');
      await logIn(p, ada);
      await p.page.getByRole('button', { name: /^Grace Hopper/ }).waitFor();
      await expectAccessible(p);
      // Everything fits at 360 px: the last toolbar button and the list's timestamps are on screen.
      for (const el of [
        p.page.getByRole('button', { name: 'New chat' }),
        p.page.locator('.conversation-time').first(),
      ]) {
        const box = await el.boundingBox();
        expect((box?.x ?? 999) + (box?.width ?? 0)).toBeLessThanOrEqual(360);
      }
      await shoot(p, `list-${theme}-phone`);
      await openConversation(p, 'Grace Hopper');
      await p.page.locator('.msg-text', { hasText: 'Section 3 is great' }).waitFor();
      await p.page.getByRole('button', { name: 'Insert emoji' }).waitFor();
      await expectAccessible(p);
      await shoot(p, `chat-${theme}-phone`);
      // Nothing overflows sideways at 360 px.
      expect(await p.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      await p.page.getByRole('button', { name: 'Back to conversations' }).click();
      await p.page.getByRole('navigation', { name: 'Conversations' }).waitFor();
      await p.context.close();
    });
  }

  for (const theme of ['light', 'dark'] as const) {
    it(`threads, reactions, search and channels at desktop width, ${theme}`, async () => {
      const p = await person(theme, 'desktop');
      await logIn(p, ada);
      await openConversation(p, 'Compiler team');
      const standup = p.page.locator('[data-testid="message"]', { hasText: 'Standup moved to' }).first();
      await standup.getByTestId('thread-summary').click();
      const pane = p.page.getByRole('complementary', { name: 'Thread' });
      await pane.locator('.msg-text', { hasText: '10:45 it is' }).waitFor();
      await p.page.locator('.reaction[data-emoji="🎉"]').first().waitFor();
      await expectAccessible(p);
      await shoot(p, `thread-${theme}-desktop`);
      // The message actions menu, opened from the keyboard.
      const green = p.page.locator('.chat-main [data-testid="message"]', { hasText: 'Nightly build' });
      await green.getByRole('button', { name: 'Message actions' }).focus();
      await p.page.keyboard.press('Enter');
      await p.page.getByRole('menu', { name: 'Message actions' }).waitFor();
      await expectAccessible(p);
      await p.page.keyboard.press('Escape');
      await p.page.getByRole('button', { name: 'Close panel' }).click();

      await p.page.getByRole('button', { name: 'Search', exact: true }).click();
      const search = p.page.getByRole('dialog', { name: 'Search messages' });
      await search.getByLabel('Words to find').fill('parser');
      await search.getByRole('button', { name: 'Search', exact: true }).click();
      await search.getByTestId('message-card').first().waitFor();
      await expectAccessible(p);
      await shoot(p, `search-${theme}-desktop`);
      await p.page.keyboard.press('Escape');

      await p.page.getByRole('button', { name: 'Channels', exact: true }).click();
      const directory = p.page.getByRole('dialog', { name: 'Browse channels' });
      await directory.getByTestId('directory-channel').filter({ hasText: 'Parser design' }).waitFor();
      await expectAccessible(p);
      await shoot(p, `channels-${theme}-desktop`);
      await p.page.keyboard.press('Escape');

      await openConversation(p, 'Announcements');
      await p.page.getByTestId('composer-blocked').waitFor();
      await p.page.getByRole('button', { name: /^Details/ }).click();
      await p.page.getByRole('complementary', { name: 'Details' }).waitFor();
      await expectAccessible(p);
      await shoot(p, `channel-${theme}-desktop`);
      await p.context.close();
    });
  }

  it('thread pane, details and search at phone width', async () => {
    const p = await person('dark', 'phone');
    await logIn(p, ada);
    await openConversation(p, 'Compiler team');
    await p.page
      .locator('[data-testid="message"]', { hasText: 'Standup moved to' })
      .first()
      .getByTestId('thread-summary')
      .click();
    await p.page
      .getByRole('complementary', { name: 'Thread' })
      .locator('.msg-text', { hasText: '10:45 it is' })
      .waitFor();
    await expectAccessible(p);
    await shoot(p, 'thread-dark-phone');
    expect(await p.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    // The details pane and the search dialog (Ctrl+K) fit a phone too.
    await p.page.getByRole('button', { name: 'Close panel' }).click();
    await p.page.getByRole('button', { name: /^Details/ }).click();
    await p.page.getByRole('complementary', { name: 'Details' }).getByText('Mark as unread').waitFor();
    await expectAccessible(p);
    expect(await p.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await p.page.keyboard.press('Control+k');
    await p.page.getByRole('dialog', { name: 'Search messages' }).waitFor();
    await expectAccessible(p);
    expect(await p.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await p.context.close();
  });

  // The everyday screens of issue 13, in both themes and at both sizes: the sidebar's sections
  // with a favourite, the pinned bar, a profile card, the group's edit dialog, the type-ahead of
  // "New chat", the emoji picker and the shortcuts dialog.
  for (const theme of ['light', 'dark'] as const) {
    for (const size of ['desktop', 'phone'] as const) {
      it(`sidebar sections, pins, profile card, group edit, people search, emoji and shortcuts: ${theme}, ${size}`, async () => {
        const p = await person(theme, size);
        const { page } = p;
        await logIn(p, ada);
        const list = page.getByRole('navigation', { name: 'Conversations' });
        // Escape closes a dialog (a first one may only close a suggestion list inside it).
        const close = async (name: string) => {
          const dialog = page.getByRole('dialog', { name });
          for (let i = 0; i < 3 && (await dialog.count()) > 0; i++) await page.keyboard.press('Escape');
          await dialog.waitFor({ state: 'detached' });
        };
        await list.locator('button.section-header', { hasText: 'Favourites' }).waitFor();
        await expectAccessible(p);
        await page.getByRole('button', { name: 'New chat' }).click();
        const newChat = page.getByRole('dialog', { name: 'New chat' });
        await newChat.getByRole('combobox', { name: 'Name or username' }).fill('gra');
        await newChat.getByRole('option', { name: /Grace Hopper/ }).waitFor();
        await expectAccessible(p);
        await close('New chat');
        await page.keyboard.press('Control+/');
        await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
        await expectAccessible(p);
        await close('Keyboard shortcuts');

        await openConversation(p, 'Compiler team');
        await page.getByTestId('pinned-bar').waitFor();
        await expectAccessible(p);
        await page.getByRole('button', { name: 'Insert emoji' }).click();
        await page.getByRole('dialog', { name: 'Emoji' }).getByRole('searchbox', { name: 'Search emoji' }).waitFor();
        await expectAccessible(p);
        await close('Emoji');
        await page.locator('.chat-main .msg-sender').getByRole('button', { name: 'Margaret Hamilton' }).first().click();
        await page.getByRole('dialog', { name: 'Margaret Hamilton' }).getByRole('listitem').first().waitFor();
        await expectAccessible(p);
        await close('Margaret Hamilton');
        await page.getByRole('button', { name: /^Details/ }).click();
        await page.getByRole('button', { name: 'Edit group' }).click();
        await page.getByRole('dialog', { name: 'Edit group' }).waitFor();
        await expectAccessible(p);
        await close('Edit group');
        if (size === 'phone')
          expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
        await p.context.close();
      });
    }
  }

  it('is usable from the keyboard alone', async () => {
    const p = await person('light', 'desktop');
    await logIn(p, ada);
    // Arrow through the conversation list (from the Groups section's header to its first
    // group), open one with Enter: the composer takes the focus.
    const first = p.page.getByRole('button', { name: /^Groups\b/ });
    await first.waitFor();
    await first.focus();
    await p.page.keyboard.press('ArrowDown');
    await p.page.keyboard.press('Enter');
    await p.page.getByRole('heading', { level: 2, name: 'Compiler team' }).waitFor();
    await expect
      .poll(() => p.page.evaluate(() => document.activeElement?.getAttribute('placeholder')))
      .toBe('Write a message…');
    await p.page.keyboard.type('Sent with the keyboard');
    await p.page.keyboard.press('Enter');
    await p.page.locator('.msg-text', { hasText: 'Sent with the keyboard' }).waitFor();
    // Dialogs open and close from the keyboard, and focus returns to where it was.
    await p.page.getByRole('button', { name: 'New chat' }).focus();
    await p.page.keyboard.press('Enter');
    await p.page.getByRole('dialog', { name: 'New chat' }).waitFor();
    await p.page.keyboard.press('Escape');
    await expect.poll(() => p.page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('New chat');
    expect(people.flatMap((x) => x.problems)).toEqual([]);
  });
});
