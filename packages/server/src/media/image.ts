/**
 * Image processing with sharp: the stored copy (EXIF orientation applied to the
 * pixels, then every metadata block, GPS location included, dropped), its
 * dimensions, a WebP thumbnail and a BlurHash placeholder. Pure computation on
 * bytes: no storage, no records.
 */
import { encode } from 'blurhash';
import type sharpModule from 'sharp';

type Sharp = typeof sharpModule;
let loaded: Promise<Sharp> | undefined;
/** sharp (libvips, about 25 MB resident) is loaded by the first image, not at start-up. */
function loadSharp(): Promise<Sharp> {
  loaded ??= import('sharp').then((module) => module.default);
  return loaded;
}

/** Longest side of a thumbnail, in pixels. */
export const THUMBNAIL_SIZE = 480;
/** Largest image sharp will decode (width x height), against decompression bombs. */
export const MAX_IMAGE_PIXELS = 100_000_000;

export interface ProcessedImage {
  /** The bytes to store: re-encoded without metadata when stripping, else the original. */
  data: Buffer;
  width: number;
  height: number;
  thumbnail: Buffer;
  placeholder: string;
}

/** Animated GIF and WebP keep their frames; re-encoding would drop them, and GIF carries no EXIF. */
async function strip(sharp: Sharp, input: Buffer, format: string | undefined): Promise<Buffer> {
  if (format === 'gif') return input;
  const image = sharp(input, { limitInputPixels: MAX_IMAGE_PIXELS, animated: format === 'webp' }).rotate();
  switch (format) {
    case 'jpeg':
      return image.jpeg({ quality: 90 }).toBuffer();
    case 'png':
      return image.png().toBuffer();
    case 'webp':
      return image.webp({ quality: 90 }).toBuffer();
    default:
      return image.toBuffer();
  }
}

/** Side of a profile picture made from an upload, in pixels (a square). */
export const AVATAR_SIZE = 256;

/**
 * A profile picture from an uploaded image: oriented, cropped to the centre square,
 * scaled to AVATAR_SIZE and re-encoded as WebP, so that no metadata (GPS included)
 * survives and every avatar is small. Animated images keep their first frame.
 */
export async function avatarImage(input: Buffer): Promise<Buffer> {
  const sharp = await loadSharp();
  return sharp(input, { limitInputPixels: MAX_IMAGE_PIXELS })
    .rotate()
    .resize(AVATAR_SIZE, AVATAR_SIZE, { fit: 'cover', position: 'centre' })
    .webp({ quality: 82 })
    .toBuffer();
}

export async function processImage(input: Buffer, options: { stripMetadata: boolean }): Promise<ProcessedImage> {
  const sharp = await loadSharp();
  const meta = await sharp(input, { limitInputPixels: MAX_IMAGE_PIXELS }).metadata();
  const data = options.stripMetadata ? await strip(sharp, input, meta.format) : input;
  // Dimensions as displayed (EXIF orientations 5-8 swap width and height).
  const stored = options.stripMetadata ? await sharp(data).metadata() : meta;
  const width = stored.autoOrient.width;
  const height = stored.autoOrient.height;
  const oriented = sharp(data, { limitInputPixels: MAX_IMAGE_PIXELS }).rotate();
  const thumbnail = await oriented
    .clone()
    .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 75 })
    .toBuffer();
  const small = await oriented
    .clone()
    .resize(32, 32, { fit: 'inside' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const placeholder = encode(new Uint8ClampedArray(small.data), small.info.width, small.info.height, 4, 3);
  return { data, width, height, thumbnail, placeholder };
}

/**
 * A link preview's image (ADR 0017): oriented, scaled to fit THUMBNAIL_SIZE, re-encoded
 * as WebP (first frame only), so that nothing of the original file but its pixels is
 * kept and readers load a small copy from Parley instead of the site.
 */
export async function previewImage(input: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const sharp = await loadSharp();
  const { data, info } = await sharp(input, { limitInputPixels: MAX_IMAGE_PIXELS })
    .rotate()
    .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 75 })
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}
