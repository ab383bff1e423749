/**
 * Channels and moderation in three browser windows: Alice creates a public
 * channel, Bob finds it in the directory and joins, Carol joins with an invite
 * link; Bob reports Carol's message, Alice sees the report, deletes the message
 * and resolves it, mutes Carol (whose composer explains why), makes the channel
 * a broadcast one (Bob can only read), and Bob mutes its notifications and marks
 * it unread.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eUnavailable, openPerson, send, signUp, startApp, type App, type Person } from './harness';

const skip = e2eUnavailable();

function row(person: Person, text: string) {
  return person.page.locator('.chat-main [data-testid="message"]', { hasText: text });
}

async function openDetails(person: Person): Promise<void> {
  const details = person.page.getByRole('button', { name: /^Details/ });
  if ((await details.getAttribute('aria-pressed')) !== 'true') await details.click();
  await person.page.getByRole('complementary', { name: 'Details' }).waitFor();
}

describe.skipIf(skip !== undefined)('channels and moderation in the browser', () => {
  let app: App;
  let alice: Person;
  let bob: Person;
  let carol: Person;

  beforeAll(async () => {
    app = await startApp();
    [alice, bob, carol] = await Promise.all([
      openPerson(app, 'Alice'),
      openPerson(app, 'Bob'),
      openPerson(app, 'Carol'),
    ]);
    await Promise.all([signUp(alice), signUp(bob), signUp(carol)]);
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('creates a public channel with a topic', async () => {
    await alice.page.getByRole('button', { name: 'New channel' }).click();
    const dialog = alice.page.getByRole('dialog', { name: 'New channel' });
    await dialog.getByLabel('Channel name').fill('Releases');
    await dialog.getByLabel('Topic (optional)').fill('What ships when');
    await dialog.getByRole('button', { name: 'Create channel' }).click();
    await alice.page.getByRole('heading', { level: 2, name: /Releases/ }).waitFor();
    await expect.poll(() => alice.page.getByTestId('chat-subtitle').textContent()).toBe('1 member · What ships when');
    await send(alice, 'Welcome to the release channel');
    await row(alice, 'Welcome to the release channel').waitFor();
  });

  it('lists it in the directory; joining opens it', async () => {
    await bob.page.getByRole('button', { name: 'Channels', exact: true }).click();
    const dialog = bob.page.getByRole('dialog', { name: 'Browse channels' });
    await dialog.getByLabel('Search channels').fill('relea');
    const entry = dialog.getByTestId('directory-channel').filter({ hasText: 'Releases' });
    await expect.poll(() => entry.textContent()).toContain('What ships when');
    await entry.getByRole('button', { name: 'Join Releases' }).click();
    await bob.page.getByRole('heading', { level: 2, name: /Releases/ }).waitFor();
    await row(bob, 'Welcome to the release channel').waitFor();
    await expect.poll(() => alice.page.getByTestId('chat-subtitle').textContent()).toBe('2 members · What ships when');
  });

  it('joins a channel with an invite link', async () => {
    await openDetails(alice);
    await alice.page.getByRole('button', { name: 'Invite links' }).click();
    const invites = alice.page.getByRole('dialog', { name: 'Invite links' });
    await invites.getByLabel('Maximum uses').fill('5');
    await invites.getByRole('button', { name: 'Create link' }).click();
    const link = (await invites.getByTestId('invite').locator('.invite-link').first().textContent()) ?? '';
    expect(link).toMatch(/#\/invite\/.+/);
    // "Copy link" says that it copied, where the dialog is (a toast would sit beneath it).
    await alice.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.url });
    await invites.getByTestId('invite').first().getByRole('button', { name: 'Copy link' }).click();
    await invites.getByTestId('copy-status').filter({ hasText: 'Link copied to the clipboard.' }).waitFor();
    expect(await alice.page.evaluate(() => navigator.clipboard.readText())).toBe(link);
    await alice.page.keyboard.press('Escape');
    await carol.page.goto(link);
    const invitation = carol.page.getByRole('dialog', { name: 'Invitation' });
    await invitation.getByRole('heading', { name: '# Releases' }).waitFor();
    await invitation.getByRole('button', { name: 'Join channel' }).click();
    await carol.page.getByRole('heading', { level: 2, name: /Releases/ }).waitFor();
    await send(carol, 'BUY CHEAP WATCHES');
    await row(bob, 'BUY CHEAP WATCHES').waitFor();
  });

  it('reports a message; a moderator deletes it and resolves the report', async () => {
    await row(bob, 'BUY CHEAP WATCHES').hover();
    await row(bob, 'BUY CHEAP WATCHES').getByRole('button', { name: 'Message actions' }).click();
    await bob.page.getByRole('menuitem', { name: 'Report…' }).click();
    const report = bob.page.getByRole('dialog', { name: 'Report message' });
    await report.getByLabel('Why should the moderators look at it?').fill('Spam');
    await report.getByRole('button', { name: 'Report' }).click();
    await bob.page.getByTestId('toast').waitFor();
    // Alice is told live: the Details button carries the open report.
    await alice.page.getByRole('button', { name: 'Details, 1 open reports' }).waitFor();
    await openDetails(alice);
    await alice.page.getByRole('button', { name: /^Reports/ }).click();
    const reports = alice.page.getByRole('complementary', { name: 'Reports' });
    const entry = reports.getByTestId('report').filter({ hasText: 'Spam' });
    await entry.getByRole('button', { name: 'Delete message' }).click();
    await expect.poll(() => row(bob, 'This message was deleted').count()).toBe(1);
    await entry.getByRole('button', { name: 'Resolve' }).click();
    await reports.getByText('No open reports.').waitFor();
  });

  it('mutes a member, whose composer says why', async () => {
    await openDetails(alice);
    await alice.page.getByRole('button', { name: /^Members/ }).click();
    const members = alice.page.getByRole('complementary', { name: 'Members' });
    await members.getByRole('button', { name: 'Manage Carol' }).click();
    const manage = alice.page.getByRole('dialog', { name: 'Manage Carol' });
    await manage.getByLabel('Mute for').selectOption({ label: '10 minutes' });
    await manage.getByRole('button', { name: 'Mute', exact: true }).click();
    await expect.poll(() => carol.page.getByTestId('composer-blocked').textContent()).toContain('muted you');
    await members.getByTestId('member').filter({ hasText: 'Carol' }).getByText('muted').waitFor();
  });

  it('bans a member, who loses the channel and cannot join again until the ban is lifted', async () => {
    const members = alice.page.getByRole('complementary', { name: 'Members' });
    await members.getByRole('button', { name: 'Manage Carol' }).click();
    const manage = alice.page.getByRole('dialog', { name: 'Manage Carol' });
    await manage.getByLabel('Reason (optional)').fill('Spam');
    await manage.getByRole('button', { name: 'Ban', exact: true }).click();
    const list = carol.page.getByRole('navigation', { name: 'Conversations' });
    await list.getByRole('button', { name: /^Releases/ }).waitFor({ state: 'detached' });
    await carol.page.getByRole('button', { name: 'Channels', exact: true }).click();
    const directory = carol.page.getByRole('dialog', { name: 'Browse channels' });
    await directory.getByRole('button', { name: 'Join Releases' }).click();
    await expect.poll(() => carol.page.getByTestId('toast').textContent()).toContain('banned');
    await carol.page.keyboard.press('Escape');
    const banned = members.getByRole('list', { name: 'Banned' });
    await banned.getByText('Spam').waitFor();
    await banned.getByRole('button', { name: 'Lift ban' }).click();
    await banned.waitFor({ state: 'detached' });
  });

  it('changes a role, and slow mode counts down after a post', async () => {
    const members = alice.page.getByRole('complementary', { name: 'Members' });
    await members.getByRole('button', { name: 'Manage Bob' }).click();
    const manage = alice.page.getByRole('dialog', { name: 'Manage Bob' });
    await manage.getByLabel('Role').selectOption('readonly');
    await manage.getByRole('button', { name: 'Change role' }).click();
    await expect.poll(() => bob.page.getByTestId('composer-blocked').textContent()).toContain('not post');
    await members.getByRole('button', { name: 'Manage Bob' }).click();
    await manage.getByLabel('Role').selectOption('member');
    await manage.getByRole('button', { name: 'Change role' }).click();
    await bob.page.getByTestId('composer-blocked').waitFor({ state: 'detached' });

    await openDetails(alice);
    await alice.page.getByRole('button', { name: 'Channel settings' }).click();
    const settings = alice.page.getByRole('dialog', { name: 'Channel settings' });
    await settings.getByLabel('Slow mode').selectOption({ label: '1 minute' });
    await settings.getByRole('button', { name: 'Save' }).click();
    await bob.page.locator('.system-message', { hasText: 'slow mode to 1 min' }).waitFor();
    await send(bob, 'Is 2.4 tagged yet?');
    await expect
      .poll(() => bob.page.getByTestId('slow-mode').textContent())
      .toMatch(/you can post again in (1 min|\d+ s)\./);
    expect(await bob.page.getByRole('button', { name: 'Send message' }).isDisabled()).toBe(true);
  });

  it('turns the channel into a broadcast one: members read, admins post', async () => {
    await openDetails(alice);
    await alice.page.getByRole('button', { name: 'Channel settings' }).click();
    const settings = alice.page.getByRole('dialog', { name: 'Channel settings' });
    await settings.getByText('Only admins (broadcast)').click();
    await settings.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => bob.page.getByTestId('composer-blocked').textContent()).toContain('broadcast channel');
    await send(alice, 'v2.4 is out');
    await row(bob, 'v2.4 is out').waitFor();
  });

  it('mutes notifications and marks the channel unread', async () => {
    await openDetails(bob);
    const panel = bob.page.getByRole('complementary', { name: 'Details' });
    await panel.getByLabel(/^Muted/).check();
    const entry = bob.page
      .getByRole('navigation', { name: 'Conversations' })
      .getByRole('button', { name: /^Releases/ });
    await entry.locator('.muted-icon').waitFor();
    await panel.getByRole('button', { name: 'Mark as unread' }).click();
    await entry.getByTestId('unread-badge').waitFor();
    // The server kept it: a reload shows it still unread and muted.
    await bob.page.reload();
    const again = bob.page
      .getByRole('navigation', { name: 'Conversations' })
      .getByRole('button', { name: /^Releases/ });
    await again.getByTestId('unread-badge').waitFor();
    await again.locator('.muted-icon').waitFor();
    // A mention shows its own badge, apart from the unread count, even when muted.
    expect(await again.getByTestId('mention-badge').count()).toBe(0);
    await send(alice, `@${bob.username} please check the release notes`);
    await again.getByTestId('mention-badge').waitFor();
  });

  it('logged no errors in any window', () => {
    expect([...alice.problems, ...bob.problems, ...carol.problems]).toEqual([]);
  });
});
