/**
 * A group call in real Chromium through a real Janus (issue 14, ADR 0029): three people
 * in one group join its call with fake cameras and microphones; each sees a tile for
 * each of the two others with video frames really decoded (`framesDecoded` of the
 * inbound video in getStats, for every subscription), the participant list and the
 * "call in progress" line follow, a mute shows on the others' screens, and when one
 * leaves the others see the tile go. Janus is started by the test with a config of its
 * own in a temporary folder (never /etc/janus). The screen passes axe.
 *
 * WebRTC with Janus needs an address that is not loopback (Janus gathers no loopback
 * candidates), so this file starts itself again inside a network namespace of its own
 * (PARLEY_GROUP_CALLS_NETNS=1) with loopback and a veth pair whose both ends are in it
 * (`parley0` at 10.99.0.1): media stays inside the namespace, nothing can leave it.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireJanus, startJanus, type JanusProcess } from '../../server/test/janus';
import {
  axeScan,
  e2eUnavailable,
  FAKE_MEDIA_FLAGS,
  logIn,
  openConversation,
  openPerson,
  sdkUser,
  SCREENSHOTS,
  startApp,
  uniqueName,
  type App,
  type Person,
} from './harness';

const unavailable = e2eUnavailable();
const CI = process.env.CI === 'true' || process.env.CI === '1';
const hasJanus = requireJanus();
const IN_NETNS = process.env.PARLEY_GROUP_CALLS_NETNS === '1';
const canUnshare = spawnSync('unshare', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
if (CI && !canUnshare)
  throw new Error('CI=true: `unshare -n` is not allowed here (the group call test needs it: run as root)');
const NETNS_SETUP = [
  'ip link set lo up',
  // A veth pair with both ends in this namespace: an interface that is not loopback, and no way out.
  'ip link add parley0 type veth peer name parley1',
  'ip addr add 10.99.0.1/24 dev parley0',
  'ip link set parley0 up',
  'ip link set parley1 up',
  // A default route into the pair: Chromium takes parley0 as its network and gathers on it.
  'ip route add default dev parley0',
].join(' && ');

if (!IN_NETNS) {
  describe.skipIf(unavailable !== undefined || !hasJanus || !canUnshare)('group calls, in a network namespace', () => {
    it('passes the group call test of this file', { timeout: 240_000 }, async () => {
      const root = fileURLToPath(new URL('../../..', import.meta.url));
      const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
      const file = fileURLToPath(import.meta.url);
      const child = spawn(
        'unshare',
        [
          '-n',
          'sh',
          '-c',
          `${NETNS_SETUP} && exec "$@"`,
          'sh',
          process.execPath,
          vitest,
          'run',
          '-c',
          'vitest.e2e.config.ts',
          file,
        ],
        {
          cwd: root,
          env: { ...process.env, PARLEY_GROUP_CALLS_NETNS: '1', NO_COLOR: '1' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code, output).toBe(0);
      expect(stripVTControlCharacters(output)).toMatch(/Tests\s+1 passed \(1\)/);
    });
  });
}

/** Keeps every RTCPeerConnection the page makes, so the test can read its stats. */
async function trackPeers(person: Person): Promise<void> {
  await person.context.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    const peers: RTCPeerConnection[] = [];
    (window as unknown as { parleyPeers: RTCPeerConnection[] }).parleyPeers = peers;
    window.RTCPeerConnection = class extends Native {
      constructor(config?: RTCConfiguration) {
        super(config);
        peers.push(this);
      }
    };
  });
}

/** Video frames decoded by each open receiving connection of the page (one per subscribed feed). */
function framesPerFeed(person: Person): Promise<number[]> {
  return person.page.evaluate(async () => {
    const peers = (window as unknown as { parleyPeers?: RTCPeerConnection[] }).parleyPeers ?? [];
    const counts: number[] = [];
    for (const pc of peers) {
      if (pc.connectionState === 'closed') continue;
      if (!pc.getTransceivers().some((t) => t.direction === 'recvonly' || t.currentDirection === 'recvonly')) continue;
      let frames = 0;
      (await pc.getStats()).forEach((report: { type: string; kind?: string; framesDecoded?: number }) => {
        if (report.type === 'inbound-rtp' && report.kind === 'video') frames += report.framesDecoded ?? 0;
      });
      counts.push(frames);
    }
    return counts;
  });
}

