/**
 * A XEP-0045 room of 500 occupants against a real `parley start` process (the
 * issue's scenario, bench/src/xmpp/muc-scenario.ts): 500 XMPP clients over
 * STARTTLS + SCRAM-SHA-1; the first creates the room (instant room), grants the
 * other 499 membership one muc#admin request at a time, then all join without
 * history, 16 at a time. Ten more users join with @xmpp/client (a library we did
 * not write), a native SDK client of one occupant listens on WebSocket, and one
 * post must reach all of them. The server's RSS must stay bounded: before the fix
 * it grew past 1.4 GB during the grants (4 GB and a crash in the issue). Speed is
 * not asserted (bench:xmpp-muc measures it); every wait is bounded.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { xml } from '@xmpp/client';
import { createNodeClient, type Message, type ParleyClient } from '@parley/sdk/node';
import { afterAll, expect, it } from 'vitest';
import { runMucScenario, type MucRunResult } from '../../../bench/src/xmpp/muc-scenario';
import { makeCertificate, startParley, type Account, type ServerUnderTest } from '../../../bench/src/xmpp/servers';
import { XmppTestClient } from './xmpp-helpers';

const OCCUPANTS = 500;
const LIBRARY_CLIENTS = 10;
/** Growth of the server's RSS from after the logins to the peak: about 150 MB with the fix, 516 MB with the delivered cursors written per message (bench), past 1.2 GB before. */
const RSS_GROWTH_BOUND_MB = 350;
const MUC = 'http://jabber.org/protocol/muc';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dir = mkdtempSync(path.join(tmpdir(), 'parley-muc500-'));
let server: ServerUnderTest | undefined;
const libraryClients: XmppTestClient[] = [];
let native: ParleyClient | undefined;

afterAll(async () => {
  await Promise.all(libraryClients.map((c) => c.xmpp.stop().catch(() => undefined)));
  native?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it(
  'a room of 500 XMPP occupants: every join completes, everyone gets the post, memory stays bounded',
  {
    timeout: 600_000,
  },
  async () => {
    const domain = 'localhost';
    const { certFile, keyFile } = makeCertificate(dir, domain);
    const password = 'muc five hundred password';
    const accounts: Account[] = Array.from({ length: OCCUPANTS + LIBRARY_CLIENTS }, (_, i) => ({
      username: `user${i + 1}`,
      password,
    }));
    server = await startParley(
      { dir, domain, accounts, certFile, keyFile, log: () => undefined },
      { root, synchronous: 'normal' },
    );
    const baseUrl = `http://127.0.0.1:${server.httpPort}`;
    const nativeReceived: Message[] = [];
    const libraryBodies = new Map<XmppTestClient, string[]>();

    const result: MucRunResult = await runMucScenario(
      {
        name: 'parley',
        host: '127.0.0.1',
        port: server.port,
        domain,
        accounts: accounts.slice(0, OCCUPANTS),
        pid: () => server?.pid(),
      },
      {
        occupants: OCCUPANTS,
        concurrency: 16,
        mechanism: 'SCRAM-SHA-1',
        phaseTimeoutS: 240,
        room: 'room',
        beforePost: async (roomJid) => {
          // The room is open (an instant room is a public channel): these join without a grant.
          for (const account of accounts.slice(OCCUPANTS)) {
            const auth = { user: { username: account.username } } as Parameters<typeof XmppTestClient.connect>[1];
            const c = await XmppTestClient.connect(server!.port, auth, { password });
            libraryClients.push(c);
            libraryBodies.set(c, []);
            c.xmpp.on('stanza', (s) => {
              const body = s.getChildText('body');
              if (s.is('message') && s.attrs.type === 'groupchat' && body) libraryBodies.get(c)!.push(body);
            });
            await c.send(xml('presence', { to: `${roomJid}/${account.username}` }, xml('x', { xmlns: MUC })));
            await c.message((s) => s.attrs.type === 'groupchat' && s.getChild('subject') !== undefined, 60_000);
          }
          // The same room over the native protocol: an occupant's SDK client on WebSocket.
          native = createNodeClient({ baseUrl, requestTimeoutMs: 30_000 });
          await native.login({ username: accounts[1]!.username, password });
          native.on('message', (m) => nativeReceived.push(m));
          await native.connect();
        },
      },
      () => undefined,
    );
    expect(result.failure).toBeUndefined();
    expect(result.joined).toBe(OCCUPANTS);
    expect(result.received).toBe(OCCUPANTS);
    // Every join listed the room's members (the room has at most 1000: OCCUPANT_LIST_MAX).
    expect(result.joinStanzas).toBeGreaterThanOrEqual(OCCUPANTS - 1);
    const growth = (result.rssMB.peak ?? Infinity) - (result.rssMB.afterLogin ?? 0);
    expect(growth, `server RSS ${result.rssMB.afterLogin} MB after logins, peak ${result.rssMB.peak} MB`).toBeLessThan(
      RSS_GROWTH_BOUND_MB,
    );

    const bounded = async (done: () => boolean, what: string) => {
      for (let i = 0; i < 300 && !done(); i++) await new Promise((r) => setTimeout(r, 100));
      expect(done(), what).toBe(true);
    };
    await bounded(
      () => [...libraryBodies.values()].every((bodies) => bodies.includes(result.body)),
      '@xmpp/client occupants got the post',
    );
    await bounded(() => nativeReceived.some((m) => m.content.type === 'text' && m.content.text === result.body), 'SDK');
    const post = nativeReceived.find((m) => m.content.type === 'text' && m.content.text === result.body)!;
    expect(post.conversationId).toBe('room');
  },
);
