/**
 * A group of three in three browser windows: one creates it with the others as
 * members, everybody talks, all see the same messages in the same order with
 * sender names, and a message shows "read" only once both others have read it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  e2eUnavailable,
  messageTexts,
  openConversation,
  openPerson,
  send,
  signUp,
  startApp,
  type App,
  type Person,
} from './harness';

const skip = e2eUnavailable();

describe.skipIf(skip !== undefined)('a group of three', () => {
  let app: App;
  let ann: Person;
  let ben: Person;
  let cat: Person;

  beforeAll(async () => {
    app = await startApp();
    [ann, ben, cat] = await Promise.all([openPerson(app, 'Ann'), openPerson(app, 'Ben'), openPerson(app, 'Cat')]);
    await Promise.all([signUp(ann), signUp(ben), signUp(cat)]);
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('creates a group with members found by username', async () => {
    await ann.page.getByRole('button', { name: 'New group' }).click();
    const dialog = ann.page.getByRole('dialog', { name: 'New group' });
    await dialog.getByLabel('Group name').fill('Weekend plans');
    for (const member of [ben, cat]) {
      await dialog.getByLabel('Username').fill(member.username);
      await dialog.getByRole('button', { name: 'Add', exact: true }).click();
      await dialog.getByText(`@${member.username}`).waitFor();
    }
    await dialog.getByRole('button', { name: 'Create group (3)' }).click();
    await ann.page.getByRole('heading', { level: 2, name: 'Weekend plans' }).waitFor();
    // Being added reveals nothing: Ann sees Ben and Cat online only once they take part (below).
    await expect.poll(() => ann.page.getByTestId('chat-subtitle').textContent()).toBe('3 members');
    await expect
      .poll(() => ann.page.locator('.system-message').first().textContent())
      .toBe('You created “Weekend plans”');
    for (const member of [ben, cat]) await openConversation(member, 'Weekend plans');
  });

  it('delivers every message to everyone, in one order, with sender names', async () => {
    await send(ann, 'Hiking on Saturday?');
    await expect.poll(() => messageTexts(ben)).toEqual(['Hiking on Saturday?']);
    await send(ben, 'I am in');
    await expect.poll(() => messageTexts(cat)).toEqual(['Hiking on Saturday?', 'I am in']);
    await send(cat, 'Me too 🎉');
    await expect.poll(() => ann.page.getByTestId('chat-subtitle').textContent()).toBe('3 members, 2 online');
    const all = ['Hiking on Saturday?', 'I am in', 'Me too 🎉'];
    for (const person of [ann, ben, cat]) await expect.poll(() => messageTexts(person)).toEqual(all);
    await expect.poll(() => cat.page.locator('.msg-sender').allTextContents()).toEqual(['Ann', 'Ben']);
  });

  it('marks a message read only when every other member has read it', async () => {
    // Cat looks away (tab hidden), so only Ben reads the next message.
    await cat.page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { get: () => 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await send(ann, 'Leaving at 8');
    const tick = ann.page.locator('[data-testid="message"]').last().locator('.ticks');
    await expect.poll(() => tick.getAttribute('data-status')).toBe('delivered');
    await cat.page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { get: () => 'visible', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await expect.poll(() => tick.getAttribute('data-status')).toBe('read');
    expect([...ann.problems, ...ben.problems, ...cat.problems]).toEqual([]);
  });
});
