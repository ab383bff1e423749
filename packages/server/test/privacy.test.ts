/**
 * Who sees a person's presence (issue 10), as a matrix: relations between a subject P
 * and a viewer V x every way in, over real sockets against a real server. The ways in:
 * `presence.get` (WebSocket), `GET /v1/presence`, the profile's status text
 * (`GET /v1/users/:id`, `GET /v1/users?username=`, the contact list), live `presence`
 * and `user.updated` events, last seen after P leaves, and XMPP with @xmpp/client (the
 * roster probe at initial presence, live presence stanzas, the unavailable one).
 * Whoever may not see must get exactly a stranger's answer.
 */
import { xml, type Element } from '@xmpp/client';
import type { AuthResponse, Presence, User } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, RawClient, startTestServer, type TestServer } from './harness';
import { jidOf, users, XmppTestClient } from './xmpp-helpers';

let t: TestServer & { xmppPort: number };
const sockets: RawClient[] = [];
const xmppClients: XmppTestClient[] = [];

beforeAll(async () => {
  // Three accounts per case: more registrations than the default per-address limit allows.
  const server = await startTestServer({ xmppPort: 0, authAttemptsPerMinute: 1000 });
  t = Object.assign(server, { xmppPort: server.server.xmppPort ?? 0 });
});
afterAll(async () => {
  sockets.forEach((s) => s.close());
  for (const c of xmppClients) await c.stop();
  await t.stop();
});

async function call<T = unknown>(who: AuthResponse, method: string, route: string, body?: unknown): Promise<T> {
  const { status, body: answer } = await http<T>(t.url, method, route, {
    token: who.token,
    ...(body === undefined ? {} : { body }),
  });
  if (status >= 300) throw new Error(`${method} ${route}: ${status} ${JSON.stringify(answer)}`);
  return answer;
}

async function ws(who: AuthResponse): Promise<RawClient> {
  const c = await RawClient.authed(t.wsUrl, who.token);
  sockets.push(c);
  return c;
}

async function xmppOf(who: AuthResponse, resource = 'matrix'): Promise<XmppTestClient> {
  const c = await XmppTestClient.connect(t.xmppPort, who, { resource });
  xmppClients.push(c);
  return c;
}

let sent = 0;
async function post(who: AuthResponse, conversationId: string, text: string): Promise<void> {
  await call(who, 'POST', `/v1/conversations/${conversationId}/messages`, {
    clientId: `pm${++sent}`,
    content: { type: 'text', text },
  });
}
async function direct(who: AuthResponse, other: AuthResponse): Promise<string> {
  return (
    await call<{ conversation: { id: string } }>(who, 'POST', '/v1/conversations/direct', { userId: other.user.id })
  ).conversation.id;
}
async function group(who: AuthResponse, others: AuthResponse[]): Promise<string> {
  const body = { title: 'g', memberIds: others.map((o) => o.user.id) };
  return (await call<{ conversation: { id: string } }>(who, 'POST', '/v1/conversations', body)).conversation.id;
}
const addContact = async (who: AuthResponse, other: AuthResponse) =>
  void (await call(who, 'PUT', `/v1/contacts/${other.user.id}`));
const block = (who: AuthResponse, other: AuthResponse) => call(who, 'PUT', `/v1/blocks/${other.user.id}`);
const setting = (who: AuthResponse, presence: string) => call(who, 'PATCH', '/v1/me/privacy', { presence });

interface Case {
  relation: string;
  sees: boolean;
  setup(p: AuthResponse, v: AuthResponse): Promise<void>;
}

