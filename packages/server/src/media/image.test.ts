import { isBlurhashValid } from 'blurhash';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { processImage, THUMBNAIL_SIZE } from './image';

/** A 200x100 JPEG with EXIF orientation 6 (rotate 90°) and a GPS position. */
async function jpegWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 200, height: 100, channels: 3, background: { r: 10, g: 120, b: 200 } } })
    .jpeg()
    .withExif({ IFD0: { Make: 'TestCam' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 0/1' } })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

describe('processImage', () => {
  it('strips EXIF (location included) while keeping the orientation', async () => {
    const input = await jpegWithGps();
    const before = await sharp(input).metadata();
    expect(before.orientation).toBe(6);
    expect(before.exif).toBeDefined();
    const out = await processImage(input, { stripMetadata: true });
    const after = await sharp(out.data).metadata();
    expect(after.exif).toBeUndefined();
    expect(out.data.includes(Buffer.from('TestCam'))).toBe(false);
    // Orientation 6 was applied to the pixels: the stored image is portrait.
    expect([after.width, after.height]).toEqual([100, 200]);
    expect([out.width, out.height]).toEqual([100, 200]);
  });

  it('keeps the original bytes when told not to strip, reporting displayed dimensions', async () => {
    const input = await jpegWithGps();
    const out = await processImage(input, { stripMetadata: false });
    expect(out.data).toBe(input);
    expect([out.width, out.height]).toEqual([100, 200]);
  });

  it('makes a WebP thumbnail within bounds and a valid BlurHash', async () => {
    const big = await sharp({ create: { width: 1600, height: 900, channels: 3, background: 'green' } })
      .png()
      .toBuffer();
    const out = await processImage(big, { stripMetadata: true });
    const thumb = await sharp(out.thumbnail).metadata();
    expect(thumb.format).toBe('webp');
    expect(thumb.width).toBe(THUMBNAIL_SIZE);
    expect(thumb.height).toBe(270);
    expect(isBlurhashValid(out.placeholder).result).toBe(true);
  });
});
