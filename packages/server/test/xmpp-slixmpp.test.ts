/**
 * Interop with slixmpp (Debian's python3-slixmpp), a second XMPP library we did
 * not write: SASL PLAIN and SCRAM-SHA-256 logins, roster fetch, and a chat both
 * ways with an @xmpp/client user, and a slixmpp resource beside others (routing by
 * full JID, received carbons, presence per resource). Under CI=true a missing slixmpp fails the run;
 * elsewhere the suite is skipped with a warning.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { xml } from '@xmpp/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from './harness';
import { jidOf, PASSWORD, startXmppServer, users, XmppTestClient } from './xmpp-helpers';

const PYTHON = '/usr/bin/python3'; // Debian's, where python3-slixmpp lives (not a pyenv shim)
const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'xmpp-slixmpp-client.py');
const RESOURCE_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'xmpp-slixmpp-resources.py');

/** A slixmpp resource that keeps running: its JSON lines as they come, and a way to wait for one. */
function slixmppResource(args: string[]) {
  const child = spawn(PYTHON, [RESOURCE_SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const events: Record<string, unknown>[] = [];
  let buffer = '';
  child.stdout.on('data', (d: Buffer) => {
    buffer += d.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('{')) events.push(JSON.parse(line) as Record<string, unknown>);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    }),
  );
  /** Bounded: 300 looks, 100 ms apart. */
  const next = async (match: (e: Record<string, unknown>) => boolean) => {
    for (let i = 0; i < 300; i++) {
      const found = events.find(match);
      if (found) return found;
      if (child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`slixmpp never printed the event; got ${JSON.stringify(events)}`);
  };
  return { events, next, exited };
}
const ci = process.env.CI === 'true' || process.env.CI === '1';
const available = spawnSync(PYTHON, ['-c', 'import slixmpp'], { stdio: 'ignore' }).status === 0;
if (!available && ci)
  throw new Error('python3-slixmpp is missing: .ci/run installs it (apt-get install python3-slixmpp)');
if (!available) process.stderr.write('WARNING: python3-slixmpp not installed; skipping the slixmpp interop tests\n');

type Server = Awaited<ReturnType<typeof startXmppServer>>;
let t: Server;

beforeAll(async () => {
  if (available) t = await startXmppServer();
});
afterAll(async () => {
  if (available) await t.stop();
});

function runSlixmpp(args: string[]): Promise<{ code: number | null; events: Record<string, unknown>[] }> {
  return new Promise((resolve) => {
    const child = spawn(PYTHON, [SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const events = out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      resolve({ code, events });
    });
  });
}

describe.runIf(available)('XMPP with slixmpp', () => {
  it.each(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-1'])('logs in with %s and chats both ways', async (mechanism) => {
    const [py, js] = await users(t, 'py', 'js');
    const peer = await XmppTestClient.connect(t.xmppPort, js!);
    const run = runSlixmpp([String(t.xmppPort), jidOf(py!), PASSWORD, mechanism, jidOf(js!)]);
    const hello = await peer.message((s) => s.getChildText('body') === 'hello from slixmpp', 20_000);
    await peer.send(xml('message', { type: 'chat', to: jidOf(py!), id: 'to-py' }, xml('body', {}, 'hello python')));
    const { code, events } = await run;
    await peer.stop();
    expect(events).toContainEqual({ event: 'auth_success', mechanism });
    // From slixmpp's full JID, the resource the server bound for it.
    const bound = events.find((e) => e.event === 'session_start')?.jid;
    expect(bound).toMatch(new RegExp(`^${jidOf(py!)}/.+`));
    expect(hello.attrs.from).toBe(bound);
    expect(events).toContainEqual({ event: 'message', sender: jidOf(js!), body: 'hello python' });
    expect(code).toBe(0);
  });

  it('catches up from its personal archive by time, paged (XEP-0313 without `with`, XEP-0059)', async () => {
    const [py, ann, ben] = await users(t, 'pymam', 'annmam', 'benmam');
    const xa = await XmppTestClient.connect(t.xmppPort, ann!);
    const xb = await XmppTestClient.connect(t.xmppPort, ben!);
    const chat = async (c: XmppTestClient, text: string) => {
      await c.send(xml('message', { type: 'chat', to: jidOf(py!), id: text }, xml('body', {}, text)));
      await c.ping();
    };
    await chat(xa, 'old-1');
    await chat(xa, 'a-1');
    await chat(xb, 'b-1');
    await chat(xa, 'a-2');
    await chat(xb, 'b-2');
    // Start at the stamp the archive gives the second message (what a client kept from its last sync).
    const iq = await xa.iq(
      xml(
        'iq',
        { type: 'set' },
        xml(
          'query',
          { xmlns: 'urn:xmpp:mam:2', queryid: 'stamp' },
          xml(
            'x',
            { xmlns: 'jabber:x:data', type: 'submit' },
            xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, 'urn:xmpp:mam:2')),
            xml('field', { var: 'with' }, xml('value', {}, jidOf(py!))),
          ),
        ),
      ),
    );
    expect(iq.getChild('fin')).toBeDefined();
    const stamps = xa.stanzas
      .map((s) => s.getChild('result', 'urn:xmpp:mam:2'))
      .filter((r) => r?.attrs.queryid === 'stamp')
      .map((r) => r!.getChild('forwarded')!.getChild('delay')!.attrs.stamp!);
    const start = stamps[1]!;
    await xa.stop();
    await xb.stop();
    const { code, events } = await runSlixmpp([
      String(t.xmppPort),
      jidOf(py!),
      PASSWORD,
      'SCRAM-SHA-1',
      jidOf(ann!),
      `mam:${start}`,
    ]);
    const archived = events.filter((e) => e.event === 'archived');
    // Everything from the start stamp on, both conversations merged by time (stamps at the same ms included).
    const expected = ['old-1', 'a-1', 'b-1', 'a-2', 'b-2'].filter((_, i) => i >= 1 || stamps[0] === start);
    expect(archived.map((e) => e.body)).toEqual(expected);
    expect(archived.map((e) => e.sender)).toEqual(
      expected.map((body) => (body.startsWith('b') ? jidOf(ben!) : jidOf(ann!))),
    );
    expect(archived.every((e) => e.to === jidOf(py!))).toBe(true);
    expect(code).toBe(0);
  });

  it('is one resource among others: full-JID routing, received carbons, presence per resource', async () => {
    const [alice, bob] = await users(t, 'pyres', 'pyresb');
    await http(t.url, 'PUT', `/v1/contacts/${alice!.user.id}`, { token: bob!.token }); // Alice may see Bob
    const web = await XmppTestClient.connect(t.xmppPort, alice!, { resource: 'web' });
    await web.iq(xml('iq', { type: 'set' }, xml('enable', { xmlns: 'urn:xmpp:carbons:2' })));
    await web.send(xml('presence', {}, xml('priority', {}, '10')));
    const desk = await XmppTestClient.connect(t.xmppPort, bob!, { resource: 'desk' });
    const laptop = await XmppTestClient.connect(t.xmppPort, bob!, { resource: 'laptop' });
    await desk.send(xml('presence'));
    await laptop.send(xml('presence'));
    await web.ping();

    const py = slixmppResource([String(t.xmppPort), `${jidOf(alice!)}/py`, PASSWORD, jidOf(bob!)]);
    try {
      await py.next((e) => e.event === 'session_start');
      // Its probe (answered after its initial presence made it available) shows each of Bob's resources.
      await py.next((e) => e.event === 'presence' && e.sender === `${jidOf(bob!)}/laptop` && e.kind === 'available');
      await py.next((e) => e.event === 'presence' && e.sender === `${jidOf(bob!)}/desk` && e.kind === 'available');

      const say = (to: string, text: string) =>
        desk.send(xml('message', { type: 'chat', to, id: text.replace(/ /g, '-') }, xml('body', {}, text)));
      // To the bare JID: the web resource (priority 10) has it; slixmpp gets a received carbon.
      await say(jidOf(alice!), 'to alice');
      await web.message((s) => s.getChildText('body') === 'to alice');
      expect(await py.next((e) => e.event === 'carbon_received')).toEqual({
        event: 'carbon_received',
        sender: `${jidOf(bob!)}/desk`,
        to: jidOf(alice!),
        body: 'to alice',
      });
      // To slixmpp's full JID: slixmpp directly, the web resource a received carbon.
      await say(`${jidOf(alice!)}/py`, 'to python');
      expect(await py.next((e) => e.event === 'message' && e.body === 'to python')).toMatchObject({
        sender: `${jidOf(bob!)}/desk`,
      });
      await web.message((s) => s.getChild('received', 'urn:xmpp:carbons:2') !== undefined);
      // Bob's laptop leaves; his desk stays.
      await laptop.stop();
      await py.next((e) => e.event === 'presence' && e.sender === `${jidOf(bob!)}/laptop` && e.kind === 'unavailable');
      await say(`${jidOf(alice!)}/py`, 'bye');
      expect(await py.exited).toBe(0);
      expect(py.events.filter((e) => e.event === 'message' && e.body === 'to alice')).toEqual([]);
      expect(py.events.filter((e) => e.event === 'presence' && e.kind === 'unavailable')).toHaveLength(1);
    } finally {
      await web.stop();
      await desk.stop();
    }
  });

  it('a wrong password fails the login', async () => {
    const [py] = await users(t, 'pybad');
    const { code, events } = await runSlixmpp([
      String(t.xmppPort),
      jidOf(py!),
      'wrong password',
      'SCRAM-SHA-1',
      'x@localhost',
    ]);
    expect(code).toBe(1);
    expect(events).toContainEqual({ event: 'done', ok: false, reason: 'failed_auth' });
  });
});