const cases: Case[] = [
  { relation: 'strangers', sees: false, setup: async () => {} },
  { relation: 'V added P as a contact', sees: false, setup: (p, v) => addContact(v, p) },
  { relation: 'P added V as a contact', sees: true, setup: (p, v) => addContact(p, v) },
  {
    relation: 'V opened a direct chat with P and wrote',
    sees: false,
    setup: async (p, v) => post(v, await direct(v, p), 'hello?'),
  },
  {
    relation: 'P answered in the direct chat V opened',
    sees: true,
    setup: async (p, v) => {
      const id = await direct(v, p);
      await post(v, id, 'hello?');
      await post(p, id, 'hi');
    },
  },
  { relation: 'P opened a direct chat with V', sees: true, setup: async (p, v) => void (await direct(p, v)) },
  {
    relation: 'V created a group with P in it',
    sees: false,
    setup: async (p, v) => post(v, await group(v, [p]), 'welcome'),
  },
  {
    relation: 'V created a group with P in it, and P posted there',
    sees: true,
    setup: async (p, v) => post(p, await group(v, [p]), 'thanks'),
  },
  { relation: 'P created a group with V in it', sees: true, setup: async (p, v) => void (await group(p, [v])) },
  {
    relation: 'both in a public channel, where P posted',
    sees: false,
    setup: async (p, v) => {
      const body = { title: 'open', visibility: 'public' };
      const { conversation } = await call<{ conversation: { id: string } }>(v, 'POST', '/v1/channels', body);
      await call(p, 'POST', `/v1/conversations/${conversation.id}/join`);
      await post(p, conversation.id, 'hello all');
    },
  },
  {
    relation: 'P added V, then P blocked V',
    sees: false,
    setup: async (p, v) => {
      await addContact(p, v);
      await block(p, v);
    },
  },
  {
    relation: 'P took part with V and added V, then V blocked P',
    sees: false,
    setup: async (p, v) => {
      await addContact(p, v);
      await direct(p, v);
      await block(v, p);
    },
  },
  {
    relation: 'P added V; P shares with contacts only',
    sees: true,
    setup: async (p, v) => {
      await addContact(p, v);
      await setting(p, 'contacts');
    },
  },
  {
    relation: 'P took part with V (not a contact); P shares with contacts only',
    sees: false,
    setup: async (p, v) => {
      await direct(p, v);
      await setting(p, 'contacts');
    },
  },
  {
    relation: 'P added V and took part; P shares with nobody',
    sees: false,
    setup: async (p, v) => {
      await addContact(p, v);
      await direct(p, v);
      await setting(p, 'nobody');
    },
  },
  {
    relation: 'P added V; V shares with nobody (reciprocal)',
    sees: false,
    setup: async (p, v) => {
      await addContact(p, v);
      await setting(v, 'nobody');
    },
  },
  {
    relation: 'P added V; V shares with contacts only and has not added P (reciprocal)',
    sees: false,
    setup: async (p, v) => {
      await addContact(p, v);
      await setting(v, 'contacts');
    },
  },
  {
    relation: 'P added V; V shares with contacts only and added P',
    sees: true,
    setup: async (p, v) => {
      await addContact(p, v);
      await addContact(v, p);
      await setting(v, 'contacts');
    },
  },
  {
    relation: 'V wrote to P over XMPP',
    sees: false,
    setup: async (p, v) => {
      const vx = await xmppOf(v, 'setup');
      await vx.send(xml('message', { type: 'chat', to: jidOf(p), id: 'x1' }, xml('body', {}, 'hi from xmpp')));
      await vx.send(xml('message', { type: 'chat', to: jidOf(p) }, xml('composing', { xmlns: CHATSTATES })));
      await vx.ping();
      await vx.stop();
    },
  },
  {
    relation: 'V sent P a chat stanza P refused (P blocked V)',
    sees: false,
    setup: async (p, v) => {
      await direct(p, v);
      await block(p, v);
      const vx = await xmppOf(v, 'setup');
      await vx.send(xml('message', { type: 'chat', to: jidOf(p), id: 'x2' }, xml('body', {}, 'let me in')));
      await vx.next((s) => s.name === 'message' && s.attrs.type === 'error');
      await vx.stop();
    },
  },
  {
    relation: 'V asked P for a presence subscription over XMPP (not answered)',
    sees: false,
    setup: async (p, v) => {
      const vx = await xmppOf(v, 'setup');
      await vx.send(xml('presence', { type: 'subscribe', to: jidOf(p) }));
      await vx.ping();
      await vx.stop();
    },
  },
];

const CHATSTATES = 'http://jabber.org/protocol/chatstates';
const presenceOf = (frames: { type: string; data?: unknown }[], userId: string) =>
  frames.filter((f) => f.type === 'presence' && (f.data as Presence).userId === userId).map((f) => f.data as Presence);
const profilesOf = (frames: { type: string; data?: unknown }[], userId: string) =>
  frames
    .filter((f) => f.type === 'user.updated' && (f.data as { user: User }).user.id === userId)
    .map((f) => (f.data as { user: User }).user);
/** Stanzas from the user: the bare JID, or any of their resources (presence comes per resource). */
const stanzasFrom = (c: XmppTestClient, jid: string, name: string) =>
  c.stanzas.filter(
    (s: Element) => s.name === name && (s.attrs.from === jid || String(s.attrs.from).startsWith(`${jid}/`)),
  );

