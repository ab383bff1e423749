/**
 * Push decisions as a matrix (docs/notifications.md), against a real server process and
 * the push service of test/push-service.ts (it verifies each VAPID signature and decrypts
 * each payload). Twelve members of one group cover every level (all, mentions only,
 * muted) x quiet hours (none, now inside them in another time zone) x a device of theirs
 * showing the group (`focus.set`, through the SDK, from a second device) or not; three
 * more hold quiet hours that do not cover now, do-not-disturb, and a focus on another
 * conversation. Alice, the sender, has a device too. Two messages (one mentioning
 * everyone by name) must give exactly the expected pushes at the push service, on every
 * device of each member, and each member's decision record must say why. Then: a closed
 * connection's focus no longer holds pushes back, the test push reaches every device of
 * its user once (and a second press at once is refused), and bad quiet hours or a focus
 * on a conversation the user is not in are refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AuthResponse, Conversation, Message, NotifyLevel, PushDecision } from '@parley/protocol';
import { createNodeClient, type ParleyClient } from '@parley/sdk/node';
import { afterAll, expect, it } from 'vitest';
import { errorCode, http, RawClient } from './harness';
import { freePort, spawnServer, type ServerProcess } from './process';
import { TestPushService, type TestSubscription } from './push-service';

const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-push-decisions-'));
const pushService = new TestPushService();
let server: ServerProcess | undefined;
const clients: ParleyClient[] = [];

afterAll(async () => {
  for (const client of clients) client.close();
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  await pushService.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Minutes after midnight now in `timeZone`, read independently of the server's code. */
function minuteIn(timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .formatToParts(Date.now())
    .filter((p) => p.type === 'hour' || p.type === 'minute')
    .map((p) => Number(p.value));
  return parts[0]! * 60 + parts[1]!;
}

