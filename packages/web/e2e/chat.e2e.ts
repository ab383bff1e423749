/**
 * Two people in two browser windows: sign up, start a chat, exchange messages,
 * see typing, delivery and read ticks, presence and status change, the unread
 * badge and title, a notification while the tab is hidden; then one goes offline,
 * writes, comes back, and the message arrives exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  composer,
  e2eUnavailable,
  goOffline,
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

describe.skipIf(skip !== undefined)('two people chat in the browser', () => {
  let app: App;
  let alice: Person;
  let bob: Person;

  beforeAll(async () => {
    app = await startApp();
    [alice, bob] = await Promise.all([openPerson(app, 'Alice'), openPerson(app, 'Bob')]);
    await Promise.all([signUp(alice), signUp(bob)]);
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('starts a chat, exchanges messages, shows unread, delivered and read', async () => {
    await startChatWith(alice, bob);
    await send(alice, 'Hi Bob!');
    // Bob sees the new conversation appear, with an unread badge and the title count.
    const entry = bob.page.getByRole('button', { name: /^Alice/ });
    await expect.poll(() => entry.getByTestId('unread-badge').textContent()).toBe('1 unread');
    await expect.poll(() => bob.page.title()).toBe('(1) Parley');
    // Bob's device has it, but Bob has not opened the chat: delivered, not read.
    const tick = alice.page.locator('[data-testid="message"]').last().locator('.ticks');
    await expect.poll(() => tick.getAttribute('data-status')).toBe('delivered');
    await openConversation(bob, 'Alice');
    await expect.poll(() => tick.getAttribute('data-status')).toBe('read');
    await expect.poll(() => messageTexts(bob)).toEqual(['Hi Bob!']);
    await expect.poll(() => bob.page.title()).toBe('Parley');
    await send(bob, 'Hello Alice');
    await expect.poll(() => messageTexts(alice)).toEqual(['Hi Bob!', 'Hello Alice']);
  });

  it('shows "typing…" while the other person types, and clears it', async () => {
    await composer(bob).pressSequentially('I am writing', { delay: 20 });
    await expect.poll(() => alice.page.getByTestId('typing-line').textContent()).toBe('Bob is typing…');
    await composer(bob).press('Enter');
    await expect.poll(() => alice.page.getByTestId('typing-line').textContent()).toBe('');
    await expect.poll(() => messageTexts(alice)).toContain('I am writing');
  });

  it('sends multi-line messages with Shift+Enter and inserts emoji', async () => {
    await composer(alice).fill('line one');
    await composer(alice).press('Shift+Enter');
    await composer(alice).pressSequentially('line two');
    await alice.page.getByRole('button', { name: 'Insert emoji' }).click();
    await alice.page.getByRole('button', { name: 'thumbs up' }).click();
    await alice.page.keyboard.press('Escape');
    await composer(alice).press('Enter');
    await expect.poll(async () => (await messageTexts(bob)).at(-1)).toBe('line one\nline two👍');
  });

  it('shows presence, status and last seen', async () => {
    const subtitle = alice.page.getByTestId('chat-subtitle');
    await expect.poll(() => subtitle.textContent()).toBe('online');
    await bob.page.getByRole('button', { name: 'Settings', exact: true }).click();
    const settings = bob.page.getByRole('dialog', { name: 'Settings' });
    await settings.getByText('Busy', { exact: true }).click();
    await expect.poll(() => subtitle.textContent()).toBe('busy');
    await settings.getByLabel('Status message').fill('In a meeting');
    await settings.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => subtitle.textContent()).toBe('busy · In a meeting');
    await settings.getByText('Online', { exact: true }).click();
    await settings.getByLabel('Status message').fill('');
    await settings.getByRole('button', { name: 'Save', exact: true }).click();
    await bob.page.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => subtitle.textContent()).toBe('online');
  });

  it('lists sessions and logs out other devices', async () => {
    const other = await openPerson(app, 'Bob');
    await other.page.getByLabel('Username').fill(bob.username);
    await other.page.getByLabel('Password').fill('correct horse battery');
    await other.page.getByRole('button', { name: 'Log in' }).click();
    await other.page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    await bob.page.getByRole('button', { name: 'Settings', exact: true }).click();
    const settings = bob.page.getByRole('dialog', { name: 'Settings' });
    await expect.poll(() => settings.getByTestId('sessions').locator('li').count()).toBe(2);
    await settings.getByRole('button', { name: /Log out other devices/ }).click();
    await expect.poll(() => settings.getByTestId('sessions').locator('li').count()).toBe(1);
    // The other window is sent back to the login screen with a reason.
    await other.page.getByText('You were logged out on this device.').waitFor();
    await other.context.close();
    await settings.getByRole('button', { name: 'Close' }).click();
  });

  it('goes offline, queues a message, and sends it exactly once on reconnect', async () => {
    await goOffline(bob);
    await bob.page.getByTestId('offline-banner').waitFor();
    await expect
      .poll(() => alice.page.getByTestId('chat-subtitle').textContent(), { timeout: 15_000 })
      .toMatch(/^last seen/);
    await send(bob, 'written while offline');
    await expect.poll(() => bob.page.locator('[data-pending="true"]').count()).toBe(1);
    await expect.poll(() => bob.page.getByTestId('offline-banner').textContent()).toContain('1 message will be sent');
    await bob.context.setOffline(false);
    await bob.page.getByTestId('offline-banner').waitFor({ state: 'detached', timeout: 20_000 });
    await expect
      .poll(async () => (await messageTexts(alice)).filter((t) => t === 'written while offline').length)
      .toBe(1);
    await expect
      .poll(async () => (await messageTexts(bob)).filter((t) => t === 'written while offline').length)
      .toBe(1);
    await expect.poll(() => bob.page.locator('[data-pending="true"]').count()).toBe(0);
    await expect.poll(() => alice.page.getByTestId('chat-subtitle').textContent()).toBe('online');
    // A reload shows the same history, still once.
    await bob.page.reload();
    await openConversation(bob, 'Alice');
    await expect
      .poll(async () => (await messageTexts(bob)).filter((t) => t === 'written while offline').length)
      .toBe(1);
  });

  it('notifies while the tab is hidden', async () => {
    await bob.context.grantPermissions(['notifications'], { origin: app.url });
    await bob.page.evaluate(() => {
      const shown: string[] = [];
      (window as unknown as { shown: string[] }).shown = shown;
      class FakeNotification {
        static permission = 'granted';
        static requestPermission = () => Promise.resolve('granted');
        onclick: (() => void) | null = null;
        constructor(title: string, options: { body: string }) {
          shown.push(`${title}: ${options.body}`);
        }
        close() {}
      }
      Object.defineProperty(window, 'Notification', { value: FakeNotification });
      Object.defineProperty(document, 'visibilityState', { get: () => 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await send(alice, 'ping while hidden');
    await expect
      .poll(() => bob.page.evaluate(() => (window as unknown as { shown: string[] }).shown))
      // Each user-written part isolated (FSI ... PDI): a name cannot reorder the text after it.
      .toEqual(['\u2068Alice\u2069: \u2068ping while hidden\u2069']);
    await expect.poll(() => bob.page.title()).toBe('(1) Parley');
  });

  it('logged no errors in either window', () => {
    expect([...alice.problems, ...bob.problems]).toEqual([]);
  });
});
