/**
 * Archiving and deleting a channel in two browser windows (issue 13, ADR 0020): Alice
 * (light theme) archives her channel from its details; Bob (dark theme) sees the
 * archived banner instead of the composer and the channel under "Archived" in his
 * list; Alice unarchives it and Bob can write again; Alice deletes it after a
 * confirmation that names what is lost, and it disappears from Bob's list. Axe scans
 * the archived banner in both themes and the delete confirmation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeScan,
  composer,
  e2eUnavailable,
  openPerson,
  send,
  signUp,
  startApp,
  type App,
  type Person,
} from './harness';

const skip = e2eUnavailable();

async function openDetails(person: Person): Promise<void> {
  const details = person.page.getByRole('button', { name: /^Details/ });
  if ((await details.getAttribute('aria-pressed')) !== 'true') await details.click();
  await person.page.getByRole('complementary', { name: 'Details' }).waitFor();
}

function sidebar(person: Person) {
  return person.page.getByRole('navigation', { name: 'Conversations' });
}

describe.skipIf(skip !== undefined)('archiving and deleting a channel in the browser', () => {
  let app: App;
  let alice: Person;
  let bob: Person;

  beforeAll(async () => {
    app = await startApp();
    [alice, bob] = await Promise.all([
      openPerson(app, 'Alice', { colorScheme: 'light' }),
      openPerson(app, 'Bob', { colorScheme: 'dark' }),
    ]);
    await Promise.all([signUp(alice), signUp(bob)]);
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('sets up a channel with two members', async () => {
    await alice.page.getByRole('button', { name: 'New channel' }).click();
    const dialog = alice.page.getByRole('dialog', { name: 'New channel' });
    await dialog.getByLabel('Channel name').fill('Archive me');
    await dialog.getByRole('button', { name: 'Create channel' }).click();
    await alice.page.getByRole('heading', { level: 2, name: /Archive me/ }).waitFor();
    await send(alice, 'Before the archive');
    await bob.page.getByRole('button', { name: 'Channels', exact: true }).click();
    const directory = bob.page.getByRole('dialog', { name: 'Browse channels' });
    await directory.getByLabel('Search channels').fill('archive');
    await directory.getByRole('button', { name: 'Join Archive me' }).click();
    await bob.page.getByRole('heading', { level: 2, name: /Archive me/ }).waitFor();
  });

  it('archives: the banner replaces the composer and the channel moves to "Archived"', async () => {
    await openDetails(alice);
    await alice.page.getByRole('button', { name: 'Archive', exact: true }).click();
    const confirm = alice.page.getByRole('dialog', { name: 'Archive channel?' });
    await confirm.getByRole('button', { name: 'Archive' }).click();
    for (const person of [alice, bob]) {
      const banner = person.page.getByTestId('archived-banner');
      await banner.waitFor();
      expect(await banner.textContent()).toContain('This channel is archived');
      expect(await composer(person).count()).toBe(0);
    }
    // Bob (a member) cannot unarchive; the owner can, from the banner.
    expect(await bob.page.getByTestId('archived-banner').getByRole('button', { name: 'Unarchive' }).count()).toBe(0);
    await sidebar(bob).locator('[data-section="archived"]').waitFor();
    await expect.poll(() => sidebar(bob).locator('[data-section="channels"]').count()).toBe(0);
    expect(await axeScan(alice.page)).toEqual([]);
    expect(await axeScan(bob.page)).toEqual([]);
  });

  it('unarchives: everyone can write again', async () => {
    await alice.page.getByTestId('archived-banner').getByRole('button', { name: 'Unarchive' }).click();
    await composer(bob).waitFor();
    await send(bob, 'Open again');
    await expect.poll(() => alice.page.locator('.chat-main .msg-text').allTextContents()).toContain('Open again');
    await sidebar(bob).locator('[data-section="channels"]').waitFor();
    expect(await sidebar(bob).locator('[data-section="archived"]').count()).toBe(0);
  });

  it('deletes after a confirmation that names what is lost; it disappears for Bob', async () => {
    await openDetails(alice);
    await alice.page.getByRole('button', { name: 'Delete channel' }).click();
    const confirm = alice.page.getByRole('dialog', { name: 'Delete “Archive me” for everyone?' });
    const consequences = await confirm.getByTestId('delete-consequences').textContent();
    expect(consequences).toContain('all 2 members');
    expect(consequences).toContain('every message and thread, edits, reactions, pins, read receipts');
    expect(consequences).toContain('files shared only here');
    expect(await axeScan(alice.page)).toEqual([]);
    await confirm.getByRole('button', { name: 'Delete for everyone' }).click();
    for (const person of [alice, bob]) {
      await expect
        .poll(() =>
          sidebar(person)
            .getByRole('button', { name: /^Archive me/ })
            .count(),
        )
        .toBe(0);
      await person.page.getByRole('heading', { level: 2, name: 'Your messages' }).waitFor();
    }
    expect([...alice.problems, ...bob.problems]).toEqual([]);
  });
});