describe('presence audience: relations x ways in', () => {
  for (const c of cases) {
    it(`${c.relation}: V ${c.sees ? 'sees' : 'does not see'} P's presence, last seen and status text`, async () => {
      const [p, v, w] = await users(t, 'pp', 'pv', 'pw');
      if (!p || !v || !w) throw new Error('fixture');
      await call(p, 'PATCH', '/v1/me', { statusText: 'secret plans' });
      await c.setup(p, v);
      const contacts = (await call<{ users: User[] }>(v, 'GET', '/v1/contacts')).users;
      const vAddedP = contacts.some((u) => u.id === p.user.id);
      const pAddedV = (await call<{ users: User[] }>(p, 'GET', '/v1/contacts')).users.some((u) => u.id === v.user.id);
      // On V's XMPP roster: someone V added, or who added V.
      const onRoster = vAddedP || pAddedV;

      // P comes online and busy; then V connects natively and over XMPP.
      const pWs = await ws(p);
      await pWs.request('presence.set', { status: 'busy' });
      const vWs = await ws(v);
      const vx = await xmppOf(v);
      await vx.send(xml('presence'));
      await vx.ping();
      const barrierChat = await direct(w, v);
      let barriers = 0;
      /** Everything published before this reached V's socket and V's XMPP stream first. */
      const barrier = async () => {
        const text = `barrier ${++barriers}`;
        await post(w, barrierChat, text);
        await vWs.next((f) => f.type === 'message.new' && JSON.stringify((f as { data: unknown }).data).includes(text));
        await vx.message((s) => s.getChildText('body') === text);
      };
      await barrier();

      // XMPP: the roster probe at initial presence.
      const probed = stanzasFrom(vx, jidOf(p), 'presence').filter((s) => s.attrs.type === undefined);
      expect(probed.length > 0, 'roster probe').toBe(c.sees && onRoster);

      // Reads: presence over WebSocket and HTTP, the profile three ways.
      const stranger = { userId: p.user.id, status: 'offline', lastSeenAt: null };
      const wsAnswer = await vWs.request('presence.get', { userIds: [p.user.id] });
      const httpAnswer = await call<{ presences: Presence[] }>(v, 'GET', `/v1/presence?userIds=${p.user.id}`);
      for (const answer of [(wsAnswer as { data: { presences: Presence[] } }).data.presences, httpAnswer.presences]) {
        if (c.sees) expect(answer).toEqual([{ userId: p.user.id, status: 'busy', lastSeenAt: null }]);
        else expect(answer).toEqual([stranger]);
      }
      const statusText = c.sees ? 'secret plans' : null;
      expect((await call<{ user: User }>(v, 'GET', `/v1/users/${p.user.id}`)).user.statusText).toBe(statusText);
      const found = await call<{ users: User[] }>(v, 'GET', `/v1/users?username=${p.user.username}`);
      expect(found.users.map((u) => u.statusText)).toEqual([statusText]);
      if (vAddedP) expect(contacts.find((u) => u.id === p.user.id)?.statusText).toBe(statusText);

      // Live: P changes status and status text.
      await pWs.request('presence.set', { status: 'away' });
      await call(p, 'PATCH', '/v1/me', { statusText: 'new secret' });
      await barrier();
      const live = presenceOf(vWs.frames, p.user.id);
      if (c.sees) expect(live).toContainEqual({ userId: p.user.id, status: 'away', lastSeenAt: null });
      else expect(live.filter((x) => x.status !== 'offline' || x.lastSeenAt !== null)).toEqual([]);
      const profiles = profilesOf(vWs.frames, p.user.id);
      if (c.sees) expect(profiles.map((u) => u.statusText)).toContain('new secret');
      else expect(profiles.filter((u) => u.statusText !== null)).toEqual([]);
      const xmppLive = stanzasFrom(vx, jidOf(p), 'presence').filter((s) => s.attrs.type === undefined);
      if (c.sees) expect(xmppLive.some((s) => s.getChildText('status') === 'new secret')).toBe(true);
      else expect(xmppLive).toEqual([]);

      // Last seen: P goes offline.
      pWs.close();
      await pWs.closed;
      await expect
        .poll(async () => {
          const [now] = (await call<{ presences: Presence[] }>(v, 'GET', `/v1/presence?userIds=${p.user.id}`))
            .presences;
          return c.sees ? typeof now?.lastSeenAt : now;
        })
        .toEqual(c.sees ? 'number' : stranger);
      await barrier();
      const offline = presenceOf(vWs.frames, p.user.id).filter((x) => x.status === 'offline');
      if (c.sees) expect(offline.some((x) => typeof x.lastSeenAt === 'number')).toBe(true);
      else expect(offline.filter((x) => x.lastSeenAt !== null)).toEqual([]);
      const gone = stanzasFrom(vx, jidOf(p), 'presence').filter((s) => s.attrs.type === 'unavailable');
      expect(gone.length > 0, 'unavailable presence').toBe(c.sees);
      vWs.close();
      await vx.stop();
    });
  }
});

