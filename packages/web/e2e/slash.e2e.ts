/**
 * Slash commands and a bot's buttons in Chromium (docs/bots.md): a bot written with the
 * SDK registers commands in a group; Ann types `/`, gets the commands as a listbox she
 * moves through with the keyboard, picks one, sees its argument hint, and sends it: the
 * bot's ephemeral reply shows for her alone. A command answered in public brings a
 * message with buttons; her click reaches the bot, which updates the message. The
 * built-in commands come first in the list and are carried out by the server: `/me` shows
 * as an action, `/topic` answers with a note, a bad argument with its error. Axe scans the
 * open list and the buttons.
 */
import type { ParleyClient } from '@parley/sdk/node';
import { createNodeClient } from '@parley/sdk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeScan,
  composer,
  e2eUnavailable,
  messageTexts,
  openConversation,
  openPerson,
  sdkUser,
  signUp,
  startApp,
  uniqueName,
  type App,
  type Person,
} from './harness';

const skip = e2eUnavailable();

describe.skipIf(skip !== undefined)('slash commands and buttons', () => {
  let app: App;
  let ann: Person;
  let owner: ParleyClient;
  let bot: ParleyClient;

  beforeAll(async () => {
    app = await startApp();
    ann = await openPerson(app, 'Ann');
    await signUp(ann);
    owner = await sdkUser(app, uniqueName('owner'), 'Olga');
    const created = await owner.bots.create({ username: uniqueName('dice'), displayName: 'Dice' });
    const { token } = await owner.bots.createToken(created.user.id, 'e2e');
    bot = createNodeClient({ baseUrl: app.url, token });
    bot.on('interaction', (i) => {
      const answer = (body: Parameters<ParleyClient['interactions']['respond']>[1]) =>
        void bot.interactions.respond(i.id, body).catch(() => undefined);
      if (i.command?.name === 'secret') answer({ type: 'ephemeral', text: 'Only for your eyes' });
      if (i.command?.name === 'roll') {
        answer({
          type: 'message',
          text: `Rolled ${String(i.command.args['sides'])}`,
          components: [
            { type: 'button', id: 'again', label: 'Roll again', style: 'primary' },
            { type: 'button', id: 'keep', label: 'Keep', style: 'secondary' },
          ],
        });
      }
      if (i.component?.id === 'again') {
        answer({
          type: 'update',
          text: `Rolled again for ${i.user.displayName}`,
          components: [{ type: 'button', id: 'again', label: 'Rolled', style: 'primary', disabled: true }],
        });
      }
    });
    await bot.connect();
    await bot.commands.set(created.user.id, [
      {
        name: 'roll',
        description: 'Roll a die',
        options: [{ name: 'sides', description: 'Sides', type: 'number', required: true }],
      },
      { name: 'secret', description: 'Only you will know', options: [] },
    ]);
    const [annUser] = await owner.users.findByUsername(ann.username);
    await owner.conversations.createGroup('Dice table', [annUser!.id, created.user.id]);
    await openConversation(ann, 'Dice table');
  });

  afterAll(async () => {
    bot?.close();
    owner?.close();
    await app?.stop();
  });

  it('lists the commands after "/", moves through them with the keyboard, and shows an ephemeral reply', async () => {
    const { page } = ann;
    await composer(ann).fill('/');
    const list = page.getByRole('listbox', { name: 'Suggestions' });
    // The built-in commands first, then the bot's.
    await expect
      .poll(() => list.locator('.suggestion-label').allTextContents())
      .toEqual(['/me', '/shrug', '/topic', '/invite', '/mute', '/leave', '/roll', '/secret']);
    await expect.poll(() => list.getByRole('option').first().textContent()).toContain('built-in');
    await expect.poll(() => list.getByRole('option').nth(6).textContent()).toContain('Roll a die');
    expect(await axeScan(page)).toEqual([]);
    await composer(ann).fill('/s');
    await expect
      .poll(() => list.getByRole('option').allTextContents())
      .toEqual([expect.stringContaining('/shrug'), expect.stringContaining('/secret')]);
    await composer(ann).press('ArrowDown');
    await expect.poll(() => list.getByRole('option', { selected: true }).textContent()).toContain('/secret');
    await composer(ann).press('Enter');
    await expect.poll(() => composer(ann).inputValue()).toBe('/secret ');
    await expect.poll(() => page.getByTestId('command-hint').textContent()).toContain('Only you will know');
    await composer(ann).press('Enter');
    await expect.poll(() => page.getByTestId('command-note').textContent()).toContain('Only for your eyes');
    await expect.poll(() => page.getByTestId('command-note').textContent()).toContain('Only you can see this');
    expect(await messageTexts(ann)).toEqual([]); // not in the conversation
  });

  it('shows the bot message with buttons, and a click updates it', async () => {
    const { page } = ann;
    await composer(ann).fill('/roll 6');
    await expect.poll(() => page.getByTestId('command-hint').textContent()).toContain('/roll sides:number');
    await composer(ann).press('Enter');
    await expect.poll(() => messageTexts(ann)).toEqual(['Rolled 6']);
    const actions = page.getByRole('group', { name: 'Actions from Dice' });
    await actions.getByRole('button', { name: 'Roll again' }).waitFor();
    expect(await axeScan(page)).toEqual([]);
    await actions.getByRole('button', { name: 'Roll again' }).click();
    await expect.poll(() => messageTexts(ann)).toEqual(['Rolled again for Ann']);
    await expect.poll(() => actions.getByRole('button', { name: 'Rolled' }).isDisabled()).toBe(true);
    expect(await actions.getByRole('button', { name: 'Keep' }).count()).toBe(0);
    expect(ann.problems).toEqual([]);
  });

  it('carries out the built-in commands: /me as an action, /shrug, /mute, and refusals (/topic, /invite)', async () => {
    const { page } = ann;
    await composer(ann).fill('/me waves');
    await expect.poll(() => page.getByTestId('command-hint').textContent()).toContain('/me action:string');
    await composer(ann).press('Enter');
    const action = page.getByTestId('msg-action').last();
    await expect.poll(() => action.locator('.msg-action-actor').textContent()).toBe('* Ann');
    await expect.poll(() => action.locator('.msg-text').textContent()).toBe('waves');
    await composer(ann).fill('/shrug fine');
    await composer(ann).press('Enter');
    await expect.poll(async () => (await messageTexts(ann)).at(-1)).toBe('fine ¯\\_(ツ)_/¯');
    expect(await page.locator('[data-testid="message"] .msg-text em').count()).toBe(0);
    // Ann is a plain member of Olga's group: the permission matrix does not let her set the topic.
    await composer(ann).fill('/topic Dice night');
    await composer(ann).press('Enter');
    await expect.poll(() => page.getByTestId('command-note').textContent()).toContain('not allowed');
    await composer(ann).fill('/mute '); // past the name: Enter sends instead of picking
    await composer(ann).press('Enter');
    await expect
      .poll(() => page.getByTestId('command-note').textContent())
      .toContain('This conversation is muted for you.');
    await composer(ann).fill('/invite @nobody-here');
    await composer(ann).press('Enter');
    await expect.poll(() => page.getByTestId('command-note').textContent()).toContain('no user');
    expect(ann.problems).toEqual([]);
  });
});
