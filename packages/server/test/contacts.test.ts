/**
 * Contact details (nicknames and groups) through the SDK and HTTP, over real sockets:
 * set on one device, every device of the owner hears `contact.updated` (and
 * `contact.removed`), the contact never does, the list returns them, and bad input
 * gets a typed error naming the field and the limit.
 */
import type { Contact } from '@parley/protocol';
import { createNodeClient, type ParleyClient } from '@parley/sdk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startTestServer, type TestServer } from './harness';

let t: TestServer;
const open: ParleyClient[] = [];
beforeAll(async () => {
  t = await startTestServer({ authAttemptsPerMinute: 1000 });
});
afterAll(async () => {
  open.forEach((c) => c.close());
  await t.stop();
});

let n = 0;
async function person(name: string): Promise<ParleyClient> {
  const c = createNodeClient({ baseUrl: t.url, backoff: { initialDelayMs: 20, maxDelayMs: 100 } });
  open.push(c);
  await c.register({ username: `${name}${++n}${Math.random().toString(36).slice(2, 6)}`, password: 'contacts pw 1' });
  await c.connect();
  return c;
}

async function device(of: ParleyClient): Promise<ParleyClient> {
  const c = createNodeClient({ baseUrl: t.url, backoff: { initialDelayMs: 20, maxDelayMs: 100 } });
  open.push(c);
  await c.connect(of.token);
  return c;
}

/** Every value the client emits under `name`, from now on. */
function recorder<T>(subscribe: (handler: (value: T) => void) => unknown): T[] {
  const seen: T[] = [];
  subscribe((value) => seen.push(value));
  return seen;
}

async function until<T>(seen: T[], count: number): Promise<T[]> {
  for (let i = 0; i < 400 && seen.length < count; i++) await new Promise((r) => setTimeout(r, 10));
  return seen;
}

type Answer = { status: number; body: { error?: { code: string; details?: Record<string, unknown> } } };
const patch = (who: ParleyClient, userId: string, body: unknown) =>
  http(t.url, 'PATCH', `/v1/contacts/${userId}`, { token: who.token, body }) as Promise<Answer>;

describe('contact nicknames and groups', () => {
  it('are set on one device, heard by every device of the owner, listed, and never sent to the contact', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    const phone = await device(alice);
    const bobId = bob.user!.id;
    const onPhone = recorder<Contact>((h) => phone.on('contact', h));
    const removedOnPhone = recorder<{ userId: string }>((h) => phone.on('contact.removed', h));
    const onBob = recorder<Contact>((h) => bob.on('contact', h));

    await alice.contacts.add(bobId);
    expect((await until(onPhone, 1))[0]).toMatchObject({ userId: bobId, nickname: null, groups: [] });

    const updated = await alice.contacts.update(bobId, {
      nickname: ' Bo\u0301bby\u200B ',
      groups: ['Friends', 'Work', 'Friends'],
    });
    // A name by the text rules (NFC, invisible ends dropped); repeated groups once.
    expect(updated).toMatchObject({ userId: bobId, nickname: 'Bóbby', groups: ['Friends', 'Work'] });
    expect((await until(onPhone, 2))[1]).toEqual(updated);

    // Absent fields stay; null clears the nickname.
    expect(await alice.contacts.update(bobId, { groups: ['Family'] })).toMatchObject({
      nickname: 'Bóbby',
      groups: ['Family'],
    });
    expect(await alice.contacts.update(bobId, { nickname: null })).toMatchObject({
      nickname: null,
      groups: ['Family'],
    });
    expect(await alice.contacts.update(bobId, { nickname: 'B' })).toMatchObject({ nickname: 'B' });
    const [entry] = await phone.contacts.entries();
    expect(entry?.user.id).toBe(bobId);
    expect(entry?.contact).toMatchObject({ nickname: 'B', groups: ['Family'] });

    await alice.contacts.remove(bobId);
    expect((await until(removedOnPhone, 1))[0]).toEqual({ userId: bobId });
    expect(await phone.contacts.entries()).toEqual([]);
    expect(onBob).toEqual([]);
  });

  it('refuses bad details with a typed error naming the field, and unknown contacts with not_found', async () => {
    const carol = await person('carol');
    const dave = await person('dave');
    const daveId = dave.user!.id;
    expect((await patch(carol, daveId, { nickname: 'D' })).body.error?.code).toBe('not_found');
    await carol.contacts.add(daveId);
    const control = await patch(carol, daveId, { nickname: 'a\u0007b' });
    expect(control.status).toBe(400);
    expect(control.body.error).toMatchObject({ code: 'invalid_text', details: { field: 'nickname' } });
    const blank = await patch(carol, daveId, { groups: ['ok', ' \u200B '] });
    expect(blank.body.error).toMatchObject({ code: 'bad_request', details: { field: 'group' } });
    const badGroup = await patch(carol, daveId, { groups: ['x\u0000'] });
    expect(badGroup.body.error).toMatchObject({ code: 'invalid_text', details: { field: 'group' } });
    expect((await patch(carol, daveId, { nickname: 'n'.repeat(101) })).status).toBe(400);
    expect((await patch(carol, daveId, { groups: Array.from({ length: 33 }, (_, i) => `g${i}`) })).status).toBe(400);
    expect((await patch(carol, daveId, { groups: ['g'.repeat(65)] })).status).toBe(400);
    expect((await patch(carol, daveId, {})).status).toBe(400);
    // Nothing was written by the refused ones.
    expect((await carol.contacts.entries())[0]?.contact).toMatchObject({ nickname: null, groups: [] });
    // The limits themselves are accepted.
    const atLimit = await carol.contacts.update(daveId, {
      nickname: 'n'.repeat(100),
      groups: Array.from({ length: 32 }, (_, i) => `${'g'.repeat(60)}${i}`),
    });
    expect(atLimit.groups).toHaveLength(32);
  });
});
