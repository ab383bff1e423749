/**
 * Files in the browser: Alice attaches an image (and drops a document); Bob sees
 * the placeholder, then the server-made thumbnail, opens the media viewer, and gets a
 * file card with a download link, a pasted image, and a video Bob plays and
 * seeks in; an upload on a slow link shows progress and is cancelled. Then Alice
 * records a voice message with Chromium's fake microphone and Bob plays it back,
 * with waveform and duration. Last, the document is a message like any other: its
 * caption is edited, it gets a reaction and a thread reply, and it is deleted.
 * No CSP violation or page error along the way, and axe finds nothing.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeScan,
  e2eUnavailable,
  FAKE_MEDIA_FLAGS,
  openConversation,
  openPerson,
  send,
  signUp,
  startApp,
  startChatWith,
  type App,
  type Person,
} from './harness';

const skip = e2eUnavailable();

/** Files picked, pasted or dropped wait in the tray: send what it holds. */
async function sendTray(person: Person): Promise<void> {
  await person.page.getByTestId('attachment-tray').getByTestId('tray-item').first().waitFor();
  await person.page.getByRole('button', { name: /^Send (file|\d+ files)$/ }).click();
}

describe.skipIf(skip !== undefined)('files in the browser', () => {
  let app: App;
  let alice: Person;
  let bob: Person;

  beforeAll(async () => {
    app = await startApp({ browserArgs: FAKE_MEDIA_FLAGS });
    [alice, bob] = await Promise.all([openPerson(app, 'Alice'), openPerson(app, 'Bob')]);
    await Promise.all([signUp(alice), signUp(bob)]);
    await startChatWith(alice, bob);
    await send(alice, 'Photos coming');
    await openConversation(bob, 'Alice');
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('sends an image that the other side sees as a thumbnail, and opens it in the media viewer', async () => {
    const image = await sharp({
      create: { width: 800, height: 600, channels: 3, background: { r: 220, g: 90, b: 30 } },
    })
      .jpeg()
      .toBuffer();
    await alice.page
      .getByTestId('file-input')
      .setInputFiles({ name: 'sunset.jpg', mimeType: 'image/jpeg', buffer: image });
    await sendTray(alice);
    const thumb = bob.page.getByTestId('image-thumbnail');
    await thumb.waitFor();
    await expect.poll(() => thumb.getAttribute('src')).toMatch(/\/v1\/files\/f_\w+\/thumbnail\?exp=\d+&sig=/);
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(480);
    // The uploader's progress bar is gone once the message is sent.
    await expect.poll(() => alice.page.getByTestId('upload').count()).toBe(0);

    await bob.page.getByRole('button', { name: 'Open image sunset.jpg' }).click();
    const full = bob.page.getByTestId('viewer-image');
    await expect.poll(() => full.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(800);
    await expect.poll(async () => (await axeScan(bob.page)).join('\n')).toBe('');
    await bob.page.keyboard.press('Escape');
  });

  it('drops a document on the conversation and the other side gets a file card to download', async () => {
    const dataTransfer = await alice.page.evaluateHandle(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['%PDF-1.4\n% minutes of the meeting\n'], 'minutes.pdf', { type: 'application/pdf' }));
      return dt;
    });
    const chat = alice.page.getByRole('region', { name: 'Chat' });
    await chat.dispatchEvent('dragover', { dataTransfer });
    await chat.dispatchEvent('drop', { dataTransfer });
    await sendTray(alice);
    const card = bob.page.getByTestId('file-card');
    await card.waitFor();
    await expect.poll(() => card.textContent()).toContain('minutes.pdf');
    const download = card.getByRole('link', { name: /Download/ });
    const href = await download.getAttribute('href');
    expect(href).toMatch(/download=1$/);
    // As every other link: no opener handed to what it opens, no referrer.
    expect(await download.getAttribute('rel')).toBe('noopener noreferrer');
    const res = await fetch(new URL(href!, app.url));
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(res.headers.get('content-type')).toBe('application/pdf');
  });

  it('sends a pasted image', async () => {
    await alice.page.evaluate(async () => {
      const canvas = document.createElement('canvas');
      canvas.width = 120;
      canvas.height = 90;
      const ctx = canvas.getContext('2d')!;
      ctx.fillStyle = '#3a7';
      ctx.fillRect(0, 0, 120, 90);
      const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
      const data = new DataTransfer();
      data.items.add(new File([blob], 'pasted.png', { type: 'image/png' }));
      const input = document.querySelector('textarea.composer-input')!;
      input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    });
    await sendTray(alice);
    const pasted = bob.page.getByRole('button', { name: 'Open image pasted.png' });
    await pasted.waitFor();
    await expect
      .poll(() => pasted.getByTestId('image-thumbnail').evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBe(120);
  });

  it('plays a video inline and seeks in it', async () => {
    // A two-second WebM made in the page: a canvas stream through MediaRecorder.
    await alice.page.evaluate(async () => {
      const canvas = document.createElement('canvas');
      canvas.width = 160;
      canvas.height = 120;
      const ctx = canvas.getContext('2d')!;
      const stream = canvas.captureStream(25);
      const recorder = new MediaRecorder(stream, { mimeType: 'video/webm' });
      const chunks: Blob[] = [];
      recorder.ondataavailable = (e) => chunks.push(e.data);
      const stopped = new Promise((resolve) => (recorder.onstop = resolve));
      let frame = 0;
      const timer = setInterval(() => {
        frame += 1;
        ctx.fillStyle = `hsl(${(frame * 7) % 360} 80% 50%)`;
        ctx.fillRect(0, 0, 160, 120);
      }, 40);
      recorder.start(200);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      recorder.stop();
      await stopped;
      clearInterval(timer);
      const data = new DataTransfer();
      data.items.add(new File(chunks, 'clip.webm', { type: 'video/webm' }));
      const chat = document.querySelector('section.chat')!;
      chat.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
      chat.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    await sendTray(alice);
    const video = bob.page.getByTestId('video-attachment');
    await video.waitFor();
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState >= 1)).toBe(true);
    const seeked = await video.evaluate(
      (v: HTMLVideoElement) =>
        new Promise<number>((resolve) => {
          v.addEventListener('seeked', () => resolve(v.currentTime), { once: true });
          v.currentTime = 1;
        }),
    );
    expect(seeked).toBeGreaterThan(0.5);
  });

  it('shows upload progress and cancels an upload', async () => {
    // A slow uplink (256 KB/s) so that the upload is still running when Cancel is pressed.
    const cdp = await alice.context.newCDPSession(alice.page);
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 256 * 1024,
    });
    try {
      const before =
        (await bob.page.getByTestId('message').count()) + (await bob.page.getByTestId('file-card').count());
      await alice.page.getByTestId('file-input').setInputFiles({
        name: 'huge.bin',
        mimeType: 'application/octet-stream',
        buffer: Buffer.alloc(8 * 1024 * 1024, 1),
      });
      await sendTray(alice);
      const progress = alice.page.getByRole('progressbar', { name: 'Uploading huge.bin' });
      await expect.poll(() => progress.evaluate((p: HTMLProgressElement) => p.value)).toBeGreaterThan(0);
      await alice.page.getByRole('button', { name: 'Cancel upload of huge.bin' }).click();
      await expect.poll(() => alice.page.getByTestId('upload').count()).toBe(0);
      // Nothing reaches Bob: send a text after it and see it arrive with no file before it.
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: -1,
      });
      await send(alice, 'never mind');
      await expect
        .poll(async () => (await bob.page.locator('[data-testid="message"] .msg-text').allTextContents()).at(-1))
        .toBe('never mind');
      const after = (await bob.page.getByTestId('message').count()) + (await bob.page.getByTestId('file-card').count());
      expect(after).toBe(before + 1);
    } finally {
      await cdp.detach();
    }
  });

  it('records a voice message with the fake microphone and plays it on the other side', async () => {
    await alice.page.getByRole('button', { name: 'Record voice message' }).click();
    const timer = alice.page.getByRole('timer', { name: 'Recording time' });
    await expect.poll(() => timer.textContent(), { timeout: 15_000 }).toMatch(/^0:0[2-9]$/);
    await alice.page.getByRole('button', { name: 'Send voice message' }).click();

    const voice = bob.page.getByTestId('voice-message');
    await voice.waitFor();
    await expect.poll(() => voice.getByTestId('voice-duration').textContent()).toMatch(/^0:0[2-9]$/);
    // The fake microphone plays a beep: the recorded waveform is not flat.
    const heights = await voice
      .locator('.voice-bar')
      .evaluateAll((bars) => bars.map((b) => (b as HTMLElement).style.height));
    expect(heights.length, heights.join(' ')).toBeGreaterThan(8);
    expect(new Set(heights).size, heights.join(' ')).toBeGreaterThan(1);
    await bob.page.getByRole('button', { name: 'Play voice message' }).click();
    const audio = bob.page.getByTestId('voice-audio');
    await expect
      .poll(() => audio.evaluate((a: HTMLAudioElement) => a.currentTime), { timeout: 15_000 })
      .toBeGreaterThan(0);
    await expect.poll(() => bob.page.getByRole('button', { name: 'Pause voice message' }).count()).toBe(1);
    expect(alice.problems).toEqual([]);
    expect(bob.problems).toEqual([]);
  });

  it('treats a file message as a message: caption edit, reaction, thread reply and delete', async () => {
    const row = (person: Person) =>
      person.page.locator('.chat-main [data-testid="message"]', { hasText: 'minutes.pdf' }).last();
    const menu = async (person: Person, item: string) => {
      await row(person).hover();
      await row(person).getByRole('button', { name: 'Message actions' }).click();
      await person.page.getByRole('menuitem', { name: item, exact: true }).click();
    };
    await menu(alice, 'Edit');
    const editor = alice.page.getByRole('textbox', { name: 'Edit message' });
    await editor.fill('Minutes of Monday');
    await editor.press('Enter');
    await expect.poll(() => row(bob).locator('.msg-text').textContent()).toBe('Minutes of Monday');
    await row(bob).locator('.msg-edited').waitFor();
    await row(bob).getByTestId('file-card').waitFor();

    await row(bob).hover();
    await row(bob).getByRole('button', { name: 'Message actions' }).click();
    await bob.page.getByRole('menuitem', { name: 'React with 👍' }).click();
    await row(alice).locator('.reaction[data-emoji="👍"]').waitFor();

    await menu(bob, 'Reply in thread');
    const thread = bob.page.getByRole('textbox', { name: 'Reply in thread' });
    await thread.fill('Noted');
    await thread.press('Enter');
    await expect.poll(() => row(alice).locator('.thread-summary').textContent()).toContain('1 reply');

    await menu(alice, 'Delete…');
    await alice.page.getByRole('dialog', { name: 'Delete message?' }).getByRole('button', { name: 'Delete' }).click();
    await expect
      .poll(() => bob.page.locator('.chat-main [data-testid="message"]', { hasText: 'minutes.pdf' }).count())
      .toBe(0);
    await bob.page.locator('.chat-main .msg-tombstone').first().waitFor();
    expect(alice.problems).toEqual([]);
    expect(bob.problems).toEqual([]);
  });
});
