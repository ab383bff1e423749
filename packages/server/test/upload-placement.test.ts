/**
 * Uploads in progress belong to the node that staged them: their URL names it,
 * another node that cannot see their bytes drops them and says to start again
 * (`upload_unavailable`, freeing the quota), nodes that share one staging folder
 * serve each other's, and the bytes a dropped upload left on its node's disk are
 * swept by that node's cleanup. Two servers in one process stand for two nodes on
 * one store (two connections to one SQLite file).
 */
import { existsSync, utimesSync } from 'node:fs';
import path from 'node:path';
import type { AuthResponse } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUpload, offsetOf, patch, randomBytesOf, TUS } from './files-helpers';
import { registerUser, startTestServer, type TestServer } from './harness';

let a: TestServer;
let b: TestServer;
let shared: TestServer;
let alice: AuthResponse;
beforeAll(async () => {
  a = await startTestServer({ nodeId: 'na', fileCleanupIntervalSeconds: 0 });
  const store = { sqlitePath: path.join(a.dataDir, 'parley.db'), fileCleanupIntervalSeconds: 0 };
  b = await startTestServer({ ...store, nodeId: 'nb' });
  // A third node that mounts a's staging folder (PARLEY_FILES_DIR on shared storage).
  shared = await startTestServer({ ...store, nodeId: 'nc', filesDir: path.join(a.dataDir, 'files') });
  alice = await registerUser(a.url, 'placement');
});
afterAll(async () => {
  await shared.stop();
  await b.stop();
  await a.stop();
});

const stagedFile = (t: TestServer, id: string) => path.join(t.dataDir, 'files', 'uploads', id);

describe('uploads in progress across nodes', () => {
  it('names the staging node in the upload URL, and the old URL form still works', async () => {
    const created = await createUpload(a.url, alice.token, 10, { filename: 'n.bin' });
    expect(created.status).toBe(201);
    expect(created.location).toMatch(/^\/v1\/uploads\/na\/f_[A-Za-z0-9_-]+$/);
    const id = created.location!.split('/').pop()!;
    expect((await patch(a.url, alice.token, created.location!, 0, randomBytesOf(4))).status).toBe(204);
    // An upload created before the node id was in its URL resumes on its node as before.
    expect(await offsetOf(a.url, alice.token, `/v1/uploads/${id}`)).toEqual({ status: 200, offset: 4 });
  });

  it('drops an upload that reaches a node which cannot see its bytes, and says to start again', async () => {
    const created = await createUpload(a.url, alice.token, 1000, { filename: 'lost.bin' });
    const location = created.location!;
    const id = location.split('/').pop()!;
    await patch(a.url, alice.token, location, 0, randomBytesOf(400));

    const head = await fetch(`${b.url}${location}`, {
      method: 'HEAD',
      headers: { ...TUS, authorization: `Bearer ${alice.token}` },
    });
    expect(head.status).toBe(410);
    const resume = await patch(b.url, alice.token, location, 400, randomBytesOf(600));
    // The first refusal dropped the record: from then on nobody knows the upload.
    expect(resume.status).toBe(404);
    const again = await createUpload(a.url, alice.token, 1000, { filename: 'lost.bin' });
    const refused = await patch(b.url, alice.token, again.location!, 0, randomBytesOf(10));
    expect(refused.status).toBe(410);
    expect(JSON.parse(refused.body)).toMatchObject({
      error: { code: 'upload_unavailable', retryable: false, details: { node: 'na' } },
    });
    expect(JSON.parse(refused.body).error.message).toMatch(/start the upload again/);
    // Its own node no longer has a record either (its size left the quota).
    expect((await offsetOf(a.url, alice.token, location)).status).toBe(404);
    // Someone else's upload is not theirs to drop: not_found, and it stays.
    const mallory = await registerUser(a.url, 'mallory');
    const third = await createUpload(a.url, alice.token, 10, { filename: 'mine.bin' });
    expect((await offsetOf(b.url, mallory.token, third.location!)).status).toBe(404);
    expect((await offsetOf(a.url, alice.token, third.location!)).status).toBe(200);

    // The bytes left on a's disk go with a's next cleanup once idle (the record is gone).
    expect(existsSync(stagedFile(a, id))).toBe(true);
    const old = new Date(Date.now() - 60 * 60 * 1000);
    utimesSync(stagedFile(a, id), old, old);
    const swept = await a.server.services.files.cleanup();
    expect(swept.staged).toBeGreaterThanOrEqual(1);
    expect(existsSync(stagedFile(a, id))).toBe(false);
    // An upload still in progress is never swept, however idle.
    const thirdId = third.location!.split('/').pop()!;
    utimesSync(stagedFile(a, thirdId), old, old);
    await a.server.services.files.cleanup();
    expect((await offsetOf(a.url, alice.token, third.location!)).status).toBe(200);
  });

  it('serves another node’s upload when the nodes share one staging folder', async () => {
    const created = await createUpload(a.url, alice.token, 8, { filename: 'shared.bin' });
    await patch(a.url, alice.token, created.location!, 0, randomBytesOf(3));
    expect(await offsetOf(shared.url, alice.token, created.location!)).toEqual({ status: 200, offset: 3 });
    const done = await patch(shared.url, alice.token, created.location!, 3, randomBytesOf(5));
    expect(done.status).toBe(204);
    expect(done.headers.get('parley-file-id')).toBe(created.location!.split('/').pop());
  });
});
