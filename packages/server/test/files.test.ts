/**
 * Files end to end over real sockets, on both storage backends (local disk and a
 * real S3-compatible server): resumable uploads interrupted and resumed, refusals
 * before any byte (size, quota, type), authorized downloads and signed links,
 * types sniffed from content, range requests, images processed, and files freed
 * when no message carries them.
 */
import type { AuthResponse, Conversation, FileContent, Message } from '@parley/protocol';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createUpload,
  interruptedPatch,
  jpegWithLocation,
  offsetOf,
  patch,
  png,
  randomBytesOf,
  TUS,
  upload,
} from './files-helpers';
import { http, registerUser, startTestServer, type TestServer } from './harness';
import { storageBackends as backends } from './storage-backends';

const MiB = 1024 * 1024;
type ErrorBody = { error: { code: string } };

describe.each(backends)('files on $name storage', (backend) => {
  let t: TestServer;
  let stopBackend: () => Promise<void>;
  let alice: AuthResponse;
  let bob: AuthResponse;
  let carol: AuthResponse;
  let group: Conversation;

  beforeAll(async () => {
    const b = await backend.start();
    stopBackend = b.stop;
    t = await startTestServer({
      ...b.config,
      maxFileBytes: 8 * MiB,
      userQuotaBytes: 24 * MiB,
      fileCleanupIntervalSeconds: 0,
    });
    [alice, bob, carol] = await Promise.all([registerUser(t.url), registerUser(t.url), registerUser(t.url)]);
    const res = await http<{ conversation: Conversation }>(t.url, 'POST', '/v1/conversations', {
      token: alice.token,
      body: { title: 'Files', memberIds: [bob.user.id] },
    });
    group = res.body.conversation;
  });
  afterAll(async () => {
    await t.stop();
    await stopBackend();
  });

  const sendFile = (token: string, fileId: string, caption?: string) =>
    http<{ message: Message } & ErrorBody>(t.url, 'POST', `/v1/conversations/${group.id}/messages`, {
      token,
      body: { clientId: `c${Math.random().toString(36).slice(2)}`, content: { type: 'file', fileId, caption } },
    });

  const get = (path: string, token?: string, headers: Record<string, string> = {}) =>
    fetch(`${t.url}${path}`, { headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } });

  it('resumes an upload after the connection drops in the middle of a PATCH', async () => {
    const data = randomBytesOf(6 * MiB + 123);
    const created = await createUpload(t.url, alice.token, data.length, { filename: 'big.bin' });
    expect(created.status).toBe(201);
    const location = created.location!;
    await interruptedPatch(t.url, alice.token, location, 0, data, 3 * MiB);
    const { status, offset } = await offsetOf(t.url, alice.token, location);
    expect(status).toBe(200);
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThanOrEqual(3 * MiB);
    // Resuming at a wrong offset is refused; at the server's offset it completes.
    expect((await patch(t.url, alice.token, location, offset + 1, data.subarray(offset + 1))).status).toBe(409);
    const done = await patch(t.url, alice.token, location, offset, data.subarray(offset));
    expect(done.status).toBe(204);
    const fileId = location.split('/').pop()!;
    expect(done.headers.get('parley-file-id')).toBe(fileId);
    const res = await get(`/v1/files/${fileId}`, alice.token);
    expect(res.status).toBe(200);
    expect(Buffer.compare(Buffer.from(await res.arrayBuffer()), data)).toBe(0);
  });

  it('accepts an empty file', async () => {
    const created = await createUpload(t.url, alice.token, 0, { filename: 'empty.txt' });
    expect(created.status).toBe(201);
    const fileId = created.location!.split('/').pop()!;
    const content = (await sendFile(alice.token, fileId)).body.message.content as FileContent;
    expect(content).toMatchObject({ size: 0, mime: 'application/octet-stream', kind: 'file' });
    const res = await get(`/v1/files/${fileId}`, bob.token);
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBe(0);
  });

  it('refuses an upload over the size limit before any byte is sent', async () => {
    const created = await createUpload(t.url, alice.token, 8 * MiB + 1, { filename: 'huge.iso' });
    expect(created.status).toBe(413);
    expect((JSON.parse(created.body) as ErrorBody).error.code).toBe('file_too_large');
    expect(created.location).toBeNull();
  });

  it('refuses an upload that would exceed the quota, and frees it when an upload is cancelled', async () => {
    const user = await registerUser(t.url);
    const first = await createUpload(t.url, user.token, 8 * MiB, { filename: 'a' });
    const second = await createUpload(t.url, user.token, 8 * MiB, { filename: 'b' });
    expect([first.status, second.status]).toEqual([201, 201]);
    const third = await createUpload(t.url, user.token, 8 * MiB + 0, { filename: 'c' });
    expect(third.status).toBe(201);
    const refused = await createUpload(t.url, user.token, 1, { filename: 'd' });
    expect(refused.status).toBe(413);
    expect((JSON.parse(refused.body) as ErrorBody).error.code).toBe('quota_exceeded');
    // Cancelling (tus termination) gives the space back.
    const cancel = await fetch(`${t.url}${first.location!}`, {
      method: 'DELETE',
      headers: { ...TUS, authorization: `Bearer ${user.token}` },
    });
    expect(cancel.status).toBe(204);
    await expect.poll(async () => (await createUpload(t.url, user.token, 1, { filename: 'e' })).status).toBe(201);
  });

  it('lets only the owner continue an upload', async () => {
    const created = await createUpload(t.url, alice.token, 10, { filename: 'x' });
    expect((await patch(t.url, bob.token, created.location!, 0, Buffer.from('0123456789'))).status).toBe(404);
    expect((await offsetOf(t.url, bob.token, created.location!)).status).toBe(404);
    const anonymous = await fetch(`${t.url}/v1/uploads`, { method: 'POST', headers: { ...TUS, 'upload-length': '5' } });
    expect(anonymous.status).toBe(401);
  });

  it('serves a file only to members of a conversation that carries it (or signed links)', async () => {
    const fileId = await upload(t.url, alice.token, Buffer.from('%PDF-1.4 secret plans'), { filename: 'plans.pdf' });
    // Before it is sent, only the owner can fetch it.
    expect((await get(`/v1/files/${fileId}`, bob.token)).status).toBe(404);
    expect((await sendFile(alice.token, fileId, 'the plans')).status).toBe(200);
    expect((await get(`/v1/files/${fileId}`, bob.token)).status).toBe(200);
    const refused = await get(`/v1/files/${fileId}`, carol.token);
    expect(refused.status).toBe(404);
    expect(((await refused.json()) as ErrorBody).error.code).toBe('not_found');
    expect((await get(`/v1/files/${fileId}`)).status).toBe(401);
    expect((await http(t.url, 'GET', `/v1/files/${fileId}/link`, { token: carol.token })).status).toBe(404);
    // Bob's link works without a token, until it expires; a forged one never does.
    const link = await http<{ url: string; expiresAt: number }>(t.url, 'GET', `/v1/files/${fileId}/link`, {
      token: bob.token,
    });
    expect(link.status).toBe(200);
    expect((await get(link.body.url)).status).toBe(200);
    const forged = link.body.url.replace(/sig=(.)/, (_m, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`);
    expect((await get(forged)).status).toBe(403);
    expect((await get(link.body.url.replace(fileId, 'f_other'))).status).toBe(403);
    t.clock.advance(2 * 60 * 60 * 1000);
    expect((await get(link.body.url)).status).toBe(403);
  });

  it('stops serving a member who is removed from the conversation', async () => {
    const dave = await registerUser(t.url);
    const team = await http<{ conversation: Conversation }>(t.url, 'POST', '/v1/conversations', {
      token: alice.token,
      body: { title: 'Team', memberIds: [dave.user.id] },
    });
    const fileId = await upload(t.url, alice.token, Buffer.from('team only'), { filename: 'team.txt' });
    await http(t.url, 'POST', `/v1/conversations/${team.body.conversation.id}/messages`, {
      token: alice.token,
      body: { clientId: 'team-file-1', content: { type: 'file', fileId } },
    });
    expect((await get(`/v1/files/${fileId}`, dave.token)).status).toBe(200);
    const removed = await http(
      t.url,
      'DELETE',
      `/v1/conversations/${team.body.conversation.id}/members/${dave.user.id}`,
      { token: alice.token },
    );
    expect(removed.status).toBe(204);
    expect((await get(`/v1/files/${fileId}`, dave.token)).status).toBe(404);
    expect((await http(t.url, 'GET', `/v1/files/${fileId}/link`, { token: dave.token })).status).toBe(404);
  });

  it('only lets the owner send a finished upload', async () => {
    const fileId = await upload(t.url, alice.token, Buffer.from('hello'), { filename: 'hello.txt' });
    const stolen = await sendFile(bob.token, fileId);
    expect(stolen.status).toBe(404);
    const unfinished = await createUpload(t.url, alice.token, 100, { filename: 'later.bin' });
    const early = await sendFile(alice.token, unfinished.location!.split('/').pop()!);
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('file_not_ready');
  });

  it('sniffs types from content: a PNG named .html stays a PNG; an HTML file is an attachment', async () => {
    const image = await png();
    const pngId = await upload(t.url, alice.token, image, { filename: 'evil.html', filetype: 'text/html' });
    const sent = await sendFile(alice.token, pngId);
    const content = sent.body.message.content as FileContent;
    expect(content).toMatchObject({ mime: 'image/png', kind: 'image', name: 'evil.html', width: 64, height: 48 });
    const asPng = await get(`/v1/files/${pngId}`, bob.token);
    expect(asPng.headers.get('content-type')).toBe('image/png');
    expect(asPng.headers.get('content-disposition')).toMatch(/^inline;/);
    expect(asPng.headers.get('x-content-type-options')).toBe('nosniff');

    const html = Buffer.from('<!doctype html><html><script>alert(document.cookie)</script></html>');
    const htmlId = await upload(t.url, alice.token, html, { filename: 'page.html', filetype: 'image/png' });
    const htmlContent = (await sendFile(alice.token, htmlId)).body.message.content as FileContent;
    expect(htmlContent).toMatchObject({ mime: 'application/octet-stream', kind: 'file' });
    expect(htmlContent.thumbnail).toBeUndefined();
    const asFile = await get(`/v1/files/${htmlId}`, bob.token);
    expect(asFile.headers.get('content-type')).toBe('application/octet-stream');
    expect(asFile.headers.get('content-disposition')).toBe(
      `attachment; filename="page.html"; filename*=UTF-8''page.html`,
    );
    expect(asFile.headers.get('x-content-type-options')).toBe('nosniff');
    expect(asFile.headers.get('content-security-policy')).toContain('sandbox');
  });

  it('answers range requests (seeking in a video)', async () => {
    const data = randomBytesOf(100_000);
    const fileId = await upload(t.url, alice.token, data, { filename: 'clip.bin' });
    const part = await get(`/v1/files/${fileId}`, alice.token, { range: 'bytes=1000-1999' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 1000-1999/100000');
    expect(part.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.compare(Buffer.from(await part.arrayBuffer()), data.subarray(1000, 2000))).toBe(0);
    const tail = await get(`/v1/files/${fileId}`, alice.token, { range: 'bytes=-10' });
    expect(Buffer.compare(Buffer.from(await tail.arrayBuffer()), data.subarray(-10))).toBe(0);
    const open = await get(`/v1/files/${fileId}`, alice.token, { range: 'bytes=99990-' });
    expect(open.headers.get('content-range')).toBe('bytes 99990-99999/100000');
    const beyond = await get(`/v1/files/${fileId}`, alice.token, { range: 'bytes=100000-' });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe('bytes */100000');
  });

  it('processes images: dimensions, thumbnail, placeholder, EXIF location stripped', async () => {
    const jpeg = await jpegWithLocation();
    expect(jpeg.includes(Buffer.from('SecretCam'))).toBe(true);
    const fileId = await upload(t.url, alice.token, jpeg, { filename: 'holiday.jpg', filetype: 'image/jpeg' });
    const content = (await sendFile(alice.token, fileId)).body.message.content as FileContent;
    expect(content).toMatchObject({ kind: 'image', mime: 'image/jpeg', width: 300, height: 200, thumbnail: true });
    expect(content.placeholder).toMatch(/^[0-9A-Za-z#$%*+,\-.:;=?@[\]^_{|}~]{6,}$/);
    const stored = Buffer.from(await (await get(`/v1/files/${fileId}`, bob.token)).arrayBuffer());
    expect(stored.includes(Buffer.from('SecretCam'))).toBe(false);
    expect((await sharp(stored).metadata()).exif).toBeUndefined();
    const thumb = await get(`/v1/files/${fileId}/thumbnail`, bob.token);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    expect((await sharp(Buffer.from(await thumb.arrayBuffer())).metadata()).format).toBe('webp');
    // A file that is not an image has no thumbnail.
    const other = await upload(t.url, alice.token, Buffer.from('plain'), { filename: 'a.txt' });
    expect((await get(`/v1/files/${other}/thumbnail`, alice.token)).status).toBe(404);
  });

  it('keeps voice-message hints: kind, duration and waveform', async () => {
    // The EBML header of a WebM file, as MediaRecorder writes it.
    const webm = Buffer.concat([
      Buffer.from('1a45dfa39f4286810142f7810142f2810442f381084282847765626d42878104428581021853806701', 'hex'),
      Buffer.alloc(256),
    ]);
    const fileId = await upload(t.url, alice.token, webm, {
      filename: 'voice.webm',
      filetype: 'audio/webm',
      kind: 'voice',
      durationMs: '4200',
      waveform: '0,12,255,40',
    });
    const content = (await sendFile(alice.token, fileId)).body.message.content as FileContent;
    expect(content).toMatchObject({ kind: 'voice', mime: 'audio/webm', durationMs: 4200, waveform: [0, 12, 255, 40] });
  });

  it('deletes a file once no message carries it, and cleans up stale uploads and unsent files', async () => {
    const fileId = await upload(t.url, alice.token, Buffer.from('bye'), { filename: 'bye.txt' });
    const first = (await sendFile(alice.token, fileId)).body.message;
    const second = (await sendFile(alice.token, fileId)).body.message;
    await t.server.services.files.releaseForMessage(first.id);
    expect((await get(`/v1/files/${fileId}`, bob.token)).status).toBe(200);
    await t.server.services.files.releaseForMessage(second.id);
    expect((await get(`/v1/files/${fileId}`, alice.token)).status).toBe(404);

    const unsent = await upload(t.url, alice.token, Buffer.from('never sent'), { filename: 'n.txt' });
    const stale = await createUpload(t.url, alice.token, 50, { filename: 'stale.bin' });
    await patch(t.url, alice.token, stale.location!, 0, Buffer.alloc(20));
    const kept = await upload(t.url, alice.token, Buffer.from('kept'), { filename: 'k.txt' });
    await sendFile(alice.token, kept);
    t.clock.advance(25 * 60 * 60 * 1000);
    const result = await t.server.services.files.cleanup();
    expect(result.files).toBeGreaterThanOrEqual(2);
    expect((await get(`/v1/files/${unsent}`, alice.token)).status).toBe(404);
    expect((await offsetOf(t.url, alice.token, stale.location!)).status).toBe(404);
    expect((await get(`/v1/files/${kept}`, bob.token)).status).toBe(200);
  });
});

describe('a failure while storing a finished upload', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ fileCleanupIntervalSeconds: 0 });
  });
  afterAll(() => t.stop());

  it('is finished by the send that follows, once storage works again', async () => {
    const user = await registerUser(t.url);
    const res = await http<{ conversation: Conversation }>(t.url, 'POST', '/v1/conversations', {
      token: user.token,
      body: { title: 'Notes', memberIds: [] },
    });
    // A file where the blob folder should be: storing fails (even for root).
    const blocker = path.join(t.dataDir, 'files', 'blobs', 'files');
    await mkdir(path.dirname(blocker), { recursive: true });
    await writeFile(blocker, 'not a folder');
    const created = await createUpload(t.url, user.token, 5, { filename: 'later.txt' });
    const end = await patch(t.url, user.token, created.location!, 0, Buffer.from('hello'));
    expect(end.status).toBe(500);
    const fileId = created.location!.split('/').pop()!;
    const send = () =>
      http<{ message: Message } & ErrorBody>(t.url, 'POST', `/v1/conversations/${res.body.conversation.id}/messages`, {
        token: user.token,
        body: { clientId: `late-${fileId}`, content: { type: 'file', fileId } },
      });
    expect((await send()).status).toBe(500);
    await rm(blocker);
    const sent = await send();
    expect(sent.status).toBe(200);
    expect(sent.body.message.content).toMatchObject({ type: 'file', fileId, size: 5 });
    const back = await fetch(`${t.url}/v1/files/${fileId}`, { headers: { authorization: `Bearer ${user.token}` } });
    expect(await back.text()).toBe('hello');
  });
});

describe('allowed file types', () => {
  let t: TestServer;
  let user: AuthResponse;
  beforeAll(async () => {
    t = await startTestServer({ fileTypes: 'image/*', fileCleanupIntervalSeconds: 0 });
    user = await registerUser(t.url);
  });
  afterAll(() => t.stop());

  it('refuses a declared type at creation, and a sniffed type at the end', async () => {
    const declared = await createUpload(t.url, user.token, 10, { filename: 'a.pdf', filetype: 'application/pdf' });
    expect(declared.status).toBe(415);
    expect((JSON.parse(declared.body) as ErrorBody).error.code).toBe('file_type_not_allowed');
    const lying = await createUpload(t.url, user.token, 9, { filename: 'a.png', filetype: 'image/png' });
    expect(lying.status).toBe(201);
    const end = await patch(t.url, user.token, lying.location!, 0, Buffer.from('<html>hi'.padEnd(9)));
    expect(end.status).toBe(415);
    expect((JSON.parse(end.body) as ErrorBody).error.code).toBe('file_type_not_allowed');
    const image = await png();
    expect(await upload(t.url, user.token, image, { filename: 'ok.png', filetype: 'image/png' })).toMatch(/^f_/);
  });
});
