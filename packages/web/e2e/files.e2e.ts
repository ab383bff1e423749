/**
 * Files in the browser: Alice attaches an image (and drops a document); Bob sees
 * the placeholder, then the server-made thumbnail, opens the lightbox, and gets a
 * file card with a download link. Then Alice records a voice message with
 * Chromium's fake microphone and Bob plays it back, with waveform and duration.
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

  it('sends an image that the other side sees as a thumbnail, and opens it in the lightbox', async () => {
    const image = await sharp({
      create: { width: 800, height: 600, channels: 3, background: { r: 220, g: 90, b: 30 } },
    })
      .jpeg()
      .toBuffer();
    await alice.page
      .getByTestId('file-input')
      .setInputFiles({ name: 'sunset.jpg', mimeType: 'image/jpeg', buffer: image });
    const thumb = bob.page.getByTestId('image-thumbnail');
    await thumb.waitFor();
    await expect.poll(() => thumb.getAttribute('src')).toMatch(/\/v1\/files\/f_\w+\/thumbnail\?exp=\d+&sig=/);
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(480);
    // The uploader's progress bar is gone once the message is sent.
    await expect.poll(() => alice.page.getByTestId('upload').count()).toBe(0);

    await bob.page.getByRole('button', { name: 'Open image sunset.jpg' }).click();
    const full = bob.page.getByTestId('lightbox-image');
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
    const card = bob.page.getByTestId('file-card');
    await card.waitFor();
    await expect.poll(() => card.textContent()).toContain('minutes.pdf');
    const href = await card.getByRole('link', { name: /Download/ }).getAttribute('href');
    expect(href).toMatch(/download=1$/);
    const res = await fetch(new URL(href!, app.url));
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(res.headers.get('content-type')).toBe('application/pdf');
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
});
