/**
 * People in the browser (issue 13): starting a chat by typing part of a name (the user
 * directory's type-ahead), a profile edited in settings (name, and a picture cropped in
 * the browser and uploaded) seen live by the other person, a group given a picture, renamed,
 * and a member added and removed by its owner as the other members see it, and blocking from a
 * profile card then unblocking from settings. The new dialogs pass axe in both themes.
 */
import type { ParleyClient } from '@parley/sdk/node';
import { createNodeClient } from '@parley/sdk/node';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeScan,
  e2eUnavailable,
  openConversation,
  openPerson,
  sdkUser,
  send,
  signUp,
  startApp,
  uniqueName,
  type App,
  type Person,
} from './harness';

const skip = e2eUnavailable();

/** A 600 x 400 picture, as a person would choose from their disk. */
const png = () =>
  sharp({ create: { width: 600, height: 400, channels: 3, background: '#c0392b' } })
    .png()
    .toBuffer();

/** Axe in the light theme, then in the dark one (the app follows the system setting), then back. */
async function expectAccessibleInBothThemes(page: Page): Promise<void> {
  for (const colorScheme of ['dark', 'light'] as const) {
    await page.emulateMedia({ colorScheme });
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(colorScheme);
    // Colours ease from one theme to the other: scan until the transition has settled.
    await expect.poll(() => axeScan(page), { message: colorScheme, timeout: 5_000 }).toEqual([]);
  }
}