/** Waits until the page receives `feeds` feeds and every one of them has decoded video frames. */
async function expectFeedsDecoding(person: Person, feeds: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const counts = await framesPerFeed(person);
    if (counts.length === feeds && counts.every((n) => n > 0)) return;
    if (Date.now() > deadline)
      throw new Error(`${person.name} decodes ${JSON.stringify(counts)}, wanted ${feeds} feeds`);
    await person.page.waitForTimeout(250);
  }
}

function tiles(person: Person) {
  return person.page.getByTestId('group-call-screen').getByTestId('group-call-tile');
}

describe.skipIf(unavailable !== undefined || !hasJanus || !IN_NETNS)('group calls in the browser through Janus', () => {
  let janus: JanusProcess;
  let app: App;
  beforeAll(async () => {
    janus = await startJanus({ iceEnforce: 'parley0' });
    app = await startApp({
      browserArgs: [...FAKE_MEDIA_FLAGS],
      config: { janusUrl: janus.url, groupCallMaxParticipants: 8 },
    });
  });
  afterAll(async () => {
    await app?.stop();
    await janus?.stop();
  });

  it(
    'connects three people through Janus: everyone decodes the two others, sees a mute and sees one leave',
    { timeout: 180_000 },
    async () => {
      const names = ['Ann', 'Ben', 'Cat'];
      const usernames = names.map((n) => uniqueName(n));
      const clients = [];
      for (const [i, name] of names.entries()) clients.push(await sdkUser(app, usernames[i]!, name, false));
      const ids = clients.map((c) => c.user!.id);
      await clients[0]!.conversations.createGroup('Standup', [ids[1]!, ids[2]!]);
      clients.forEach((c) => c.close());

      const people: Person[] = [];
      for (const [i, name] of names.entries()) {
        const person = await openPerson(app, name);
        person.username = usernames[i]!;
        await trackPeers(person);
        await person.page.reload();
        await logIn(person, person.username);
        await openConversation(person, 'Standup');
        people.push(person);
      }
      const [ann, ben, cat] = people as [Person, Person, Person];

      await ann.page.getByRole('button', { name: 'Start a group call' }).click();
      await expect.poll(() => tiles(ann).count()).toBe(1);
      // The others see a call in progress and join it.
      await expect.poll(() => ben.page.getByTestId('group-call-banner').textContent()).toBe('Call in progress: Ann');
      await ben.page.getByRole('button', { name: 'Join the group call' }).click();
      await cat.page.getByRole('button', { name: 'Join the group call' }).click();

      for (const person of people) {
        await expect.poll(() => tiles(person).count(), { timeout: 20_000 }).toBe(3);
        await expectFeedsDecoding(person, 2);
      }
      const list = ben.page.getByTestId('group-call-participants');
      await expect
        .poll(() => list.locator('li').allTextContents())
        .toEqual(expect.arrayContaining(['You', 'Ann', 'Cat']));

      // Cat mutes: Ann's and Ben's screens say so.
      await cat.page.getByRole('button', { name: 'Mute', exact: true }).click();
      for (const person of [ann, ben]) {
        await expect
          .poll(() =>
            person.page.getByTestId('group-call-participants').locator(`li[data-user-id="${ids[2]}"]`).textContent(),
          )
          .toBe('Cat (muted)');
      }
      expect(await axeScan(ben.page)).toEqual([]);
      await ben.page.screenshot({
        path: path.join(SCREENSHOTS, 'group-call-light-desktop.png'),
        animations: 'disabled',
      });

      // Ben leaves: Ann and Cat see his tile go and keep decoding each other.
      await ben.page.getByRole('button', { name: 'Leave' }).click();
      await expect.poll(() => ben.page.getByTestId('group-call-screen').count()).toBe(0);
      for (const person of [ann, cat]) {
        await expect.poll(() => tiles(person).count(), { timeout: 20_000 }).toBe(2);
        expect(await person.page.locator(`[data-testid="group-call-tile"][data-user-id="${ids[1]}"]`).count()).toBe(0);
        await expectFeedsDecoding(person, 1);
      }
      await expect
        .poll(() => ben.page.getByTestId('group-call-banner').textContent())
        .toMatch(/^Call in progress: (Ann, Cat|Cat, Ann)$/);
      for (const person of people) expect(person.problems).toEqual([]);
    },
  );
});
