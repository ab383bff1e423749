/**
 * Blocking and privacy in the browser: blocking a group member collapses their messages
 * ("Message from a blocked user", click to show) in the timeline and in threads, live ones
 * included and still in order; the settings show the blocked people (unblock expands their
 * messages again) and who may see my last seen and online status, synced to my other devices.
 */
import type { ParleyClient, PrivacySettings } from '@parley/sdk/node';
import { createNodeClient } from '@parley/sdk/node';
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

describe.skipIf(skip !== undefined)('blocking in the browser', () => {
  let app: App;
  let owner: ParleyClient;
  let pest: ParleyClient;
  let readerDevice: ParleyClient;
  let reader: Person;
  let groupId: string;
  const readerName = `blockreader${process.pid % 1000}`;

  beforeAll(async () => {
    app = await startApp();
    owner = await sdkUser(app, `blockowner${process.pid % 1000}`, 'Olga Owner');
    pest = await sdkUser(app, `blockpest${process.pid % 1000}`, 'Pete Pest');
    const readerClient = await sdkUser(app, readerName, 'Rita Reader', false);
    const group = await owner.conversations.createGroup('Book club', [readerClient.user!.id, pest.user!.id]);
    groupId = group.id;
    await owner.messages.send(group.id, 'Welcome to the book club');
    await pest.messages.send(group.id, 'You will regret joining');
    const root = await owner.messages.send(group.id, 'Which book next?');
    await owner.messages.send(group.id, 'Dune, maybe', { threadId: root.id });
    await pest.messages.send(group.id, 'Nobody cares', { threadId: root.id });
    await owner.messages.send(group.id, 'Let us vote on Friday');
    // The reader's second device, to see the settings synced.
    readerDevice = createNodeClient({ baseUrl: app.url });
    await readerDevice.login({ username: readerName, password: 'correct horse battery' });
    await readerDevice.connect();
    reader = await openPerson(app, 'Rita Reader');
    await logIn(reader, readerName);
    await openConversation(reader, 'Book club');
  });

  afterAll(async () => {
    owner?.close();
    pest?.close();
    readerDevice?.close();
    await app?.stop();
  });

  const main = () => reader.page.locator('.chat-main');
  const collapsed = () => main().getByTestId('blocked-message');
  const texts = () => main().locator('[data-testid="message"] .msg-text').allTextContents();

  it('collapses a blocked member’s messages, in the timeline and in threads, and shows one on click', async () => {
    const { page } = reader;
    await main().locator('[data-testid="message"]', { hasText: 'You will regret joining' }).waitFor();
    await page.getByRole('button', { name: 'Details' }).click();
    await page.getByRole('button', { name: /^Members/ }).click();
    await page.getByRole('button', { name: 'Block Pete Pest' }).click();
    const confirm = page.getByRole('dialog', { name: 'Block Pete Pest?' });
    await confirm.getByText('They are not told.').waitFor();
    await confirm.getByRole('button', { name: 'Block', exact: true }).click();
    await page.getByRole('button', { name: 'Unblock Pete Pest' }).waitFor();
    await page.getByRole('button', { name: 'Close panel' }).click();

    await expect.poll(() => collapsed().count()).toBe(1);
    expect(await texts()).toEqual(['Welcome to the book club', 'Which book next?', 'Let us vote on Friday']);
    // Still in its place in the timeline (between the owner's messages), named as collapsed.
    const rows = await main()
      .locator('[data-testid="message"]')
      .evaluateAll((els) =>
        els.map((el) => (el.getAttribute('data-blocked') === 'true' ? 'blocked' : (el.textContent ?? ''))),
      );
    expect(rows.findIndex((r) => r === 'blocked')).toBe(1);
    await expect.poll(() => collapsed().first().textContent()).toContain('Message from a blocked user');

    // A live message from them arrives collapsed too, after the others.
    await pest.messages.send(groupId, 'Still here');
    await expect.poll(() => collapsed().count()).toBe(2);
    const last = main().locator('[data-testid="message"]').last();
    expect(await last.getAttribute('data-blocked')).toBe('true');

    // In the thread: the owner's reply shows, theirs is collapsed.
    await main()
      .locator('[data-testid="message"]', { hasText: 'Which book next?' })
      .getByTestId('thread-summary')
      .click();
    const pane = page.getByRole('complementary', { name: 'Thread' });
    await pane.locator('[data-testid="message"]', { hasText: 'Dune, maybe' }).waitFor();
    await pane.getByTestId('blocked-message').waitFor();
    expect(await pane.locator('.msg-text').allTextContents()).not.toContain('Nobody cares');
    // Show: one click reveals that message only.
    await pane.getByTestId('blocked-message').click();
    await pane.locator('[data-testid="message"]', { hasText: 'Nobody cares' }).waitFor();
    await page.getByRole('button', { name: 'Close panel' }).click();
    expect(await collapsed().count()).toBe(2);
  });

  it('lists them in the settings, where unblocking expands their messages; sets who sees my presence', async () => {
    const { page } = reader;
    const synced = new Promise<PrivacySettings>((resolve) => readerDevice.on('privacy', resolve));
    await page.getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByRole('dialog', { name: 'Settings' });
    const presence = settings.getByTestId('privacy-presence');
    await expect.poll(() => presence.getByRole('radio', { name: /^Everybody/ }).isChecked()).toBe(true);
    await presence.getByRole('radio', { name: /^Nobody/ }).check();
    expect(await synced).toEqual({ presence: 'nobody' });
    expect(await readerDevice.account.privacy()).toEqual({ presence: 'nobody' });
    expect(await axeScan(page)).toEqual([]);

    const blocked = settings.getByTestId('blocked-list');
    await blocked.getByText('Pete Pest').waitFor();
    await blocked.getByRole('button', { name: 'Unblock' }).click();
    await settings.getByText('You have not blocked anyone.').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => collapsed().count()).toBe(0);
    expect(await texts()).toContain('You will regret joining');
    expect(await texts()).toContain('Still here');
  });

  it('logged no errors', () => {
    expect(reader.problems).toEqual([]);
  });
});