describe.skipIf(skip !== undefined)('people in the browser', () => {
  let app: App;
  let alice: Person;
  let bob: Person;
  let aliceDevice: ParleyClient;
  let carol: ParleyClient;

  beforeAll(async () => {
    app = await startApp();
    carol = await sdkUser(app, uniqueName('carol'), 'Carol Jones', false);
    // Display names with a space; usernames without.
    alice = { ...(await openPerson(app, 'Alice Liddell')), username: uniqueName('alice') };
    bob = { ...(await openPerson(app, 'Bob Marley')), username: uniqueName('bob') };
    await signUp(alice);
    await signUp(bob);
    // Alice's second device, to set up the group quickly and to post as her.
    aliceDevice = createNodeClient({ baseUrl: app.url });
    await aliceDevice.login({ username: alice.username, password: 'correct horse battery' });
    await aliceDevice.connect();
  });

  afterAll(async () => {
    aliceDevice?.close();
    carol?.close();
    await app?.stop();
  });

  it('starts a chat by typing part of a name, and shows the person in the chat’s details', async () => {
    const { page } = bob;
    await page.getByRole('button', { name: 'New chat' }).click();
    const dialog = page.getByRole('dialog', { name: 'New chat' });
    await dialog.getByRole('combobox', { name: 'Name or username' }).fill('liddel');
    const option = dialog.getByRole('option', { name: /Alice Liddell/ });
    await option.waitFor();
    await expectAccessibleInBothThemes(page);
    await option.click();
    await page.getByRole('heading', { level: 2, name: 'Alice Liddell', exact: true }).waitFor();
    await send(bob, 'Hello Alice');
    // The chat's title is the person: it opens the profile card.
    await page.getByRole('heading', { level: 2 }).getByRole('button', { name: 'Alice Liddell' }).click();
    const card = page.getByRole('dialog', { name: 'Alice Liddell' });
    await card.getByText(`@${alice.username}`).waitFor();
    await card.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: 'Details' }).click();
    await expect.poll(() => page.getByTestId('person-summary').textContent()).toContain(`@${alice.username}`);
    await page.getByRole('button', { name: 'Close panel' }).click();
  });

  it('edits the profile (name and a cropped picture) and the other person sees it live', async () => {
    const { page } = alice;
    await page.getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByRole('dialog', { name: 'Settings' });
    await settings.getByLabel('Display name').fill('Alice Cooper');
    await settings.getByRole('button', { name: 'Change name' }).click();
    await settings.getByText('Name saved.').waitFor();

    await settings
      .locator('input[type="file"]')
      .setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: await png() });
    const crop = page.getByRole('dialog', { name: 'Crop your picture' });
    await crop.getByRole('button', { name: 'Save picture' }).waitFor();
    await expect.poll(() => crop.getByRole('button', { name: 'Save picture' }).isEnabled()).toBe(true);
    await crop.getByRole('group', { name: 'Picture position' }).press('ArrowLeft');
    await crop.getByLabel('Zoom').fill('1.5');
    await expectAccessibleInBothThemes(page);
    await crop.getByRole('button', { name: 'Save picture' }).click();
    await crop.waitFor({ state: 'detached' });
    await settings.getByRole('button', { name: 'Remove picture' }).waitFor();
    await expectAccessibleInBothThemes(page);
    await settings.getByRole('button', { name: 'Close' }).first().click();

    // Bob sees the new name and the picture, without reloading.
    const list = bob.page.getByRole('navigation', { name: 'Conversations' });
    await list.getByRole('button', { name: /^Alice Cooper/ }).waitFor();
    const picture = list.locator('img[src*="/v1/avatars/"]');
    await picture.first().waitFor();
    // The picture is the server's 256 px square of the crop, and it loaded.
    await expect
      .poll(() => picture.first().evaluate((img: HTMLImageElement) => `${img.naturalWidth}x${img.naturalHeight}`))
      .toBe('256x256');
  });

  it('renames a group and adds and removes a member, as the other members see', async () => {
    const group = await aliceDevice.conversations.createGroup('Plans', [await bobId()]);
    await aliceDevice.messages.send(group.id, 'Shall we plan the weekend?');
    const { page } = alice;
    await openConversation(alice, 'Plans');
    await page.getByRole('button', { name: 'Details' }).click();
    await page.getByRole('button', { name: 'Edit group' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit group' });
    await edit
      .locator('input[type="file"]')
      .setInputFiles({ name: 'g.png', mimeType: 'image/png', buffer: await png() });
    const crop = page.getByRole('dialog', { name: 'Crop your picture' });
    await expect.poll(() => crop.getByRole('button', { name: 'Save picture' }).isEnabled()).toBe(true);
    await crop.getByRole('button', { name: 'Save picture' }).click();
    await edit.getByRole('button', { name: 'Remove picture' }).waitFor();
    await edit.getByLabel('Group name').fill('Weekend plans');
    await edit.getByLabel('Description').fill('Hiking or the beach');
    await expectAccessibleInBothThemes(page);
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Add people' }).click();
    const add = page.getByRole('dialog', { name: 'Add people' });
    await add.getByRole('combobox', { name: 'Name or username' }).fill('Carol');
    await add.getByRole('option', { name: /Carol Jones/ }).click();
    await expectAccessibleInBothThemes(page);
    await add.getByRole('button', { name: 'Add 1' }).click();
    await add.waitFor({ state: 'detached' });

    await openConversation(bob, 'Weekend plans');
    await bob.page.locator(`[data-conversation-id="${group.id}"] img[src*="/v1/avatars/${group.id}/"]`).waitFor();
    const bobMain = bob.page.locator('.chat-main');
    await bobMain.getByText(/Cooper added/).waitFor();

    await page.getByRole('button', { name: /^Members/ }).click();
    await page.getByRole('button', { name: 'Manage Carol Jones' }).click();
    await page.getByRole('button', { name: 'Remove from conversation' }).click();
    await bobMain.getByText(/Cooper removed/).waitFor();
    await page.getByRole('button', { name: 'Close panel' }).click();
  });

  it('blocks from a profile card and unblocks from settings', async () => {
    const { page } = bob;
    await openConversation(bob, 'Weekend plans');
    // Alice's name heads her message in the group: a click opens her profile card.
    await page.locator('.chat-main .msg-sender').getByRole('button', { name: 'Alice Cooper' }).first().click();
    const card = page.getByRole('dialog', { name: 'Alice Cooper' });
    await card.getByText(`@${alice.username}`).waitFor();
    await card.getByRole('listitem').filter({ hasText: 'Weekend plans' }).waitFor();
    await expectAccessibleInBothThemes(page);
    await card.getByRole('button', { name: 'Block' }).click();
    await page.getByRole('dialog', { name: 'Block Alice Cooper?' }).getByRole('button', { name: 'Block' }).click();
    await card.getByRole('button', { name: 'Unblock' }).waitFor();
    await card.getByRole('button', { name: 'Close' }).click();

    await page.getByRole('button', { name: 'Settings' }).click();
    const blockedList = page.getByTestId('blocked-list');
    await blockedList.getByText('Alice Cooper').waitFor();
    await blockedList.getByRole('button', { name: 'Unblock' }).click();
    await page.getByText('You have not blocked anyone.').waitFor();
    await page.keyboard.press('Escape');
    // The card's "Message" opens (here: starts) the direct chat with the person.
    await page.locator('.chat-main .msg-sender').getByRole('button', { name: 'Alice Cooper' }).first().click();
    await page.getByRole('dialog', { name: 'Alice Cooper' }).getByRole('button', { name: 'Message' }).click();
    await page
      .getByRole('region', { name: 'Chat' })
      .getByRole('heading', { level: 2, name: 'Alice Cooper', exact: true })
      .waitFor();
    expect(bob.problems).toEqual([]);
    expect(alice.problems).toEqual([]);
  });

  it('creates a channel with people added at once; one of them leaves it', async () => {
    const { page } = alice;
    await page.getByRole('button', { name: 'New channel' }).click();
    const dialog = page.getByRole('dialog', { name: 'New channel' });
    await dialog.getByLabel('Channel name').fill('Book club');
    await dialog.getByRole('combobox', { name: 'Name or username' }).fill('Marley');
    await dialog.getByRole('option', { name: /Bob Marley/ }).click();
    await dialog.getByRole('button', { name: 'Create channel with 1' }).click();
    await page.getByRole('heading', { level: 2, name: /Book club/ }).waitFor();
    // Bob has it at once, and leaves it from its details.
    await openConversation(bob, 'Book club');
    await bob.page.getByRole('button', { name: /^Details/ }).click();
    await bob.page.getByRole('button', { name: 'Leave', exact: true }).click();
    await bob.page.getByRole('dialog', { name: 'Leave conversation?' }).getByRole('button', { name: 'Leave' }).click();
    await bob.page
      .getByRole('navigation', { name: 'Conversations' })
      .getByRole('button', { name: /^Book club/ })
      .waitFor({ state: 'detached' });
    await page
      .locator('.chat-main')
      .getByText(/Marley left/)
      .waitFor();
    expect(bob.problems).toEqual([]);
  });

  it('changes the password in settings: the old one stops working, the new one logs in', async () => {
    const eve = { ...(await openPerson(app, 'Eve Changing')), username: uniqueName('eve') };
    await signUp(eve);
    const { page } = eve;
    await page.getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByRole('dialog', { name: 'Settings' });
    await settings.getByLabel('Current password').fill('correct horse battery');
    await settings.getByLabel('New password').fill('a brand new secret');
    await settings.getByRole('button', { name: 'Change password' }).click();
    await settings.getByText('Password changed. Your other devices were logged out.').waitFor();
    const device = createNodeClient({ baseUrl: app.url });
    try {
      await expect(device.login({ username: eve.username, password: 'correct horse battery' })).rejects.toMatchObject({
        code: 'invalid_credentials',
      });
      await device.login({ username: eve.username, password: 'a brand new secret' });
      expect(device.user?.username).toBe(eve.username);
    } finally {
      device.close();
    }
    expect(eve.problems).toEqual([]);
    await eve.context.close();
  });

  it('deletes an account from settings, with the password, and lands on the sign-in screen', async () => {
    const dora = { ...(await openPerson(app, 'Dora Leaving')), username: uniqueName('dora') };
    await signUp(dora);
    const { page } = dora;
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('dialog', { name: 'Settings' }).getByRole('button', { name: 'Delete my account' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete your account?' });
    await confirm.getByLabel('Your password, to confirm').fill('not my password');
    await confirm.getByRole('button', { name: 'Delete my account' }).click();
    await confirm.getByRole('alert').waitFor();
    await expectAccessibleInBothThemes(page);
    await confirm.getByLabel('Your password, to confirm').fill('correct horse battery');
    await confirm.getByRole('button', { name: 'Delete my account' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    expect(await aliceDevice.users.search(dora.username)).toEqual({ users: [], nextCursor: null });
    await dora.context.close();
  });

  it('deletes an account with everything it sent, after a second confirmation', async () => {
    const erin = { ...(await openPerson(app, 'Erin Erased')), username: uniqueName('erin') };
    await signUp(erin);
    // Erin's messages, sent from a second device of hers into a group with Alice.
    const erinDevice = createNodeClient({ baseUrl: app.url });
    await erinDevice.login({ username: erin.username, password: 'correct horse battery' });
    await erinDevice.connect();
    const [aliceUser] = await erinDevice.users.findByUsername(alice.username);
    const group = await erinDevice.conversations.createGroup('Erased soon', [aliceUser!.id]);
    const sent = await erinDevice.messages.send(group.id, 'words that will go');
    erinDevice.close();
    const { page } = erin;
    await page.getByRole('button', { name: 'Settings' }).click();
    // First a copy of her data: the archive downloads from settings.
    const settings = page.getByRole('dialog', { name: 'Settings' });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      settings.getByRole('button', { name: 'Download my data' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('parley-export.tar');
    const saved = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of saved) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).includes('words that will go')).toBe(true);
    await settings.getByRole('button', { name: 'Delete my account' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete your account?' });
    await confirm.getByRole('radio', { name: /Erase everything I sent/ }).check();
    await confirm.getByLabel('Your password, to confirm').fill('correct horse battery');
    const remove = confirm.getByRole('button', { name: 'Delete my account and everything I sent' });
    // The second confirmation is required before the button works.
    expect(await remove.isDisabled()).toBe(true);
    await confirm.getByRole('checkbox', { name: /cannot be recovered/ }).check();
    await expectAccessibleInBothThemes(page);
    await remove.click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    // The erasure runs in batches after the answer: Alice's history loses the message.
    await expect
      .poll(async () => (await aliceDevice.messages.history(group.id, { limit: 50 })).messages.map((m) => m.id), {
        timeout: 15_000,
      })
      .not.toContain(sent.id);
    await erin.context.close();
  });

  async function bobId(): Promise<string> {
    const [user] = await aliceDevice.users.findByUsername(bob.username);
    if (user === undefined) throw new Error('Bob is not found');
    return user.id;
  }
});
