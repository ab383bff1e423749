/**
 * The administration console in Chromium (issue 19): the first account (the server's
 * admin) opens "Administration"; the dashboard shows live figures of the server's
 * metrics; deactivating Bob from the Users tab closes Bob's open session at once;
 * the Reports tab holds a report made in a channel the admin is not in, and resolving
 * empties the queue; switching registration to "By invite" refuses a sign-up without
 * a code and accepts one with the invite's code. A plain user sees no entry, and the
 * console's address shows them the chat. Axe scans in both themes and both sizes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyClient } from '@parley/sdk';
import {
  axeScan,
  e2eUnavailable,
  openPerson,
  sdkUser,
  signUp,
  startApp,
  uniqueName,
  type App,
  type Person,
} from './harness';

const skip = e2eUnavailable();

describe.skipIf(skip !== undefined)('the administration console', () => {
  let app: App;
  let admin: Person;
  let bob: Person;
  const clients: ParleyClient[] = [];

  const panel = () => admin.page.getByRole('tabpanel');
  const openTab = async (name: string) => {
    await admin.page.getByRole('tab', { name, exact: true }).click();
    await admin.page
      .getByRole('tabpanel', { name })
      .waitFor({ timeout: 10_000 })
      .catch((e: unknown) => {
        throw new Error(`no ${name} tab: ${admin.problems.join('; ')}`, { cause: e });
      });
  };

  beforeAll(async () => {
    app = await startApp();
    admin = await openPerson(app, 'Root', { colorScheme: 'light' });
    await signUp(admin); // the first account of a fresh server is its admin
    bob = await openPerson(app, 'Bob', { colorScheme: 'dark', width: 390, height: 800 });
    await signUp(bob);
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await app?.stop();
  });

  it('is offered to admins only', async () => {
    expect(await bob.page.getByRole('link', { name: 'Administration' }).count()).toBe(0);
    await bob.page.evaluate(() => (location.hash = '#/admin'));
    expect(await bob.page.getByRole('heading', { name: 'Administration' }).count()).toBe(0);
    await bob.page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    await bob.page.evaluate(() => (location.hash = '#/'));

    await admin.page.getByRole('link', { name: 'Administration' }).click();
    await admin.page.getByRole('heading', { level: 2, name: 'Administration' }).waitFor();
  });

  it('shows live figures on the dashboard', async () => {
    const figure = (label: string) =>
      admin.page.getByTestId('admin-figures').locator('.admin-figure', { hasText: label }).locator('dd');
    // Two browsers are connected.
    await expect.poll(() => figure('Connections').textContent(), { timeout: 15_000 }).toBe('2');
    // A message rate appears after the second reading, and it moves when people write.
    const writer = await sdkUser(app, uniqueName('writer'), 'Writer');
    clients.push(writer);
    const room = await writer.channels.create({ title: 'Busy room', visibility: 'public' });
    await expect
      .poll(
        async () => {
          await writer.messages.send(room.id, 'busy');
          return Number.parseFloat((await figure('Messages').textContent()) ?? '0');
        },
        { timeout: 20_000, interval: 1000 },
      )
      .toBeGreaterThan(0);
    expect(await figure('Event-loop lag').textContent()).toMatch(/^\d+\.\d ms$/);
  });

  it('deactivates a user, and their open session is closed', async () => {
    await openTab('Users');
    await panel().getByLabel('Search users').fill(bob.username);
    await panel()
      .getByRole('button', { name: `Deactivate ${bob.username}` })
      .click();
    await panel().getByText(`${bob.username} is deactivated and logged out everywhere.`).waitFor();
    await bob.page.getByRole('heading', { level: 1, name: 'Welcome back' }).waitFor();
    await bob.page.getByText('You were logged out on this device.').waitFor();
    // Reactivated, Bob logs in again.
    await panel()
      .getByRole('button', { name: `Reactivate ${bob.username}` })
      .click();
    await panel()
      .getByRole('button', { name: `Deactivate ${bob.username}` })
      .waitFor();
  });

  it('holds the reports of every channel in one queue', async () => {
    const owner = await sdkUser(app, uniqueName('owner'), 'Owner');
    const reporter = await sdkUser(app, uniqueName('reporter'), 'Reporter');
    clients.push(owner, reporter);
    const channel = await owner.channels.create({ title: 'Elsewhere', visibility: 'public' });
    await reporter.channels.join(channel.id);
    const message = await owner.messages.send(channel.id, 'something nasty');
    await reporter.moderation.report(channel.id, message.id, 'offensive');

    await openTab('Reports');
    const item = panel().getByRole('listitem').filter({ hasText: 'something nasty' });
    await item.waitFor({ timeout: 10_000 }).catch(async (e: unknown) => {
      throw new Error(`no report in: ${await panel().textContent()}`, { cause: e });
    });
    expect(await item.textContent()).toContain('Elsewhere');
    expect(await item.textContent()).toContain('Reason: offensive');
    expect(await axeScan(admin.page)).toEqual([]);
    await item.getByRole('button', { name: 'Resolve' }).click();
    await panel().getByText('Report resolved.').waitFor();
    await expect.poll(() => item.count()).toBe(0);
  });

  it('switches registration to invite-only: no code is refused, the invite code is accepted', async () => {
    await openTab('Registration');
    await panel()
      .getByRole('radio', { name: /^By invite/ })
      .click();
    await panel().getByText('Registration is now invite.').waitFor();
    await panel().getByRole('button', { name: 'Create invite' }).click();
    const code = (await panel().getByTestId('admin-invite-code').textContent()) ?? '';
    expect(code).toMatch(/^[A-Za-z0-9]{22}$/);

    const carol = await openPerson(app, 'Carol', { colorScheme: 'light', width: 390, height: 800 });
    const page = carol.page;
    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.getByLabel('Username').fill(carol.username);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('This server needs an invite code to sign up').waitFor();
    expect(await axeScan(page)).toEqual([]);
    await page.getByLabel('Invite code').fill(code);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    // Single use: the invite now shows 1 of 1.
    await openTab('Settings');
    await openTab('Registration');
    await panel().getByRole('cell', { name: '1 of 1' }).waitFor();
    await carol.context.close();
  });

  it('passes axe in both themes and both sizes', async () => {
    for (const tab of ['Dashboard', 'Users', 'Conversations', 'Registration', 'Storage', 'Audit log']) {
      await openTab(tab);
      expect(await axeScan(admin.page), `${tab}, light, wide`).toEqual([]);
    }
    await admin.page.emulateMedia({ colorScheme: 'dark' });
    await admin.page.setViewportSize({ width: 390, height: 800 });
    for (const tab of ['Dashboard', 'Users', 'Registration', 'Audit log']) {
      await openTab(tab);
      expect(await axeScan(admin.page), `${tab}, dark, narrow`).toEqual([]);
    }
    expect(admin.problems).toEqual([]);
  });
});
