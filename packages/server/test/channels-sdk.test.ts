/**
 * Channels and moderation through the SDK, over real sockets: the calls the web app
 * makes (client.channels, client.conversations.update/members/setNotifyLevel,
 * client.moderation, client.invites) and the `member.updated` and `report` events.
 */
import type { Report } from '@parley/protocol';
import { createNodeClient, type ParleyClient } from '@parley/sdk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness';

let t: TestServer;
const open: ParleyClient[] = [];
beforeAll(async () => {
  t = await startTestServer({ authAttemptsPerMinute: 1000, maxFavourites: 3 });
});
afterAll(async () => {
  open.forEach((c) => c.close());
  await t.stop();
});

let n = 0;
async function person(name: string): Promise<ParleyClient> {
  const c = createNodeClient({ baseUrl: t.url, backoff: { initialDelayMs: 20, maxDelayMs: 100 } });
  open.push(c);
  await c.register({ username: `${name}${++n}${Math.random().toString(36).slice(2, 6)}`, password: 'channels sdk pw' });
  await c.connect();
  return c;
}

/** A second device of the same account. */
async function device(of: ParleyClient): Promise<ParleyClient> {
  const c = createNodeClient({ baseUrl: t.url, backoff: { initialDelayMs: 20, maxDelayMs: 100 } });
  open.push(c);
  await c.connect(of.token);
  return c;
}

function next<T>(subscribe: (handler: (value: T) => void) => () => void): Promise<T> {
  return new Promise((resolve) => {
    const off = subscribe((value) => {
      off();
      resolve(value);
    });
  });
}

