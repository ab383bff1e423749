/**
 * Media in the browser (issue 13): files wait in a preview tray before they are sent
 * (thumbnails, name and size, remove, the composer's text as the caption of the first),
 * limits are said before any upload, the full-screen viewer (previous/next only when
 * there are several, arrow keys, zoom by button, wheel, double click and keys, download,
 * Escape, focus kept inside and given back), and the "Media and files" gallery of a
 * conversation's details, paged. Then axe over the tray, the viewer and the gallery in
 * light and dark, at desktop and phone width.
 */
import path from 'node:path';
import { createNodeClient, type ParleyClient } from '@parley/sdk/node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeScan,
  e2eUnavailable,
  logIn,
  SCREENSHOTS,
  openConversation,
  openPerson,
  sdkUser,
  send,
  signUp,
  startApp,
  startChatWith,
  uniqueName,
  type App,
  type Person,
} from './harness';

const skip = e2eUnavailable();
const MAX_FILE_BYTES = 2_000_000;

async function image(width: number, height: number, colour: { r: number; g: number; b: number }): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .png()
    .toBuffer();
}

describe.skipIf(skip !== undefined)('media in the browser', () => {
  let app: App;
  let alice: Person;
  let bob: Person;
  let dave: ParleyClient | undefined;
  const extra: Person[] = [];

  beforeAll(async () => {
    app = await startApp({ config: { maxFileBytes: MAX_FILE_BYTES } });
    [alice, bob] = await Promise.all([openPerson(app, 'Alice'), openPerson(app, 'Bob')]);
    await Promise.all([signUp(alice), signUp(bob)]);
    await startChatWith(alice, bob);
    await send(alice, 'Holiday pictures coming');
    await openConversation(bob, 'Alice');
  });

  afterAll(async () => {
    dave?.close();
    await app?.stop();
  });

  const caption = (person: Person) => person.page.getByRole('textbox', { name: 'Caption', exact: true });
  const tray = (person: Person) => person.page.getByTestId('attachment-tray');
  const viewer = (person: Person) => person.page.getByTestId('media-viewer');
  const zoom = (person: Person) => viewer(person).getByTestId('zoom-level');
  const shoot = (p: Person, name: string) =>
    p.page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), animations: 'disabled' });

  it('previews chosen files, removes one, and sends the rest with the text as the caption of the first', async () => {
    await alice.page.getByRole('textbox', { name: 'Message', exact: true }).fill('Our first day');
    await alice.page.getByTestId('file-input').setInputFiles([
      { name: 'beach.png', mimeType: 'image/png', buffer: await image(640, 480, { r: 30, g: 120, b: 200 }) },
      { name: 'blurry.png', mimeType: 'image/png', buffer: await image(320, 240, { r: 90, g: 90, b: 90 }) },
      { name: 'plan.txt', mimeType: 'text/plain', buffer: Buffer.from('day 1: beach\nday 2: hills\n') },
    ]);
    const items = tray(alice).getByTestId('tray-item');
    await expect.poll(() => items.count()).toBe(3);
    // Images preview from the file itself (nothing uploaded yet); other files show name and size.
    const thumbs = tray(alice).getByTestId('tray-thumbnail');
    await expect
      .poll(() => thumbs.evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth)))
      .toEqual([640, 320]);
    expect(await items.nth(2).textContent()).toMatch(/plan\.txt.*26 B/);
    expect(await alice.page.getByTestId('upload').count()).toBe(0);
    // The text typed before becomes the caption.
    expect(await caption(alice).inputValue()).toBe('Our first day');
    expect(await axeScan(alice.page)).toEqual([]);

    await tray(alice).getByRole('button', { name: 'Remove blurry.png' }).click();
    await expect.poll(() => items.count()).toBe(2);
    await alice.page.getByRole('button', { name: 'Send 2 files' }).click();
    await expect.poll(() => tray(alice).count()).toBe(0);
    expect(await alice.page.getByRole('textbox', { name: 'Message', exact: true }).inputValue()).toBe('');

    // Bob gets the image with the caption, then the document without one, and never the removed file.
    const beach = bob.page.getByRole('button', { name: 'Open image beach.png' });
    await beach.waitFor();
    const card = bob.page.getByTestId('file-card').filter({ hasText: 'plan.txt' });
    await card.waitFor();
    const rows = bob.page.locator('.chat-main [data-testid="message"]');
    const texts = await rows.allTextContents();
    const beachRow = texts.findIndex((t) => t.includes('Our first day'));
    const planRow = texts.findIndex((t) => t.includes('plan.txt'));
    expect(beachRow).toBeGreaterThanOrEqual(0);
    expect(planRow).toBeGreaterThan(beachRow);
    expect(texts[planRow]).not.toContain('Our first day');
    expect(texts.join('\n')).not.toContain('blurry');
    expect(await bob.page.getByRole('button', { name: 'Open image blurry.png' }).count()).toBe(0);
  });

  it('says why files are refused before any upload: too big, too many', async () => {
    await alice.page
      .getByTestId('file-input')
      .setInputFiles({ name: 'huge.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(2_500_000, 1) });
    const errors = tray(alice).getByTestId('tray-errors');
    await expect.poll(() => errors.textContent()).toContain('huge.bin is 2.5 MB; files can be at most 2.0 MB.');
    expect(await tray(alice).getByTestId('tray-item').count()).toBe(0);
    expect(await alice.page.getByTestId('upload').count()).toBe(0);

    const many = Array.from({ length: 11 }, (_, i) => ({
      name: `note${i + 1}.txt`,
      mimeType: 'text/plain',
      buffer: Buffer.from(`note ${i + 1}\n`),
    }));
    await alice.page.getByTestId('file-input').setInputFiles(many);
    await expect.poll(() => tray(alice).getByTestId('tray-item').count()).toBe(10);
    expect(await errors.textContent()).toContain('You can send at most 10 files at once: 1 was left out.');
    await tray(alice).getByRole('button', { name: 'Dismiss' }).click();
    for (let i = 10; i >= 1; i -= 1) {
      await tray(alice)
        .getByRole('button', { name: `Remove note${i}.txt` })
        .click();
    }
    await expect.poll(() => tray(alice).count()).toBe(0);
    // With nothing waiting, the composer is a message composer again.
    await alice.page.getByRole('textbox', { name: 'Message', exact: true }).waitFor();
  });

  it('drops files into the tray too', async () => {
    const dataTransfer = await alice.page.evaluateHandle(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['hello'], 'dropped.txt', { type: 'text/plain' }));
      return dt;
    });
    const chat = alice.page.getByRole('region', { name: 'Chat' });
    await chat.dispatchEvent('dragover', { dataTransfer });
    await chat.dispatchEvent('drop', { dataTransfer });
    await tray(alice).getByTestId('tray-item').filter({ hasText: 'dropped.txt' }).waitFor();
    await tray(alice).getByRole('button', { name: 'Remove dropped.txt' }).click();
    await expect.poll(() => tray(alice).count()).toBe(0);
  });

  it('opens one image without previous and next, and several with them, by keyboard', async () => {
    await bob.page.getByRole('button', { name: 'Open image beach.png' }).click();
    await viewer(bob).waitFor();
    await expect.poll(() => viewer(bob).getByRole('heading').textContent()).toBe('beach.png');
    expect(await viewer(bob).getByRole('button', { name: 'Previous' }).count()).toBe(0);
    expect(await viewer(bob).getByRole('button', { name: 'Next' }).count()).toBe(0);
    expect(await viewer(bob).getByTestId('viewer-count').count()).toBe(0);
    await bob.page.keyboard.press('Escape');
    await expect.poll(() => viewer(bob).count()).toBe(0);

    await alice.page.getByTestId('file-input').setInputFiles([
      { name: 'hills.png', mimeType: 'image/png', buffer: await image(400, 300, { r: 40, g: 160, b: 60 }) },
      { name: 'sunset.png', mimeType: 'image/png', buffer: await image(300, 400, { r: 230, g: 120, b: 40 }) },
    ]);
    await alice.page.getByRole('button', { name: 'Send 2 files' }).click();
    const hills = bob.page.getByRole('button', { name: 'Open image hills.png' });
    await bob.page.getByRole('button', { name: 'Open image sunset.png' }).waitFor();
    await hills.click();
    const count = viewer(bob).getByTestId('viewer-count');
    await expect.poll(() => count.textContent()).toContain('2 of 3');
    const full = viewer(bob).getByTestId('viewer-image');
    await expect.poll(() => full.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(400);
    await bob.page.keyboard.press('ArrowRight');
    await expect.poll(() => count.textContent()).toContain('3 of 3');
    await expect.poll(() => viewer(bob).getByRole('heading').textContent()).toContain('sunset.png');
    expect(await viewer(bob).getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
    await bob.page.keyboard.press('ArrowLeft');
    await bob.page.keyboard.press('ArrowLeft');
    await expect.poll(() => count.textContent()).toContain('1 of 3');
    expect(await viewer(bob).getByRole('button', { name: 'Previous' }).isDisabled()).toBe(true);
    await viewer(bob).getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => count.textContent()).toContain('2 of 3');

    // Download: the original, as an attachment.
    const download = viewer(bob).getByRole('link', { name: 'Download hills.png' });
    expect(await download.getAttribute('rel')).toBe('noopener noreferrer');
    const href = await download.getAttribute('href');
    expect(href).toMatch(/\/v1\/files\/f_\w+\?exp=\d+&sig=\w+.*&download=1$/);
    const res = await fetch(new URL(href!, app.url));
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);

    // Focus stays in the viewer.
    for (let i = 0; i < 12; i += 1) {
      await bob.page.keyboard.press('Tab');
      expect(await bob.page.evaluate(() => document.activeElement?.closest('dialog') !== null)).toBe(true);
    }
    await bob.page.keyboard.press('Escape');
    await expect.poll(() => viewer(bob).count()).toBe(0);
    // Focus goes back to the image that opened it.
    expect(await bob.page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'Open image hills.png',
    );
  });

  it('zooms with the buttons, the keys, the wheel and a double click', async () => {
    await bob.page.getByRole('button', { name: 'Open image sunset.png' }).click();
    await viewer(bob).waitFor();
    await expect.poll(() => zoom(bob).textContent()).toBe('100%');
    expect(await viewer(bob).getByRole('button', { name: 'Zoom out' }).isDisabled()).toBe(true);
    await viewer(bob).getByRole('button', { name: 'Zoom in' }).click();
    await expect.poll(() => zoom(bob).textContent()).toBe('125%');
    const scale = () =>
      viewer(bob)
        .getByTestId('viewer-image')
        .evaluate((img: HTMLElement) => img.style.transform);
    expect(await scale()).toContain('scale(1.25)');
    await bob.page.keyboard.press('+');
    await expect.poll(() => zoom(bob).textContent()).toBe('156%');
    await bob.page.keyboard.press('-');
    await bob.page.keyboard.press('-');
    await expect.poll(() => zoom(bob).textContent()).toBe('100%');

    const stage = viewer(bob).getByTestId('viewer-stage');
    const box = (await stage.boundingBox())!;
    await bob.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await bob.page.mouse.wheel(0, -100);
    await expect.poll(() => zoom(bob).textContent()).toBe('125%');
    await bob.page.mouse.wheel(0, 100);
    await expect.poll(() => zoom(bob).textContent()).toBe('100%');

    await stage.dblclick();
    await expect.poll(() => zoom(bob).textContent()).toBe('200%');
    // Zoomed in, a drag pans the picture.
    await bob.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await bob.page.mouse.down();
    await bob.page.mouse.move(box.x + box.width / 2 + 40, box.y + box.height / 2 + 10, { steps: 4 });
    await bob.page.mouse.up();
    await expect.poll(scale).toMatch(/^translate\(40px, 10px\) scale\(2\)$/);
    await stage.dblclick();
    await expect.poll(() => zoom(bob).textContent()).toBe('100%');
    await viewer(bob).getByRole('button', { name: 'Zoom in' }).click();
    await viewer(bob)
      .getByRole('button', { name: /^Zoom 125%/ })
      .click();
    await expect.poll(() => zoom(bob).textContent()).toBe('100%');
    await bob.page.keyboard.press('Escape');
    await expect.poll(() => viewer(bob).count()).toBe(0);
  });

  it('lists media and files in the details, newest first, and opens the viewer from there', async () => {
    await bob.page.getByRole('button', { name: 'Details' }).click();
    const gallery = bob.page.getByTestId('media-gallery');
    await gallery.waitFor();
    const tiles = gallery.getByTestId('gallery-tile').getByRole('button');
    await expect
      .poll(() => tiles.evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label'))))
      .toEqual(['Open image sunset.png', 'Open image hills.png', 'Open image beach.png']);
    await gallery.getByRole('button', { name: 'Open image hills.png' }).click();
    await expect.poll(() => viewer(bob).getByTestId('viewer-count').textContent()).toContain('2 of 3');
    await bob.page.keyboard.press('ArrowRight');
    await expect.poll(() => viewer(bob).getByRole('heading').textContent()).toContain('beach.png');
    await bob.page.keyboard.press('Escape');
    await expect.poll(() => viewer(bob).count()).toBe(0);

    await gallery.getByRole('tab', { name: 'Files' }).click();
    const file = gallery.getByTestId('gallery-file');
    await expect.poll(() => file.count()).toBe(1);
    expect(await file.textContent()).toContain('plan.txt');
    expect(await file.getByRole('link', { name: /Download/ }).getAttribute('rel')).toBe('noopener noreferrer');
    const href = await file.getByRole('link', { name: /Download/ }).getAttribute('href');
    const res = await fetch(new URL(href!, app.url));
    expect(await res.text()).toBe('day 1: beach\nday 2: hills\n');
    // Arrow keys move between the tabs.
    await bob.page.keyboard.press('ArrowLeft');
    await expect.poll(() => gallery.getByRole('tab', { name: 'Media' }).getAttribute('aria-selected')).toBe('true');
    await bob.page.getByRole('button', { name: 'Details' }).click();
  });

  it('pages a long gallery with "Show more"', async () => {
    const suffix = String(process.pid % 1000);
    dave = await sdkUser(app, uniqueName(`dave${suffix}`), 'Dave');
    const [bobUser] = await dave.users.findByUsername(bob.username);
    const album = await dave.conversations.createGroup('Album', [bobUser!.id]);
    const pixel = await image(8, 8, { r: 200, g: 0, b: 0 });
    for (let i = 1; i <= 32; i += 1) {
      const { fileId } = await dave.files.upload(pixel, { name: `shot${i}.png` });
      await dave.messages.sendFile(album.id, fileId);
    }
    await openConversation(bob, 'Album');
    await bob.page.getByRole('button', { name: 'Details' }).click();
    const gallery = bob.page.getByTestId('media-gallery');
    const tiles = gallery.getByTestId('gallery-tile');
    await expect.poll(() => tiles.count()).toBe(30);
    expect(await tiles.first().getByRole('button').getAttribute('aria-label')).toBe('Open image shot32.png');
    await gallery.getByRole('button', { name: 'Show more' }).click();
    await expect.poll(() => tiles.count()).toBe(32);
    expect(await tiles.last().getByRole('button').getAttribute('aria-label')).toBe('Open image shot1.png');
    expect(await gallery.getByRole('button', { name: 'Show more' }).count()).toBe(0);
    // The Files tab loads its own page: wait for it rather than read it at once ("Loading…").
    await gallery.getByRole('tab', { name: 'Files' }).click();
    await expect.poll(() => gallery.textContent()).toContain('No files yet.');
    await bob.page.getByRole('button', { name: 'Details' }).click();
  });

  it('collapses media from someone I blocked, as the timeline does, until I show it', async () => {
    const bobElsewhere = createNodeClient({ baseUrl: app.url });
    await bobElsewhere.login({ username: bob.username, password: 'correct horse battery' });
    try {
      await bobElsewhere.blocks.add(dave!.user!.id);
      await openConversation(bob, 'Album');
      await bob.page.getByRole('button', { name: 'Details' }).click();
      const gallery = bob.page.getByTestId('media-gallery');
      const hidden = gallery.getByRole('button', { name: 'Show media from a blocked user' });
      await expect.poll(() => hidden.count()).toBe(30);
      expect(await gallery.getByTestId('gallery-tile').count()).toBe(0);
      await hidden.first().click();
      await expect.poll(() => gallery.getByTestId('gallery-tile').count()).toBe(1);
      // The viewer walks only what is shown.
      await gallery.getByRole('button', { name: 'Open image shot32.png' }).click();
      await viewer(bob).waitFor();
      expect(await viewer(bob).getByRole('button', { name: 'Next' }).count()).toBe(0);
      await bob.page.keyboard.press('Escape');
      await expect.poll(() => viewer(bob).count()).toBe(0);
      await bobElsewhere.blocks.remove(dave!.user!.id);
      await expect.poll(() => gallery.getByTestId('gallery-tile').count()).toBe(30);
      await bob.page.getByRole('button', { name: 'Details' }).click();
    } finally {
      bobElsewhere.close();
    }
  });

  for (const theme of ['light', 'dark'] as const) {
    for (const size of ['desktop', 'phone'] as const) {
      it(`has no axe violations in the tray, the viewer and the gallery, ${theme} at ${size} size`, async () => {
        const viewport = size === 'desktop' ? { width: 1280, height: 800 } : { width: 360, height: 740 };
        const p = await openPerson(app, 'Bob', { ...viewport, colorScheme: theme });
        extra.push(p);
        await logIn(p, bob.username);
        await openConversation(p, 'Alice');

        await p.page.getByTestId('file-input').setInputFiles([
          { name: 'look.png', mimeType: 'image/png', buffer: await image(200, 150, { r: 120, g: 60, b: 160 }) },
          { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('notes') },
        ]);
        await expect.poll(() => tray(p).getByTestId('tray-item').count()).toBe(2);
        expect(await axeScan(p.page)).toEqual([]);
        await shoot(p, `media-tray-${theme}-${size}`);
        await tray(p).getByRole('button', { name: 'Remove look.png' }).click();
        await tray(p).getByRole('button', { name: 'Remove notes.txt' }).click();

        await p.page.getByRole('button', { name: 'Open image hills.png' }).click();
        await viewer(p).getByTestId('viewer-count').waitFor();
        await expect
          .poll(() =>
            viewer(p)
              .getByTestId('viewer-image')
              .evaluate((img: HTMLImageElement) => img.complete),
          )
          .toBe(true);
        expect(await axeScan(p.page)).toEqual([]);
        await shoot(p, `media-viewer-${theme}-${size}`);
        await p.page.keyboard.press('Escape');
        await expect.poll(() => viewer(p).count()).toBe(0);

        await p.page.getByRole('button', { name: 'Details' }).click();
        const gallery = p.page.getByTestId('media-gallery');
        await expect.poll(() => gallery.getByTestId('gallery-tile').count()).toBe(3);
        await gallery.scrollIntoViewIfNeeded();
        expect(await axeScan(p.page)).toEqual([]);
        await shoot(p, `media-gallery-${theme}-${size}`);
        await gallery.getByRole('tab', { name: 'Files' }).click();
        await gallery.getByTestId('gallery-file').first().waitFor();
        expect(await axeScan(p.page)).toEqual([]);
        expect(p.problems).toEqual([]);
        await p.context.close();
      });
    }
  }

  it("keeps a thread's tray apart: a file pasted there is sent as a reply in the thread", async () => {
    await openConversation(bob, 'Alice');
    const row = bob.page.locator('.chat-main [data-testid="message"]', { hasText: 'Holiday pictures coming' });
    await row.hover();
    await row.getByRole('button', { name: 'Message actions' }).click();
    await bob.page.getByRole('menuitem', { name: 'Reply in thread', exact: true }).click();
    const pane = bob.page.getByRole('complementary', { name: 'Thread' });
    const reply = pane.getByRole('textbox', { name: 'Reply in thread' });
    await reply.fill('the route');
    await reply.evaluate((input) => {
      const data = new DataTransfer();
      data.items.add(new File(['north, then west\n'], 'route.txt', { type: 'text/plain' }));
      input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    });
    await pane.getByTestId('tray-item').filter({ hasText: 'route.txt' }).waitFor();
    // Only the thread's composer holds it.
    expect(await bob.page.locator('.chat-main').getByTestId('tray-item').count()).toBe(0);
    await pane.getByRole('textbox', { name: 'Caption' }).press('Enter');
    const card = pane.getByTestId('file-card').filter({ hasText: 'route.txt' });
    await card.waitFor();
    await expect
      .poll(() => pane.locator('[data-testid="message"]', { hasText: 'route.txt' }).textContent())
      .toContain('the route');
    expect(await bob.page.locator('.chat-main [data-testid="file-card"]', { hasText: 'route.txt' }).count()).toBe(0);
    await bob.page.keyboard.press('Escape');
  });

  it('saw no page error or CSP violation', () => {
    expect(alice.problems).toEqual([]);
    expect(bob.problems).toEqual([]);
  });
});
