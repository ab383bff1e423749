/**
 * Push decisions in the web app (docs/notifications.md), in real Chromium against a real
 * server whose store the test also opens: the open conversation is reported as this
 * device's focus (the server holds that conversation's pushes back while it is), and the
 * notification settings save quiet hours to the server, answer the test button when no
 * device has notifications on, and show the (empty) decision record.
 */
import { createStore, type Store } from '@parley/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { e2eUnavailable, openPerson, signUp, startApp, startChatWith, type App, type Person } from './harness';

const skip = e2eUnavailable();

describe.skipIf(skip !== undefined)('push settings and focus in the browser', () => {
  let app: App;
  let store: Store;
  let alice: Person;
  let bob: Person;

  beforeAll(async () => {
    app = await startApp({
      store: async (config) => {
        store = await createStore({ db: 'sqlite', sqlitePath: config.sqlitePath ?? '', synchronous: 'normal' });
        return store;
      },
    });
    [alice, bob] = await Promise.all([openPerson(app, 'Alice'), openPerson(app, 'Bob')]);
    await Promise.all([signUp(alice), signUp(bob)]);
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('reports the open conversation as the focus of the device', async () => {
    await startChatWith(alice, bob);
    const conversationId = decodeURIComponent(/#\/c\/([^/]+)/.exec(alice.page.url())?.[1] ?? '');
    expect(conversationId).not.toBe('');
    const aliceId = (await store.getUserByUsername(alice.username))!.id;
    let focused: string[] = [];
    for (let i = 0; i < 100 && !focused.includes(aliceId); i++) {
      focused = await store.listFocusedUsers(conversationId, Date.now());
      if (!focused.includes(aliceId)) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(focused).toEqual([aliceId]);
  });

  it('saves quiet hours, answers the test button and shows the decision record', async () => {
    const { page } = alice;
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    // A click, not check(): the box turns on once the server has saved the window, not at the click.
    await dialog.getByRole('checkbox', { name: 'No pushes every day between' }).click();
    await dialog.getByText('No pushes from 22:00 to 07:00 (Europe/London).').waitFor();
    const aliceId = (await store.getUserByUsername(alice.username))!.id;
    expect(await store.getQuietHours(aliceId)).toEqual({
      startMinute: 1320,
      endMinute: 420,
      timeZone: 'Europe/London',
    });

    await dialog.getByRole('button', { name: 'Send test notification' }).click();
    await dialog.getByText('None of your devices has notifications on').waitFor();
    await dialog.getByText('No decisions yet.').waitFor();

    await dialog.getByRole('checkbox', { name: 'No pushes every day between' }).click();
    await dialog.getByText('Quiet hours are off.').waitFor();
    expect(await store.getQuietHours(aliceId)).toBeNull();
    expect(alice.problems).toEqual([]);
  });
});