function clock(minute: number): string {
  const m = ((minute % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

interface Member {
  name: string;
  level: NotifyLevel;
  quiet: 'none' | 'inside' | 'outside';
  focus: 'none' | 'here' | 'elsewhere';
  dnd: boolean;
  auth: AuthResponse;
  devices: TestSubscription[];
}

/** The rule under test, written out: the first thing that holds a push back names it. */
function expectedReason(member: Member, mention: boolean): PushDecision['reason'] {
  if (member.level === 'muted') return 'muted';
  if (member.level === 'mentions' && !mention) return 'mentions_only';
  if (member.dnd) return 'do_not_disturb';
  if (member.quiet === 'inside') return 'quiet_hours';
  if (member.focus === 'here') return 'active_device';
  return 'notify';
}

it(
  'sends exactly the pushes that levels, quiet hours, focus and do-not-disturb allow, and says why',
  { timeout: 120_000 },
  async () => {
    await pushService.start();
    const port = await freePort();
    server = await spawnServer({
      PARLEY_PORT: String(port),
      PARLEY_DATA_DIR: dataDir,
      PARLEY_XMPP_PORT: '-1',
      PARLEY_OUTBOUND_ALLOW: 'loopback',
      PARLEY_RATE_AUTH_PER_MIN: '1000',
      PARLEY_JOB_POLL_MS: '100',
      PARLEY_DISPATCH_DELAY_MS: '0',
    });
    const base = `http://127.0.0.1:${port}`;
    pushService.vapidKey = (await http<{ publicKey: string }>(base, 'GET', '/v1/push/vapid-public-key')).body.publicKey;

    const password = 'correct horse battery';
    const subscribe = async (token: string) => {
      const device = pushService.subscribe();
      const answer = await http(base, 'POST', '/v1/me/push-subscriptions', {
        token,
        body: { endpoint: device.endpoint, keys: device.keys },
      });
      expect(answer.status).toBe(201);
      return device;
    };
    const register = async (username: string) => {
      const auth = (await http<AuthResponse>(base, 'POST', '/v1/auth/register', { body: { username, password } })).body;
      return { auth, device: await subscribe(auth.token) };
    };
    const login = async (username: string) =>
      (await http<AuthResponse>(base, 'POST', '/v1/auth/login', { body: { username, password } })).body;

    const alice = await register('alice');
    const specs: Omit<Member, 'auth' | 'devices'>[] = [];
    for (const level of ['all', 'mentions', 'muted'] as const) {
      for (const quiet of ['none', 'inside'] as const) {
        for (const focus of ['none', 'here'] as const) {
          specs.push({ name: `u${specs.length}`, level, quiet, focus, dnd: false });
        }
      }
    }
    specs.push({ name: 'outside', level: 'all', quiet: 'outside', focus: 'none', dnd: false });
    specs.push({ name: 'dnd', level: 'all', quiet: 'none', focus: 'none', dnd: true });
    specs.push({ name: 'elsewhere', level: 'all', quiet: 'none', focus: 'elsewhere', dnd: false });
    const members: Member[] = [];
    for (const spec of specs) {
      const { auth, device } = await register(spec.name);
      members.push({ ...spec, auth, devices: [device] });
    }
    const group = (
      await http<{ conversation: Conversation }>(base, 'POST', '/v1/conversations', {
        token: alice.auth.token,
        body: { title: 'Matrix', memberIds: members.map((m) => m.auth.user.id) },
      })
    ).body.conversation;
    const other = (
      await http<{ conversation: Conversation }>(base, 'POST', '/v1/conversations', {
        token: alice.auth.token,
        body: { title: 'Elsewhere', memberIds: members.map((m) => m.auth.user.id) },
      })
    ).body.conversation;

    // Quiet hours in a zone far from UTC: inside means the window holds the zone's now.
    const zone = 'Asia/Kolkata';
    const local = minuteIn(zone);
    for (const member of members) {
      const token = member.auth.token;
      expect(
        (
          await http(base, 'PUT', `/v1/conversations/${group.id}/settings`, {
            token,
            body: { notifyLevel: member.level },
          })
        ).status,
      ).toBe(204);
      if (member.quiet !== 'none') {
        const [start, end] = member.quiet === 'inside' ? [local - 90, local + 90] : [local + 120, local + 240];
        const quietHours = { start: clock(start), end: clock(end), timeZone: zone };
        const answer = await http<{ quietHours: unknown }>(base, 'PUT', '/v1/me/quiet-hours', {
          token,
          body: { quietHours },
        });
        expect(answer.body.quietHours).toEqual(quietHours);
      }
      if (member.dnd) {
        await http(base, 'PUT', '/v1/me/do-not-disturb', { token, body: { until: Date.now() + 3_600_000 } });
      }
      if (member.focus !== 'none') {
        // The focused device is a second one (a laptop, through the SDK); it has a subscription too.
        const laptop = await login(member.name);
        member.devices.push(await subscribe(laptop.token));
        const client = createNodeClient({ baseUrl: base, token: laptop.token });
        clients.push(client);
        await client.connect();
        await client.focus.set(member.focus === 'here' ? group.id : other.id);
      }
    }

    let counter = 0;
    const send = async (text: string): Promise<Message> => {
      const answer = await http<{ message: Message }>(base, 'POST', `/v1/conversations/${group.id}/messages`, {
        token: alice.auth.token,
        body: { clientId: `c${++counter}`, content: { type: 'text', text } },
      });
      expect(answer.status).toBe(200);
      return answer.body.message;
    };
    const decisionsOf = async (member: Member) =>
      (await http<{ decisions: PushDecision[] }>(base, 'GET', '/v1/me/push-decisions', { token: member.auth.token }))
        .body.decisions;
    /** Waits (bounded) until the member's decisions about `messageId` are made and every push sent has its answer. */
    const settled = async (member: Member, messageId: string): Promise<PushDecision[]> => {
      for (let i = 0; i < 200; i++) {
        const about = (await decisionsOf(member)).filter((d) => d.messageId === messageId);
        if (about.length === member.devices.length && about.every((d) => d.delivery !== 'pending')) return about;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`${member.name}: the decisions about ${messageId} did not settle`);
    };

    const plain = await send('Plain news for the group');
    const mention = await send(`Ping ${members.map((m) => `@${m.name}`).join(' ')}`);
    for (const [message, mentioned] of [
      [plain, false],
      [mention, true],
    ] as const) {
      for (const member of members) {
        const reason = expectedReason(member, mentioned);
        const decisions = await settled(member, message.id);
        expect(
          decisions.map((d) => d.reason),
          `${member.name} (${member.level}, quiet ${member.quiet}, focus ${member.focus}) for ${message.id}`,
        ).toEqual(member.devices.map(() => reason));
        expect(decisions.map((d) => d.delivery)).toEqual(
          member.devices.map(() => (reason === 'notify' ? 'delivered' : null)),
        );
        for (const device of member.devices) {
          const pushes = pushService.requestsOf(device).filter((r) => r.payload.messageId === message.id);
          expect(pushes.length, `${member.name}'s pushes of ${message.id}`).toBe(reason === 'notify' ? 1 : 0);
          if (pushes[0]) expect(pushes[0].payload.mention).toBe(mentioned);
        }
      }
    }
    // Exactly: plain reaches all/none/none and the three extras but dnd; the mention adds mentions/none/none.
    const sent = members.flatMap((m) => m.devices).flatMap((d) => pushService.requestsOf(d));
    expect(sent.filter((r) => r.payload.messageId === plain.id)).toHaveLength(1 + 1 + 2);
    expect(sent.filter((r) => r.payload.messageId === mention.id)).toHaveLength(2 + 1 + 2);
    // The sender's own device never hears of its messages, and no decision about it is kept.
    expect(pushService.requestsOf(alice.device)).toEqual([]);
    expect(
      (await http<{ decisions: PushDecision[] }>(base, 'GET', '/v1/me/push-decisions', { token: alice.auth.token }))
        .body.decisions,
    ).toEqual([]);

    // A closed connection's focus holds nothing back any more (the server clears it as the socket
    // closes; the next messages are sent until one is decided after that, a bounded number).
    const focused = members.find((m) => m.level === 'all' && m.quiet === 'none' && m.focus === 'here')!;
    const focusedClient = clients[members.filter((m) => m.focus !== 'none').indexOf(focused)]!;
    focusedClient.close();
    let afterClose: PushDecision[] = [];
    for (let i = 0; i < 20; i++) {
      afterClose = await settled(focused, (await send(`After the close ${i}`)).id);
      if (afterClose.every((d) => d.reason === 'notify')) break;
    }
    expect(afterClose.map((d) => [d.reason, d.delivery])).toEqual([
      ['notify', 'delivered'],
      ['notify', 'delivered'],
    ]);

    // The test push: once to each of the user's devices, and not twice in a row.
    const tester = members.find((m) => m.focus === 'elsewhere')!;
    const test = await http<{ queued: number }>(base, 'POST', '/v1/me/push-test', { token: tester.auth.token });
    expect(test).toEqual({ status: 202, body: { queued: 2 } });
    const again = await http<{ error: { code: string } }>(base, 'POST', '/v1/me/push-test', {
      token: tester.auth.token,
    });
    expect([again.status, again.body.error.code]).toEqual([429, 'rate_limited']);
    await pushService.until('both test pushes', () =>
      tester.devices.every((d) => pushService.requestsOf(d).some((r) => r.payload.type === 'test')),
    );
    for (const device of tester.devices) {
      expect(
        pushService
          .requestsOf(device)
          .filter((r) => r.payload.type === 'test')
          .map((r) => r.payload),
      ).toEqual([{ v: 1, type: 'test' }]);
    }
    const tests = (await decisionsOf(tester)).filter((d) => d.reason === 'test');
    expect(tests.map((d) => d.conversationId)).toEqual([null, null]);

    // Bad input gets a typed error; a focus needs a conversation the user may read.
    for (const quietHours of [
      { start: '22:00', end: '22:00', timeZone: 'UTC' },
      { start: '22:00', end: '07:00', timeZone: 'Mars/Olympus_Mons' },
      { start: '25:00', end: '07:00', timeZone: 'UTC' },
    ]) {
      const refused = await http<{ error: { code: string } }>(base, 'PUT', '/v1/me/quiet-hours', {
        token: tester.auth.token,
        body: { quietHours },
      });
      expect([refused.status, refused.body.error.code], JSON.stringify(quietHours)).toEqual([400, 'bad_request']);
    }
    const stranger = await register('stranger');
    const raw = await RawClient.authed(`ws://127.0.0.1:${port}/v1/ws`, stranger.auth.token);
    expect(errorCode(await raw.request('focus.set', { conversationId: group.id }))).toBe('not_member');
    const cleared = await raw.request('focus.set', { conversationId: null });
    expect(cleared.type).toBe('result');
    raw.close();
    expect(pushService.errors).toEqual([]);
  },
);
