/**
 * A XEP-0045 room with slixmpp occupants (Debian's python3-slixmpp, its xep_0045
 * plugin): an @xmpp/client owner creates an instant room (an open room), 20
 * slixmpp clients join it without a grant, each getting its self-presence (110)
 * under its own nick, the owner sees them arrive as presence, and the owner's post
 * reaches every one of them. Room nicknames: a slixmpp occupant joins under a
 * nickname of its choice and hears the owner under theirs; the same nickname in
 * another case is a conflict for the next one. Under CI=true a missing slixmpp
 * fails the run.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { xml } from '@xmpp/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOMAIN, jidOf, PASSWORD, startXmppServer, users, XmppTestClient } from './xmpp-helpers';

const PYTHON = '/usr/bin/python3'; // Debian's, where python3-slixmpp lives (not a pyenv shim)
const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'xmpp-slixmpp-muc.py');
const OCCUPANTS = 20;
const MUC = 'http://jabber.org/protocol/muc';
const MUC_USER = 'http://jabber.org/protocol/muc#user';
const MUC_OWNER = 'http://jabber.org/protocol/muc#owner';
const ci = process.env.CI === 'true' || process.env.CI === '1';
const available = spawnSync(PYTHON, ['-c', 'import slixmpp'], { stdio: 'ignore' }).status === 0;
if (!available && ci)
  throw new Error('python3-slixmpp is missing: .ci/run installs it (apt-get install python3-slixmpp)');
if (!available) process.stderr.write('WARNING: python3-slixmpp not installed; skipping the slixmpp room test\n');

type Server = Awaited<ReturnType<typeof startXmppServer>>;
let t: Server;

beforeAll(async () => {
  if (available) t = await startXmppServer();
});
afterAll(async () => {
  if (available) await t.stop();
});

describe.runIf(available)('XEP-0045 with slixmpp occupants', () => {
  it('20 slixmpp clients join an open room under their nicks and all get the post', { timeout: 90_000 }, async () => {
    const [owner, ...others] = await users(t, 'mown', ...Array.from({ length: OCCUPANTS }, (_, i) => `msx${i}`));
    const xo = await XmppTestClient.connect(t.xmppPort, owner!);
    const room = `open-${owner!.user.username}@conference.${DOMAIN}`;
    await xo.send(xml('presence', { to: `${room}/${owner!.user.username}` }, xml('x', { xmlns: MUC })));
    await xo.next((s) => s.is('presence') && s.attrs.from?.startsWith(`${room}/`) === true);
    await xo.iq(
      xml(
        'iq',
        { type: 'set', to: room },
        xml('query', { xmlns: MUC_OWNER }, xml('x', { xmlns: 'jabber:x:data', type: 'submit' })),
      ),
    );
    await xo.message((s) => s.getChild('subject') !== undefined);

    const child = spawn(PYTHON, [SCRIPT, String(t.xmppPort), room, PASSWORD, ...others.map((u) => jidOf(u))], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const events: Record<string, unknown>[] = [];
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let buffered = '';
    let allJoined: () => void = () => {};
    const joinedAll = new Promise<void>((resolve) => (allJoined = resolve));
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines.filter((l) => l.startsWith('{'))) {
        const event = JSON.parse(line) as Record<string, unknown>;
        events.push(event);
        if (event.event === 'all_joined' || event.event === 'error') allJoined();
      }
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await Promise.race([joinedAll, exited]);
    expect(
      events.filter((e) => e.event === 'error'),
      `${JSON.stringify(events)}\n${stderr.slice(-3000)}`,
    ).toEqual([]);
    await xo.send(xml('message', { type: 'groupchat', to: room, id: 'hello' }, xml('body', {}, 'hello occupants')));
    const code = await exited;
    clearTimeout(timer);

    const joined = events.filter((e) => e.event === 'joined');
    expect(joined).toHaveLength(OCCUPANTS);
    for (const user of others) {
      expect(joined).toContainEqual({
        event: 'joined',
        jid: jidOf(user),
        nick: user.user.username,
        codes: expect.arrayContaining([110]) as unknown,
      });
      expect(events).toContainEqual({
        event: 'message',
        jid: jidOf(user),
        sender: `${room}/${owner!.user.username}`,
      });
    }
    expect(code).toBe(0);
    // The owner saw every one of them arrive (an open room of at most 1000 lists its occupants).
    for (const user of others) {
      await xo.next(
        (s) =>
          s.is('presence') &&
          s.attrs.from === `${room}/${user.user.username}` &&
          s.getChild('x', MUC_USER) !== undefined,
        10_000,
      );
    }
    await xo.stop();
  });
  it(
    'slixmpp joins under a chosen nickname, hears a renamed owner, and a case-folded copy is a conflict',
    { timeout: 90_000 },
    async () => {
      const [owner, a, b] = await users(t, 'nkown', 'nksa', 'nksb');
      const xo = await XmppTestClient.connect(t.xmppPort, owner!);
      const room = `nick-${owner!.user.username}@conference.${DOMAIN}`;
      await xo.send(xml('presence', { to: `${room}/${owner!.user.username}` }, xml('x', { xmlns: MUC })));
      await xo.next((s) => s.is('presence') && s.attrs.from?.startsWith(`${room}/`) === true);
      await xo.iq(
        xml(
          'iq',
          { type: 'set', to: room },
          xml('query', { xmlns: MUC_OWNER }, xml('x', { xmlns: 'jabber:x:data', type: 'submit' })),
        ),
      );
      await xo.message((s) => s.getChild('subject') !== undefined);
      // The owner takes a nickname (a nick change, XEP-0045 7.6).
      await xo.send(xml('presence', { to: `${room}/Room Owner` }));
      await xo.next((s) => s.is('presence') && s.attrs.from === `${room}/Room Owner` && s.attrs.type !== 'unavailable');

      const first = runScript(room, [`${jidOf(a!)}=Slix Ä Nick`], () =>
        xo.send(xml('message', { type: 'groupchat', to: room }, xml('body', {}, 'hello occupants'))),
      );
      const { events, code, stderr } = await first;
      expect(code, `${JSON.stringify(events)}\n${stderr.slice(-3000)}`).toBe(0);
      expect(events).toContainEqual({
        event: 'joined',
        jid: jidOf(a!),
        nick: 'Slix Ä Nick',
        codes: expect.arrayContaining([110]) as unknown,
      });
      expect(events).toContainEqual({ event: 'message', jid: jidOf(a!), sender: `${room}/Room Owner` });
      await xo.next((s) => s.is('presence') && s.attrs.from === `${room}/Slix Ä Nick`, 10_000);

      // The same nickname in another case: slixmpp's join fails with conflict.
      const second = await runScript(room, [`${jidOf(b!)}=SLIX ä NICK`], () => Promise.resolve());
      expect(second.events).toContainEqual({ event: 'join_error', jid: jidOf(b!), condition: 'conflict' });
      expect(second.code).toBe(1);
      await xo.stop();
    },
  );
});

/** Runs the slixmpp occupants; `onAllJoined` when every one joined. Bounded: killed after 60 s. */
async function runScript(
  room: string,
  jids: string[],
  onAllJoined: () => Promise<void>,
): Promise<{ events: Record<string, unknown>[]; code: number | null; stderr: string }> {
  const child = spawn(PYTHON, [SCRIPT, String(t.xmppPort), room, PASSWORD, ...jids], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: Record<string, unknown>[] = [];
  let stderr = '';
  let buffered = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => {
    buffered += d.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines.filter((l) => l.startsWith('{'))) {
      const event = JSON.parse(line) as Record<string, unknown>;
      events.push(event);
      if (event.event === 'all_joined') void onAllJoined();
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  return { events, code, stderr };
}