describe('profile changes', () => {
  it('reach people outside the audience without the status text, and only when the name or avatar changed', async () => {
    const [p, v, contact] = await users(t, 'pr', 'vr', 'cr');
    if (!p || !v || !contact) throw new Error('fixture');
    await group(v, [p]); // V added P to a group: V is not in P's audience
    await addContact(p, contact); // the contact is
    const [vWs, cWs] = [await ws(v), await ws(contact)];
    const profile = (c: RawClient) => async () =>
      ((await c.next((f) => f.type === 'user.updated')) as { data: { user: User } }).data.user;
    await call(p, 'PATCH', '/v1/me', { statusText: 'only for my audience' });
    expect(await profile(cWs)()).toMatchObject({ id: p.user.id, statusText: 'only for my audience' });
    await call(p, 'PATCH', '/v1/me', { displayName: 'Pat Renamed' });
    expect(await profile(cWs)()).toMatchObject({ displayName: 'Pat Renamed', statusText: 'only for my audience' });
    // V gets the new name (a change V sees), never the status text, and nothing for the status text alone.
    expect(await profile(vWs)()).toMatchObject({ id: p.user.id, displayName: 'Pat Renamed', statusText: null });
    expect(vWs.frames.filter((f) => f.type === 'user.updated')).toEqual([]);
  });
});

describe('the presence privacy setting', () => {
  it('is read and changed over HTTP, validated, and synced to the user’s other devices', async () => {
    const [p] = await users(t, 'ps');
    if (!p) throw new Error('fixture');
    expect(await call(p, 'GET', '/v1/me/privacy')).toEqual({ privacy: { presence: 'everyone' } });
    const other = await ws(p);
    expect(await call(p, 'PATCH', '/v1/me/privacy', { presence: 'contacts' })).toEqual({
      privacy: { presence: 'contacts' },
    });
    expect(((await other.event('privacy.updated')) as { data?: unknown }).data).toEqual({
      privacy: { presence: 'contacts' },
    });
    for (const body of [{ presence: 'friends' }, {}, { presence: 'nobody', extra: 1 }]) {
      const refused = await http<{ error: { code: string } }>(t.url, 'PATCH', '/v1/me/privacy', {
        token: p.token,
        body,
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('bad_request');
    }
    expect(await call(p, 'GET', '/v1/me/privacy')).toEqual({ privacy: { presence: 'contacts' } });
  });

  it('takes effect live both ways: hidden from the people who lost the sight, shown again after', async () => {
    const [p, v] = await users(t, 'pl', 'vl');
    if (!p || !v) throw new Error('fixture');
    await post(v, await direct(p, v), 'hi');
    const [pWs, vWs] = [await ws(p), await ws(v)];
    const about = (c: RawClient, id: string) => async () =>
      ((await c.next((f) => f.type === 'presence' && f.data.userId === id)) as { data: unknown }).data;
    for (const c of [pWs, vWs]) c.frames.length = 0;

    await setting(p, 'nobody');
    expect(await about(vWs, p.user.id)()).toEqual({ userId: p.user.id, status: 'offline', lastSeenAt: null });
    // Reciprocal: P, who shares with nobody, no longer sees V either.
    expect(await about(pWs, v.user.id)()).toEqual({ userId: v.user.id, status: 'offline', lastSeenAt: null });
    const [hidden] = (
      (await vWs.request('presence.get', { userIds: [p.user.id] })) as { data: { presences: Presence[] } }
    ).data.presences;
    expect(hidden).toEqual({ userId: p.user.id, status: 'offline', lastSeenAt: null });

    await setting(p, 'everyone');
    expect(await about(vWs, p.user.id)()).toMatchObject({ status: 'online' });
    expect(await about(pWs, v.user.id)()).toMatchObject({ status: 'online' });
  });
});
