/**
 * A raw tus 1.0 client for the upload tests (fetch and node:http, nothing
 * clever), so that tests can do what no library would: drop a connection in the
 * middle of a PATCH, lie about types, send past the declared length.
 */
import http from 'node:http';
import sharp from 'sharp';

export const TUS = { 'tus-resumable': '1.0.0' };

export function metadata(meta: Record<string, string>): string {
  return Object.entries(meta)
    .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`)
    .join(',');
}

export interface Created {
  status: number;
  location: string | null;
  body: string;
}

export async function createUpload(
  base: string,
  token: string,
  size: number,
  meta: Record<string, string> = {},
): Promise<Created> {
  const res = await fetch(`${base}/v1/uploads`, {
    method: 'POST',
    headers: {
      ...TUS,
      authorization: `Bearer ${token}`,
      'upload-length': String(size),
      'upload-metadata': metadata(meta),
    },
  });
  return { status: res.status, location: res.headers.get('location'), body: await res.text() };
}

function patchHeaders(token: string, offset: number): Record<string, string> {
  return {
    ...TUS,
    authorization: `Bearer ${token}`,
    'upload-offset': String(offset),
    'content-type': 'application/offset+octet-stream',
  };
}

export async function patch(base: string, token: string, location: string, offset: number, bytes: Uint8Array) {
  const res = await fetch(`${base}${location}`, {
    method: 'PATCH',
    headers: patchHeaders(token, offset),
    body: Buffer.from(bytes),
  });
  return {
    status: res.status,
    offset: Number(res.headers.get('upload-offset')),
    body: await res.text(),
    headers: res.headers,
  };
}

export async function offsetOf(
  base: string,
  token: string,
  location: string,
): Promise<{ status: number; offset: number }> {
  const res = await fetch(`${base}${location}`, {
    method: 'HEAD',
    headers: { ...TUS, authorization: `Bearer ${token}` },
  });
  return { status: res.status, offset: Number(res.headers.get('upload-offset')) };
}

/** Creates an upload and sends all of it in one PATCH; returns the file id. */
export async function upload(
  base: string,
  token: string,
  bytes: Uint8Array,
  meta: Record<string, string> = {},
): Promise<string> {
  const created = await createUpload(base, token, bytes.byteLength, meta);
  if (created.status !== 201 || !created.location) throw new Error(`create failed: ${created.status} ${created.body}`);
  const done = await patch(base, token, created.location, 0, bytes);
  if (done.status !== 204) throw new Error(`patch failed: ${done.status} ${done.body}`);
  return created.location.split('/').pop()!;
}

/**
 * Starts a PATCH that announces every remaining byte, sends only `sent` of them,
 * waits until the socket has handed them to the kernel and the server had a
 * moment to store them, then drops the connection: a phone losing signal.
 */
export async function interruptedPatch(
  base: string,
  token: string,
  location: string,
  offset: number,
  bytes: Uint8Array,
  sent: number,
): Promise<void> {
  const url = new URL(`${base}${location}`);
  const req = http.request(url, {
    method: 'PATCH',
    headers: { ...patchHeaders(token, offset), 'content-length': String(bytes.byteLength) },
  });
  req.on('error', () => undefined);
  await new Promise<void>((resolve) => req.write(bytes.subarray(0, sent), () => resolve()));
  await new Promise((resolve) => setTimeout(resolve, 300));
  req.destroy();
}

export function randomBytesOf(size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i += 1) out[i] = (i * 7919 + (i >> 8)) & 0xff;
  return out;
}

export async function png(width = 64, height = 48): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } } })
    .png()
    .toBuffer();
}

/** A JPEG that carries a GPS position and a camera name in its EXIF. */
export async function jpegWithLocation(): Promise<Buffer> {
  return sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 30, g: 90, b: 160 } } })
    .jpeg()
    .withExif({ IFD0: { Make: 'SecretCam' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 24/1' } })
    .toBuffer();
}
