/**
 * Rich conversations in two browser windows: reactions (quick and any emoji, who
 * reacted, toggling), edit (Up arrow, Escape cancels, "edited"), delete with a
 * confirmation and a tombstone, replies quoting a message, threads (side pane,
 * reply count, unread marker, replies hidden from the main timeline), Markdown,
 * @mention autocomplete and the mention badge, and search that jumps to the
 * message. Each change reaches the other window live, through update entries.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  composer,
  e2eUnavailable,
  messageTexts,
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

function row(person: Person, text: string) {
  return person.page.locator('.chat-main [data-testid="message"]', { hasText: text });
}

async function menu(person: Person, text: string, item: string): Promise<void> {
  await row(person, text).last().hover();
  await row(person, text).last().getByRole('button', { name: 'Message actions' }).click();
  await person.page.getByRole('menuitem', { name: item, exact: true }).click();
}

function reaction(page: Page, text: string, emoji: string) {
  return page
    .locator('.chat-main [data-testid="message"]', { hasText: text })
    .locator(`.reaction[data-emoji="${emoji}"]`);
}

describe.skipIf(skip !== undefined)('rich conversations in the browser', () => {
  let app: App;
  let alice: Person;
  let bob: Person;

  beforeAll(async () => {
    app = await startApp();
    [alice, bob] = await Promise.all([openPerson(app, 'Alice'), openPerson(app, 'Bob')]);
    await Promise.all([signUp(alice), signUp(bob)]);
    await startChatWith(alice, bob);
    await send(alice, 'Hello Bob');
    await bob.page
      .getByRole('button', { name: /^Alice/ })
      .getByTestId('unread-badge')
      .waitFor();
    await openConversation(bob, 'Alice');
    await row(bob, 'Hello Bob').waitFor();
    // Bob opened the chat with one unread message: a "New messages" line sits above it.
    await bob.page.getByTestId('new-messages').waitFor();
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('reacts from the keyboard, shows counts and who reacted, and toggles off', async () => {
    await send(bob, 'Lunch at noon?');
    await row(alice, 'Lunch at noon?').waitFor();
    // Keyboard only: Tab reaches the actions button, Enter opens the menu, the first item has the focus.
    await row(alice, 'Lunch at noon?').getByRole('button', { name: 'Message actions' }).focus();
    await alice.page.keyboard.press('Enter');
    await expect
      .poll(() => alice.page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('React with 👍');
    await alice.page.keyboard.press('Enter');
    await expect.poll(() => reaction(bob.page, 'Lunch at noon?', '👍').getAttribute('aria-label')).toBe('👍 1: Alice');
    expect(await reaction(bob.page, 'Lunch at noon?', '👍').getAttribute('aria-pressed')).toBe('false');
    await expect.poll(() => reaction(alice.page, 'Lunch at noon?', '👍').getAttribute('aria-pressed')).toBe('true');
    // Bob adds the same one by clicking the chip, and any emoji through the picker.
    await reaction(bob.page, 'Lunch at noon?', '👍').click();
    await expect
      .poll(() => reaction(alice.page, 'Lunch at noon?', '👍').getAttribute('aria-label'))
      .toBe('👍 2: You, Bob');
    await menu(bob, 'Lunch at noon?', 'Add reaction…');
    const dialog = bob.page.getByRole('dialog', { name: 'Add reaction' });
    await dialog.getByLabel('Any emoji').fill('🦄');
    await dialog.getByRole('button', { name: 'React' }).click();
    await reaction(alice.page, 'Lunch at noon?', '🦄').waitFor();
    // Alice takes hers back.
    await reaction(alice.page, 'Lunch at noon?', '👍').click();
    await expect.poll(() => reaction(bob.page, 'Lunch at noon?', '👍').getAttribute('aria-label')).toBe('👍 1: You');
  });

  it('edits the last message with Up, cancels with Escape, and marks it edited', async () => {
    await send(alice, 'See you tomorow');
    await row(bob, 'See you tomorow').waitFor();
    await composer(alice).press('ArrowUp');
    const editor = alice.page.getByRole('textbox', { name: 'Edit message' });
    await editor.waitFor();
    await editor.press('Escape');
    await editor.waitFor({ state: 'detached' });
    await composer(alice).press('ArrowUp');
    await editor.fill('See you tomorrow');
    await editor.press('Enter');
    await expect.poll(async () => (await messageTexts(bob)).at(-1)).toBe('See you tomorrow');
    await row(bob, 'See you tomorrow').locator('.msg-edited').waitFor();
    await row(alice, 'See you tomorrow').locator('.msg-edited').waitFor();
  });

  it('deletes after a confirmation and leaves a tombstone for everyone', async () => {
    await send(alice, 'Oops, wrong chat');
    await row(bob, 'Oops, wrong chat').waitFor();
    await menu(alice, 'Oops, wrong chat', 'Delete…');
    const confirm = alice.page.getByRole('dialog', { name: 'Delete message?' });
    await confirm.getByRole('button', { name: 'Delete' }).click();
    for (const p of [alice, bob]) {
      await expect.poll(async () => (await messageTexts(p)).at(-1)).toBe('This message was deleted');
      expect(await messageTexts(p)).not.toContain('Oops, wrong chat');
    }
  });

  it('replies quoting a message; the quote jumps to it', async () => {
    await menu(bob, 'Hello Bob', 'Reply');
    await bob.page.getByTestId('reply-preview').waitFor();
    await send(bob, 'Hi, replying to your first message');
    const quote = row(alice, 'Hi, replying to your first message').getByTestId('reply-quote');
    await expect.poll(() => quote.textContent()).toContain('Hello Bob');
    await quote.click();
    await expect.poll(() => row(alice, 'Hello Bob').first().getAttribute('class')).toContain('flash');
  });

  it('pins a message, lists it in the pinned panel, and forwards a message', async () => {
    await menu(alice, 'Lunch at noon?', 'Pin');
    await row(bob, 'Lunch at noon?').locator('.msg-pinned').waitFor();
    await bob.page.getByRole('button', { name: 'Pinned messages' }).click();
    const pins = bob.page.getByRole('complementary', { name: 'Pinned messages' });
    await pins.getByTestId('message-card').filter({ hasText: 'Lunch at noon?' }).waitFor();
    await bob.page.getByRole('button', { name: 'Close panel' }).click();
    await menu(bob, 'See you tomorrow', 'Forward…');
    const forward = bob.page.getByRole('dialog', { name: 'Forward message' });
    await forward.getByRole('button', { name: 'Alice', exact: true }).click();
    await row(alice, 'Forwarded from Alice').waitFor();
  });

  it('renders Markdown safely and completes @mentions', async () => {
    await send(alice, '**bold** and _soft_ and `code`\n> quoted');
    const text = row(bob, 'quoted').locator('.msg-text');
    await text.locator('strong', { hasText: 'bold' }).waitFor();
    await text.locator('em', { hasText: 'soft' }).waitFor();
    await text.locator('code', { hasText: 'code' }).waitFor();
    await text.locator('blockquote', { hasText: 'quoted' }).waitFor();
    // Alice mentions Bob through the suggestion list; Bob sees his name strongly highlighted.
    await composer(alice).pressSequentially(`ping @${bob.username.slice(0, 3)}`);
    const option = alice.page.getByRole('option', { name: new RegExp(bob.username) });
    await option.waitFor();
    await composer(alice).press('Enter');
    expect(await composer(alice).inputValue()).toBe(`ping @${bob.username} `);
    await composer(alice).press('Enter');
    await row(alice, `ping @${bob.username}`)
      .locator('.mention', { hasText: `@${bob.username}` })
      .waitFor();
    await row(bob, `ping @${bob.username}`).locator('.mention-me').waitFor();
    await expect.poll(() => row(bob, `ping @${bob.username}`).getAttribute('class')).toContain('mentions-me');
  });

  it('opens a thread beside the chat, counts replies and marks them unread for the other person', async () => {
    await send(bob, 'Which release goes out Friday?');
    await row(alice, 'Which release goes out Friday?').waitFor();
    await menu(alice, 'Which release goes out Friday?', 'Reply in thread');
    const pane = alice.page.getByRole('complementary', { name: 'Thread' });
    await pane.waitFor();
    const threadBox = alice.page.getByRole('textbox', { name: 'Reply in thread' });
    await threadBox.fill('Version 2.4, if the tests pass');
    await threadBox.press('Enter');
    await pane.locator('[data-testid="message"]', { hasText: 'Version 2.4' }).waitFor();
    // Thread replies stay out of the main timeline; the root shows the count.
    expect(await alice.page.locator('.chat-main .msg-text').allTextContents()).not.toContain(
      'Version 2.4, if the tests pass',
    );
    const summary = row(bob, 'Which release goes out Friday?').getByTestId('thread-summary');
    await expect.poll(() => summary.textContent()).toContain('1 reply');
    await summary.getByTestId('thread-unread').waitFor();
    await summary.click();
    const bobPane = bob.page.getByRole('complementary', { name: 'Thread' });
    await bobPane.locator('[data-testid="message"]', { hasText: 'Version 2.4' }).waitFor();
    await summary.getByTestId('thread-unread').waitFor({ state: 'detached' });
    await bob.page.getByRole('textbox', { name: 'Reply in thread' }).fill('Great, thanks');
    await bob.page.getByRole('textbox', { name: 'Reply in thread' }).press('Enter');
    await pane.locator('[data-testid="message"]', { hasText: 'Great, thanks' }).waitFor();
    await expect
      .poll(() => row(alice, 'Which release goes out Friday?').getByTestId('thread-summary').textContent())
      .toContain('2 replies');
    // The Threads view lists it.
    await bob.page.getByRole('button', { name: 'Close panel' }).click();
    await bob.page.getByRole('button', { name: /^Threads/ }).click();
    const threads = bob.page.getByRole('dialog', { name: 'Threads' });
    await threads.getByTestId('thread-listing').filter({ hasText: 'Which release goes out Friday?' }).waitFor();
    await bob.page.keyboard.press('Escape');
  });

  it('searches messages, highlights the words and jumps to the result', async () => {
    await alice.page.getByRole('button', { name: 'Search', exact: true }).click();
    const dialog = alice.page.getByRole('dialog', { name: 'Search messages' });
    await dialog.getByLabel('Words to find').fill('lunch');
    await dialog.getByRole('button', { name: 'Search', exact: true }).click();
    const hit = dialog.getByTestId('message-card').filter({ hasText: 'Lunch at noon?' });
    await hit.waitFor();
    expect(await hit.locator('mark').first().textContent()).toMatch(/^lunch$/i);
    // Filtering by another sender finds nothing.
    await dialog.getByLabel('From (username)').fill(alice.username);
    await dialog.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => dialog.getByTestId('search-count').textContent()).toBe('No messages found.');
    await dialog.getByLabel('From (username)').fill(bob.username);
    await dialog.getByRole('button', { name: 'Search', exact: true }).click();
    await hit.getByRole('button').first().click();
    await expect.poll(() => row(alice, 'Lunch at noon?').getAttribute('class')).toContain('flash');
  });

  it('logged no errors in either window', () => {
    expect([...alice.problems, ...bob.problems]).toEqual([]);
  });
});