describe('the SDK surface for channels and moderation', () => {
  it('creates, lists, joins, updates and pages a channel; notify levels sync to other devices', async () => {
    const alice = await person('alice');
    const bob = await person('bob');
    const word = Math.random().toString(36).slice(2, 8);
    const channel = await alice.channels.create({ title: `Lobby ${word}`, visibility: 'public', topic: 'hi' });
    expect(channel).toMatchObject({ kind: 'channel', memberCount: 1, members: [] });

    const page = await bob.channels.directory({ query: word });
    expect(page).toEqual({ channels: [expect.objectContaining({ id: channel.id, joined: false })], nextCursor: null });
    const joined = await bob.channels.join(channel.id);
    expect(joined.memberCount).toBe(2);

    const updated = await alice.conversations.update(channel.id, { topic: 'new topic', slowModeSeconds: 10 });
    expect(updated).toMatchObject({ topic: 'new topic', slowModeSeconds: 10 });
    const members = await bob.conversations.members(channel.id, { limit: 1 });
    expect(members.members).toHaveLength(1);
    expect(members.nextCursor).not.toBeNull();
    const rest = await bob.conversations.members(channel.id, { cursor: members.nextCursor! });
    expect([...members.members, ...rest.members].map((m) => m.userId).sort()).toEqual(
      [alice.user!.id, bob.user!.id].sort(),
    );

    const laptop = await device(bob);
    const synced = next<{ conversationId: string; notifyLevel?: string }>((h) => laptop.on('member.updated', h));
    await bob.conversations.setNotifyLevel(channel.id, 'muted');
    expect(await synced).toEqual({ conversationId: channel.id, notifyLevel: 'muted' });
  });

  it('keeps favourites in order on the server, live on other devices and in the next list', async () => {
    const ann = await person('ann');
    const bob = await person('bob');
    const [a, b, c] = await Promise.all(['A', 'B', 'C'].map((t) => ann.conversations.createGroup(t, [bob.user!.id])));
    const laptop = await device(ann);
    const seen: { conversationId: string; favouritePosition?: number | null }[] = [];
    laptop.on('member.updated', (data) => {
      if (data.favouritePosition !== undefined) seen.push(data);
    });
    const places = async () =>
      new Map((await laptop.conversations.list()).map((s) => [s.conversation.title, s.favouritePosition]));

    await ann.conversations.favourite(a!.id);
    await ann.conversations.favourite(b!.id);
    await ann.conversations.favourite(c!.id, { before: a!.id });
    expect(await places()).toEqual(
      new Map([
        ['C', 0],
        ['A', 1],
        ['B', 2],
      ]),
    );
    // Live: one event per place that changed (A, then B, then C first with A and B moving down).
    await expect.poll(() => seen.length).toBe(5);
    expect(seen.slice(2)).toEqual([
      { conversationId: c!.id, favouritePosition: 0 },
      { conversationId: a!.id, favouritePosition: 1 },
      { conversationId: b!.id, favouritePosition: 2 },
    ]);

    // PARLEY_MAX_FAVOURITES (3 here): a fourth is refused, moving one of the three is not.
    const d = await ann.conversations.createGroup('D', [bob.user!.id]);
    await expect(ann.conversations.favourite(d.id)).rejects.toMatchObject({
      code: 'limit_reached',
      details: { limit: 'favourites', max: 3 },
    });
    await ann.conversations.favourite(c!.id, { before: a!.id });

    await ann.conversations.unfavourite(c!.id);
    expect(await places()).toEqual(
      new Map([
        ['D', null],
        ['C', null],
        ['A', 0],
        ['B', 1],
      ]),
    );
    // Bob's favourites are his own.
    expect((await bob.conversations.list()).map((s) => s.favouritePosition)).toEqual([null, null, null, null]);
    // Only what you may read can be a favourite.
    const other = await bob.conversations.createGroup('Not Ann', []);
    await expect(ann.conversations.favourite(other.id)).rejects.toMatchObject({ code: 'not_member' });
  });

  it('moderates: reports reach moderators as events; bans, mutes and invites work end to end', async () => {
    const owner = await person('owner');
    const bob = await person('bob');
    const carol = await person('carol');
    const channel = await owner.channels.create({ title: 'Moderated', visibility: 'private' });
    const invite = await owner.invites.create(channel.id, { maxUses: 2, expiresInSeconds: 3600 });
    expect(await bob.invites.preview(invite.code)).toMatchObject({ kind: 'channel', channel: { id: channel.id } });
    await bob.invites.accept(invite.code);
    await carol.invites.accept(invite.code);
    expect((await owner.invites.list(channel.id))[0]).toMatchObject({ code: invite.code, uses: 2 });

    const message = await carol.messages.send(channel.id, 'something rude');
    const reported = next<Report>((h) => owner.on('report', h));
    const report = await bob.moderation.report(channel.id, message.id, 'rude');
    expect((await reported).id).toBe(report.id);
    expect((await owner.moderation.reports(channel.id)).map((r) => r.id)).toEqual([report.id]);
    await owner.moderation.resolveReport(channel.id, report.id);
    expect(await owner.moderation.reports(channel.id, { state: 'open' })).toEqual([]);

    await owner.moderation.mute(channel.id, carol.user!.id, 60);
    await expect(carol.messages.send(channel.id, 'muted?')).rejects.toMatchObject({ code: 'muted' });
    await owner.moderation.unmute(channel.id, carol.user!.id);

    const removed = next<{ conversationId: string }>((h) => carol.on('conversation.removed', h));
    await owner.moderation.ban(channel.id, carol.user!.id, { durationSeconds: 600, reason: 'spam' });
    expect(await removed).toEqual({ conversationId: channel.id });
    expect((await owner.moderation.bans(channel.id)).map((b) => b.userId)).toEqual([carol.user!.id]);
    await expect(carol.conversations.get(channel.id)).rejects.toMatchObject({ code: 'banned' });
    await owner.moderation.unban(channel.id, carol.user!.id);
    await owner.moderation.kick(channel.id, bob.user!.id);
    await expect(bob.conversations.get(channel.id)).rejects.toMatchObject({ code: 'not_member' });
  });
});
