/**
 * Spoofing with bidirectional controls, in the real app and Debian's Chromium. A
 * file named `holiday\u202Egnp.exe` (U+202E, RIGHT-TO-LEFT OVERRIDE, before `gnp.exe`)
 * draws as `holidayexe.png`: the app shows its real extension, `exe`, in a badge of
 * its own, both for a name the server normalized on upload and for one stored raw
 * by an older server (written here straight into the store). And user text is
 * drawn in bidi isolation: an override in a topic reorders nothing of the sentence
 * around it (checked on the glyphs' positions on screen, not on the DOM).
 */
import type { FileContent } from '@parley/protocol';
import { createStore, type Store } from '@parley/server';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  e2eUnavailable,
  openConversation,
  openPerson,
  sdkUser,
  send,
  signUp,
  startApp,
  startChatWith,
  type App,
  type Person,
} from './harness';

const skip = e2eUnavailable();
const SPOOF = 'holiday\u202Egnp.exe';

/**
 * The left edges on screen of two characters of the text node that contains `text`
 * inside `scope`: in left-to-right order the first is left of the second.
 */
function glyphOrder(scope: Locator, text: string): Promise<[number, number]> {
  return scope.evaluate((root, wanted) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
      const at = (node.textContent ?? '').indexOf(wanted);
      if (at === -1) continue;
      const left = (offset: number) => {
        const range = document.createRange();
        range.setStart(node, offset);
        range.setEnd(node, offset + 1);
        return range.getBoundingClientRect().left;
      };
      return [left(at), left(at + 1)] as [number, number];
    }
    throw new Error(`no text node with ${wanted}`);
  }, text);
}

describe.skipIf(skip !== undefined)('bidi spoofing in the browser', () => {
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
    await startChatWith(alice, bob);
    await send(alice, 'The holiday pictures');
    await openConversation(bob, 'Alice');
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('shows the real extension of a file named holiday\\u202Egnp.exe', async () => {
    await alice.page
      .getByTestId('file-input')
      .setInputFiles({ name: SPOOF, mimeType: 'application/octet-stream', buffer: Buffer.from('MZ not a picture') });
    // The tray shows the name isolated too, before anything is sent.
    const waiting = alice.page.getByTestId('tray-item');
    await waiting.waitFor();
    expect(await waiting.locator('.tray-name').evaluate((el) => getComputedStyle(el).unicodeBidi)).toBe('isolate');
    await alice.page.getByRole('button', { name: 'Send file' }).click();
    const card = bob.page.getByTestId('file-card').last();
    await card.waitFor();
    expect(await card.getByTestId('file-extension').textContent()).toContain('exe');
    // The override never reached the store: the name is what it really is.
    expect(await card.locator('.attachment-file-name').textContent()).toBe('holidaygnp.exe');
  });

  it('shows it too for a name an older server stored with its override, isolated in its own box', async () => {
    const sent = bob.page.getByTestId('file-card').last();
    const fileMessage = await sent.evaluate((el) => el.closest('[data-message-id]')?.getAttribute('data-message-id'));
    const original = await store.getMessage(fileMessage ?? '');
    if (original?.content.type !== 'file') throw new Error('no file message');
    const content: FileContent = { ...original.content, name: SPOOF };
    // Behind the services' back, as a server before the text rules would have stored it.
    await store.appendMessage({
      id: 'm_legacy_spoof',
      conversationId: original.conversationId,
      senderId: original.senderId,
      clientId: 'legacy-spoof',
      content,
      createdAt: Date.now(),
    });
    await bob.page.reload();
    await openConversation(bob, 'Alice');
    const card = bob.page.locator('[data-message-id="m_legacy_spoof"]').getByTestId('file-card');
    await card.waitFor();
    const name = card.locator('.attachment-file-name');
    expect(await name.textContent()).toBe(SPOOF);
    expect(await name.evaluate((el) => el.tagName)).toBe('BDI');
    const badge = card.getByTestId('file-extension');
    expect(await badge.textContent()).toContain('exe');
    // The badge is drawn after the name, whatever the name does inside its box.
    const [nameBox, badgeBox] = await Promise.all([name.boundingBox(), badge.boundingBox()]);
    expect(badgeBox!.x).toBeGreaterThanOrEqual(nameBox!.x + nameBox!.width - 1);
  });

  it('keeps an override in a topic inside it: the rest of the sentence reads left to right', async () => {
    const carol = await sdkUser(app, `carol${process.pid % 1000}`, 'Carol');
    const [bobUser] = await carol.users.findByUsername(bob.username);
    const group = await carol.conversations.createGroup('Trips', [bobUser!.id]);
    await carol.conversations.update(group.id, { topic: 'see \u202Etxt.exe', description: 'Where we go' });
    await openConversation(bob, 'Trips');
    const line = bob.page.locator('.system-message').filter({ hasText: 'the description' });
    await line.waitFor();
    // "…the topic to “see \u202Etxt.exe”, the description": without isolation the override
    // would run to the end of the line and draw "the description" backwards.
    const [d, e] = await glyphOrder(line, 'description');
    expect(d).toBeLessThan(e);
    // The same sentence as the conversation's preview in the list.
    const preview = bob.page.locator('[data-conversation-id] .conversation-preview').filter({ hasText: 'description' });
    const [pd, pe] = await glyphOrder(preview, 'description');
    expect(pd).toBeLessThan(pe);
    carol.close();
  });

  it('saw no page error or CSP violation', () => {
    expect([...alice.problems, ...bob.problems]).toEqual([]);
  });
});
