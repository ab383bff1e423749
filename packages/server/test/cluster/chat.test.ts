/**
 * Two people on two nodes of a real cluster (three `parley start` processes, one
 * PostgreSQL, one NATS, haproxy in front) talk as they would on one server:
 * messages both ways in order, presence, typing and receipts; a third person
 * through the proxy joins a group with them. One person with an XMPP resource on
 * node 1 and the web client on node 2 gets carbons and one history on both; a
 * slixmpp client behind haproxy chats with a web user. One person's XMPP resources on
 * nodes 1 and 2 get bare and full JID messages and carbons as RFC 6121 8.5 and
 * XEP-0280 say, and a contact on node 3 sees each resource come and go; a stream
 * resumption that lands on another node fails cleanly and loses nothing. Room
 * nicknames are one per room whichever node stores them, and a nick change reaches
 * the other node. And
 * sequence numbers stay gapless and unique when every node posts into one
 * conversation at the same moment.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { xml, type Element } from '@xmpp/client';
import type { AuthResponse, Conversation, EventData, Message, Presence } from '@parley/protocol';
import type { ParleyClient } from '@parley/sdk/node';
import { afterAll, describe, expect, it } from 'vitest';
import { http, RawClient, registerUser } from '../harness';
import { jidOf, XmppTestClient } from '../xmpp-helpers';
import { clusterAvailable, registerPerson, useCluster, type ClusterNode } from './harness';

const available = await clusterAvailable();
const PYTHON = '/usr/bin/python3'; // Debian's, where python3-slixmpp lives
const SLIXMPP = fileURLToPath(new URL('../xmpp-slixmpp-client.py', import.meta.url));
const slixmpp = spawnSync(PYTHON, ['-c', 'import slixmpp'], { stdio: 'ignore' }).status === 0;
if (!slixmpp && process.env.CI) throw new Error('python3-slixmpp is missing: .ci/run installs it');
const clusterOf = useCluster(available);
const xmppClients: XmppTestClient[] = [];
// Registered after useCluster: vitest runs afterAll hooks in reverse, so these stop first.
afterAll(async () => {
  for (const x of xmppClients) await x.stop();
}, 60_000);

const PASSWORD = 'cluster chat password';
const person = (client: ParleyClient, name: string) => registerPerson(client, name, PASSWORD);

function collect<T>(client: ParleyClient, event: 'message' | 'presence' | 'typing' | 'receipt'): T[] {
  const out: T[] = [];
  client.on(event, (payload) => out.push(payload as T));
  return out;
}

const texts = (messages: Message[]) => messages.flatMap((m) => (m.content.type === 'text' ? [m.content.text] : []));

describe.skipIf(!available)('a cluster of three nodes', () => {
  it(
    'lets a person on node 1 and one on node 2 chat: messages, presence, typing, receipts',
    { timeout: 120_000 },
    async () => {
      const c = clusterOf()!;
      const [n1, n2] = c.nodes as [ClusterNode, ClusterNode];
      const alice = await person(c.client({ node: n1 }), 'alice');
      const bob = await person(c.client({ node: n2 }), 'bob');
      const direct = await alice.conversations.createDirect(bob.user!.id);
      // Being written to by alice is not taking part: bob names her a contact, so she sees his presence.
      await bob.contacts.add(alice.user!.id);

      const alicePresence = collect<Presence>(alice, 'presence');
      const bobInbox = collect<Message>(bob, 'message');
      const aliceInbox = collect<Message>(alice, 'message');
      const bobTyping = collect<EventData<'typing'>>(bob, 'typing');
      const aliceReceipts = collect<EventData<'receipt'>>(alice, 'receipt');

      await alice.connect();
      expect(await n1.connections()).toBeGreaterThan(0);
      await bob.connect();
      // Bob came online on node 2: alice, on node 1, hears it.
      await expect
        .poll(() => alicePresence.some((p) => p.userId === bob.user!.id && p.status === 'online'), { timeout: 10_000 })
        .toBe(true);
      expect((await alice.presence.get([bob.user!.id]))[0]?.status).toBe('online');

      await alice.typing.set(direct.id, true);
      await expect
        .poll(() => bobTyping.some((t) => t.userId === alice.user!.id && t.typing), { timeout: 10_000 })
        .toBe(true);

      const sent: string[] = [];
      for (let i = 0; i < 20; i++) {
        const from = i % 2 === 0 ? alice : bob;
        const text = `${from === alice ? 'alice' : 'bob'} says ${i}`;
        sent.push(text);
        await from.messages.send(direct.id, text);
      }
      const inDirect = (messages: Message[]) => texts(messages.filter((m) => m.conversationId === direct.id));
      await expect.poll(() => inDirect(bobInbox), { timeout: 10_000 }).toEqual(sent);
      await expect.poll(() => inDirect(aliceInbox), { timeout: 10_000 }).toEqual(sent);
      expect(bobInbox.filter((m) => m.conversationId === direct.id).map((m) => m.seq)).toEqual(
        sent.map((_, i) => i + 1),
      );

      // Bob reads everything: alice's device on the other node sees the read cursor move.
      await bob.receipts.markRead(direct.id, sent.length);
      await expect
        .poll(
          () =>
            aliceReceipts.some(
              (r) =>
                r.conversationId === direct.id &&
                r.userId === bob.user!.id &&
                r.kind === 'read' &&
                r.seq === sent.length,
            ),
          { timeout: 10_000 },
        )
        .toBe(true);

      // A third person through the proxy (whichever node it picks) in a group with both.
      const carol = await person(c.client(), 'carol');
      const group = await carol.conversations.createGroup('three nodes', [alice.user!.id, bob.user!.id]);
      const carolInbox = collect<Message>(carol, 'message');
      await carol.connect();
      await carol.messages.send(group.id, 'hello from the proxy');
      await alice.messages.send(group.id, 'hello from node 1');
      await bob.messages.send(group.id, 'hello from node 2');
      const inGroup = (messages: Message[]) => texts(messages.filter((m) => m.conversationId === group.id));
      const expected = ['hello from the proxy', 'hello from node 1', 'hello from node 2'];
      for (const inbox of [aliceInbox, bobInbox, carolInbox]) {
        await expect
          .poll(() => inGroup(inbox).filter((t) => t.startsWith('hello')), { timeout: 10_000 })
          .toEqual(expected);
      }

      // Bob leaves: alice hears him go offline, from another node.
      bob.close();
      await expect
        .poll(() => alicePresence.some((p) => p.userId === bob.user!.id && p.status === 'offline'), { timeout: 10_000 })
        .toBe(true);
    },
  );

  it(
    'gives an XMPP resource on node 1 and the web client on node 2 of one person carbons and one history',
    { timeout: 120_000 },
    async () => {
      const c = clusterOf()!;
      const [n1, n2] = c.nodes as [ClusterNode, ClusterNode];
      const daveWeb = await person(c.client({ node: n2 }), 'dave');
      const erin = await person(c.client(), 'erin');
      const daveAuth = { user: daveWeb.user!, token: daveWeb.token! } as unknown as AuthResponse;
      const erinAuth = { user: erin.user!, token: erin.token! } as unknown as AuthResponse;
      const direct = await erin.conversations.createDirect(daveWeb.user!.id);
      const webInbox = collect<Message>(daveWeb, 'message');
      await Promise.all([daveWeb.connect(), erin.connect()]);

      // Dave's phone speaks XMPP to node 1; Erin's XMPP client goes through the proxy (TCP, STARTTLS end to end).
      const phone = await XmppTestClient.connect(n1.xmppPort, daveAuth, { password: PASSWORD, resource: 'phone' });
      xmppClients.push(phone);
      await phone.iq(xml('iq', { type: 'set' }, xml('enable', { xmlns: 'urn:xmpp:carbons:2' })));
      const erinXmpp = await XmppTestClient.connect(c.xmppPort, erinAuth, { password: PASSWORD, resource: 'desk' });
      xmppClients.push(erinXmpp);

      // Erin (web, through the proxy) writes: both of Dave's devices get it.
      await erin.messages.send(direct.id, 'hello dave');
      const body = (text: string) => (s: Element) => s.getChildText('body') === text;
      await phone.message(body('hello dave'), 15_000);
      await expect.poll(() => texts(webInbox), { timeout: 10_000 }).toContain('hello dave');

      // Dave answers from the web on node 2: his phone on node 1 gets a `sent` carbon.
      await daveWeb.messages.send(direct.id, 'from the web');
      const carbon = await phone.message((s) => s.getChild('sent', 'urn:xmpp:carbons:2') !== undefined, 15_000);
      const inner = carbon.getChild('sent')?.getChild('forwarded', 'urn:xmpp:forward:0')?.getChild('message');
      expect(inner?.getChildText('body')).toBe('from the web');
      expect(inner?.attrs.to).toBe(jidOf(erinAuth));
      await erinXmpp.message(body('from the web'), 15_000);

      // Dave answers from the phone: the web client on node 2 shows it as his own, in order.
      await phone.send(
        xml('message', { type: 'chat', to: jidOf(erinAuth), id: 'phone-1' }, xml('body', {}, 'from the phone')),
      );
      await expect
        .poll(() => texts(webInbox), { timeout: 10_000 })
        .toEqual(['hello dave', 'from the web', 'from the phone']);
      await erinXmpp.message(body('from the phone'), 15_000);

      // One history, whichever node and protocol reads it.
      const history = await daveWeb.messages.history(direct.id);
      expect(texts(history.messages)).toEqual(['hello dave', 'from the web', 'from the phone']);
      const queryid = 'cluster-mam';
      const fin = await phone.iq(
        xml(
          'iq',
          { type: 'set' },
          xml(
            'query',
            { xmlns: 'urn:xmpp:mam:2', queryid },
            xml(
              'x',
              { xmlns: 'jabber:x:data', type: 'submit' },
              xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, 'urn:xmpp:mam:2')),
              xml('field', { var: 'with' }, xml('value', {}, jidOf(erinAuth))),
            ),
          ),
        ),
      );
      expect(fin.getChild('fin', 'urn:xmpp:mam:2')?.attrs.complete).toBe('true');
      const archived = phone.stanzas
        .filter((s) => s.getChild('result', 'urn:xmpp:mam:2')?.attrs.queryid === queryid)
        .map((s) =>
          s.getChild('result')?.getChild('forwarded', 'urn:xmpp:forward:0')?.getChild('message')?.getChildText('body'),
        );
      expect(archived).toEqual(['hello dave', 'from the web', 'from the phone']);
    },
  );
});

describe.skipIf(!available)('one person with XMPP resources on different nodes', () => {
  it(
    'routes bare and full JID messages with carbons, and shows each resource come and go',
    { timeout: 120_000 },
    async () => {
      const c = clusterOf()!;
      const [n1, n2, n3] = c.nodes as [ClusterNode, ClusterNode, ClusterNode];
      const alice = await registerUser(c.url, 'xralice');
      const bob = await registerUser(c.url, 'xrbob');
      await http(c.url, 'PUT', `/v1/contacts/${bob.user.id}`, { token: alice.token }); // Bob may see Alice
      const connect = async (node: ClusterNode, who: AuthResponse, resource: string) => {
        const x = await XmppTestClient.connect(node.xmppPort, who, { resource });
        xmppClients.push(x);
        return x;
      };
      const from = (resource: string, type?: string) => (s: Element) =>
        s.name === 'presence' && s.attrs.from === `${jidOf(alice)}/${resource}` && s.attrs.type === type;
      const body = (text: string) => (s: Element) => s.getChildText('body') === text;
      const received = (text: string) => (s: Element) =>
        s
          .getChild('received', 'urn:xmpp:carbons:2')
          ?.getChild('forwarded')
          ?.getChild('message')
          ?.getChildText('body') === text;

      const desk = await connect(n3, bob, 'desk');
      await desk.send(xml('presence'));
      const phone = await connect(n1, alice, 'phone');
      const laptop = await connect(n2, alice, 'laptop');
      for (const [x, priority] of [
        [phone, '5'],
        [laptop, '1'],
      ] as const) {
        await x.iq(xml('iq', { type: 'set' }, xml('enable', { xmlns: 'urn:xmpp:carbons:2' })));
        await x.send(xml('presence', {}, xml('priority', {}, priority)));
      }
      // Bob, on node 3, sees each of Alice's resources arrive from its node; each resource sees the other.
      await desk.next(from('phone'), 15_000);
      await desk.next(from('laptop'), 15_000);
      await phone.next(from('laptop'), 15_000);
      await laptop.next(from('phone'), 15_000);

      // To the bare JID: the phone (node 1, highest priority) directly, the laptop (node 2) a carbon.
      await desk.send(xml('message', { type: 'chat', to: jidOf(alice), id: 'xr-1' }, xml('body', {}, 'to alice')));
      expect((await phone.message(body('to alice'), 15_000)).attrs.from).toBe(`${jidOf(bob)}/desk`);
      await laptop.message(received('to alice'), 15_000);

      // To the laptop's full JID: the laptop directly, the phone a carbon.
      await desk.send(
        xml('message', { type: 'chat', to: `${jidOf(alice)}/laptop`, id: 'xr-2' }, xml('body', {}, 'to the laptop')),
      );
      await laptop.message(body('to the laptop'), 15_000);
      await phone.message(received('to the laptop'), 15_000);
      await Promise.all([phone.ping(), laptop.ping()]);
      expect(phone.stanzas.filter(body('to the laptop'))).toEqual([]);
      expect(laptop.stanzas.filter(body('to alice'))).toEqual([]);

      // The laptop leaves; the phone stays: Bob gets unavailable from the laptop only.
      await laptop.send(xml('presence', { type: 'unavailable' }));
      await desk.next(from('laptop', 'unavailable'), 15_000);
      await desk.ping();
      expect(desk.stanzas.filter((s) => s.name === 'presence' && s.attrs.type === 'unavailable')).toEqual([]);
    },
  );
});

describe.skipIf(!available)('XEP-0198 resumption in a cluster', () => {
  it(
    'answers a resume on another node with item-not-found; the new session gets what the old one held',
    { timeout: 120_000 },
    async () => {
      const c = clusterOf()!;
      const [n1, n2, n3] = c.nodes as [ClusterNode, ClusterNode, ClusterNode];
      const alice = await registerUser(c.url, 'smalice');
      const bob = await registerUser(c.url, 'smbob');
      const desk = await XmppTestClient.connect(n3.xmppPort, bob, { resource: 'desk' });
      const phone = await XmppTestClient.connect(n1.xmppPort, alice, { resource: 'phone' });
      xmppClients.push(desk, phone);
      await expect.poll(() => phone.xmpp.streamManagement.enabled, { timeout: 10_000 }).toBe(true);
      const body = (text: string) => (s: Element) => s.getChildText('body') === text;
      const say = (id: string, text: string) =>
        desk.send(xml('message', { type: 'chat', to: jidOf(alice), id }, xml('body', {}, text)));
      await say('sm-1', 'before the drop');
      await phone.message(body('before the drop'), 15_000);

      // The socket drops; the client comes back on node 2, which never saw its session.
      let resumed = false;
      phone.xmpp.streamManagement.on('resumed', () => (resumed = true));
      const failed: Element[] = [];
      phone.xmpp.on('nonza', (element) => {
        if (element.is('failed', 'urn:xmpp:sm:3')) failed.push(element);
      });
      const online = new Promise<string>((resolve) => phone.xmpp.on('online', (jid) => resolve(String(jid))));
      phone.xmpp.options.service = `xmpp://127.0.0.1:${n2.xmppPort}`;
      phone.xmpp.socket?.socket?.destroy();
      // Written to the detached session on node 1 meanwhile: kept there, not counted as delivered.
      await say('sm-2', 'while away');
      await desk.ping();
      const jid = await online;
      expect(resumed).toBe(false);
      expect(failed.map((f) => f.getChild('item-not-found')?.attrs.xmlns)).toEqual([
        'urn:ietf:params:xml:ns:xmpp-stanzas',
      ]);
      expect(jid.startsWith(`${jidOf(alice)}/`)).toBe(true);
      // The new session on node 2 gets it as an offline message, once.
      const missed = await phone.message(body('while away'), 15_000);
      expect(missed.getChild('delay', 'urn:xmpp:delay')).toBeDefined();
      await say('sm-3', 'after');
      await phone.message(body('after'), 15_000);
      await phone.ping();
      expect(phone.stanzas.filter(body('while away'))).toEqual([]);
    },
  );
});

describe.skipIf(!available || !slixmpp)('another XMPP library through the proxy', () => {
  it('lets a slixmpp client behind haproxy chat with a web user on node 1', { timeout: 120_000 }, async () => {
    const c = clusterOf()!;
    const web = await person(c.client({ node: c.nodes[0] }), 'frank');
    const py = await person(c.client(), 'gina');
    const inbox = collect<Message>(web, 'message');
    await web.connect();
    const jid = (client: ParleyClient) => `${client.user!.username}@localhost`;
    const child = spawn(PYTHON, [SLIXMPP, String(c.xmppPort), jid(py), PASSWORD, 'SCRAM-SHA-256', jid(web)], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    try {
      await expect
        .poll(() => inbox.find((m) => m.content.type === 'text' && m.content.text === 'hello from slixmpp'), {
          timeout: 30_000,
        })
        .toBeDefined();
      const hello = inbox.find((m) => m.content.type === 'text' && m.content.text === 'hello from slixmpp')!;
      expect(hello.senderId).toBe(py.user!.id);
      await web.messages.send(hello.conversationId, 'hello python');
      expect(await exited).toBe(0);
    } finally {
      clearTimeout(killer);
      child.kill('SIGKILL');
    }
    const events = out
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events).toContainEqual({ event: 'auth_success', mechanism: 'SCRAM-SHA-256' });
    expect(events).toContainEqual({ event: 'message', sender: jid(web), body: 'hello python' });
  });
});

describe.skipIf(!available)('sequencing across nodes', () => {
  it(
    'numbers messages posted at the same moment through every node without gaps or repeats',
    { timeout: 180_000 },
    async () => {
      const c = clusterOf()!;
      const PER_SENDER = 40;
      // Two senders per node, each pipelining all its frames at once on its own socket.
      const members: AuthResponse[] = [];
      for (let i = 0; i < 2 * c.nodes.length; i++) members.push(await registerUser(c.url, 'seq'));
      const owner = members[0]!;
      const created = await http<{ conversation: Conversation }>(c.url, 'POST', '/v1/conversations', {
        token: owner.token,
        body: { title: 'contention', memberIds: members.slice(1).map((m) => m.user.id) },
      });
      const conversationId = created.body.conversation.id;
      // One SDK device per node watches the conversation live.
      const watchers = c.nodes.map((node, i) => c.client({ node, token: members[i]!.token }));
      const seen = watchers.map((w) => collect<Message>(w, 'message'));
      await Promise.all(watchers.map((w) => w.connect()));

      const senders = await Promise.all(
        members.map((m, i) =>
          RawClient.authed(`${c.nodes[i % c.nodes.length]!.url.replace(/^http/, 'ws')}/v1/ws`, m.token),
        ),
      );
      type Ack = { type: string; data: { message: Message } };
      const acks = (await Promise.all(
        senders.flatMap((sender, si) =>
          Array.from({ length: PER_SENDER }, (_, i) => {
            // Answers wait behind each other's commits, on three nodes of one busy machine: no 5 s limit.
            const id = `s${si}-${i}`;
            const answer = sender.next((f) => (f.type === 'result' || f.type === 'error') && f.re === id, 60_000);
            sender.sendRaw(
              JSON.stringify({
                type: 'message.send',
                id,
                data: { conversationId, clientId: `c-${si}-${i}`, content: { type: 'text', text: `${si}:${i}` } },
              }),
            );
            return answer;
          }),
        ),
      )) as Ack[];
      senders.forEach((s) => s.close());
      expect(acks.every((a) => a.type === 'result')).toBe(true);
      const total = senders.length * PER_SENDER;

      // Unique and gapless: the acks' seqs are a run after the system entries that opened the conversation.
      const seqs = acks.map((a) => a.data.message.seq).sort((x, y) => x - y);
      const first = seqs[0]!;
      expect(seqs).toEqual(Array.from({ length: total }, (_, i) => first + i));
      // Each sender's messages keep the order it sent them in.
      for (let si = 0; si < senders.length; si++) {
        const mine = acks.filter((a) => a.data.message.clientId.startsWith(`c-${si}-`));
        expect(mine.map((a) => a.data.message.seq)).toEqual(
          [...mine.map((a) => a.data.message.seq)].sort((x, y) => x - y),
        );
      }
      // History on any node: every entry from 1 up, once.
      const history: Message[] = [];
      for (let after = 0; ;) {
        const page = await watchers[2]!.messages.history(conversationId, { after, limit: 200 });
        history.push(...page.messages);
        if (!page.hasMore) break;
        after = page.messages.at(-1)!.seq;
      }
      expect(history.map((m) => m.seq)).toEqual(history.map((_, i) => i + 1));
      expect(history.at(-1)!.seq).toBe(first + total - 1);
      // Every watcher, on every node, saw every entry exactly once, in seq order.
      for (const inbox of seen) {
        await expect
          .poll(() => inbox.filter((m) => m.conversationId === conversationId && m.seq >= first).length, {
            timeout: 20_000,
          })
          .toBe(total);
        const mine = inbox.filter((m) => m.conversationId === conversationId);
        expect(mine.map((m) => m.seq)).toEqual(history.slice(history.length - mine.length).map((m) => m.seq));
      }
    },
  );
  it(
    'keeps room nicknames one per room across nodes: a nick change on node 2 reaches node 1 (303), a taken one is a conflict',
    { timeout: 120_000 },
    async () => {
      const c = clusterOf()!;
      const [n1, n2] = c.nodes;
      const alpha = await registerUser(c.url, 'nka');
      const bravo = await registerUser(c.url, 'nkb');
      const { body } = await http<{ conversation: Conversation }>(c.url, 'POST', '/v1/conversations', {
        token: alpha.token,
        body: { title: 'Nicks', memberIds: [bravo.user.id] },
      });
      const room = `${body.conversation.id}@conference.localhost`;
      const muc = xml('x', { xmlns: 'http://jabber.org/protocol/muc' }, xml('history', { maxstanzas: '0' }));
      const codes = (p: Element) =>
        (p.getChild('x', 'http://jabber.org/protocol/muc#user')?.getChildren('status') ?? []).map((s) => s.attrs.code);
      const xa = await XmppTestClient.connect(n1!.xmppPort, alpha, { password: 'correct horse battery' });
      xmppClients.push(xa);
      await xa.send(xml('presence', { to: `${room}/Alpha` }, muc));
      await xa.message((s) => s.getChild('subject') !== undefined);
      const xb = await XmppTestClient.connect(n2!.xmppPort, bravo, { password: 'correct horse battery' });
      xmppClients.push(xb);
      // The nickname node 1 stored is taken for node 2, in another case too.
      await xb.send(xml('presence', { to: `${room}/ALPHA` }, muc));
      const refused = await xb.next((s) => s.is('presence') && s.attrs.type === 'error');
      expect(refused.getChild('error')?.getChild('conflict')).toBeDefined();
      await xb.send(xml('presence', { to: `${room}/Bravo` }, muc));
      await xb.message((s) => s.getChild('subject') !== undefined);
      // Node 1 sees bravo's join under the chosen nick (303 from the username), then a change.
      const first = await xa.next((s) => s.is('presence') && s.attrs.from === `${room}/Bravo`, 15_000);
      expect(first.attrs.type).toBeUndefined();
      await xb.send(xml('presence', { to: `${room}/Bravo Two` }));
      const gone = await xa.next(
        (s) => s.is('presence') && s.attrs.from === `${room}/Bravo` && s.attrs.type === 'unavailable',
        15_000,
      );
      expect(codes(gone)).toContain('303');
      await xa.next((s) => s.is('presence') && s.attrs.from === `${room}/Bravo Two`, 15_000);
    },
  );
});
