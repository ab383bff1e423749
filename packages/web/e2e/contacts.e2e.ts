/**
 * Contact nicknames in the browser: the "New chat" dialog lists my contacts under the
 * nickname I gave them (their display name and username beneath), and a nickname set
 * or cleared on another of my devices shows at once (`contact` events).
 */
import type { ParleyClient } from '@parley/sdk/node';
import { createNodeClient } from '@parley/sdk/node';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { e2eUnavailable, logIn, openPerson, sdkUser, startApp, type App, type Person } from './harness';

const skip = e2eUnavailable();

describe.skipIf(skip !== undefined)('contact nicknames in the browser', () => {
  let app: App;
  let bob: ParleyClient;
  let otherDevice: ParleyClient;
  let me: Person;
  const myName = `nickowner${process.pid % 1000}`;

  beforeAll(async () => {
    app = await startApp();
    bob = await sdkUser(app, `nickbob${process.pid % 1000}`, 'Bob Builder');
    const mine = await sdkUser(app, myName, 'Nina Owner', false);
    await mine.contacts.add(bob.user!.id);
    await mine.contacts.update(bob.user!.id, { nickname: 'Bobby' });
    otherDevice = createNodeClient({ baseUrl: app.url });
    await otherDevice.login({ username: myName, password: 'correct horse battery' });
    await otherDevice.connect();
    me = await openPerson(app, 'Nina Owner');
    await logIn(me, myName);
  });

  afterAll(async () => {
    bob?.close();
    otherDevice?.close();
    await app?.stop();
  });

  it('lists a contact under my nickname, and follows changes from my other devices', async () => {
    const { page } = me;
    await page.getByRole('button', { name: 'New chat' }).click();
    const dialog = page.getByRole('dialog', { name: 'New chat' });
    const row = dialog.locator('.user-row');
    await row.locator('.user-row-name', { hasText: 'Bobby' }).waitFor();
    await row.locator('.user-row-sub', { hasText: 'Bob Builder' }).waitFor();

    await otherDevice.contacts.update(bob.user!.id, { nickname: 'The Builder' });
    await row.locator('.user-row-name', { hasText: 'The Builder' }).waitFor();
    await otherDevice.contacts.update(bob.user!.id, { nickname: null });
    await row.locator('.user-row-name', { hasText: 'Bob Builder' }).waitFor();
  });
});
