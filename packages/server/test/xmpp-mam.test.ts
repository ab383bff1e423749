/**
 * XEP-0313 MAM with XEP-0059 RSM against a real server (@xmpp/client): the
 * archive of a direct conversation and of a room, paged forwards and backwards
 * by message id, with `fin` telling whether the archive is complete.
 */
import { xml, type Element } from '@xmpp/client';
import type { AuthResponse, Conversation } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http } from './harness';
import { DOMAIN, jidOf, startXmppServer, users, XmppTestClient } from './xmpp-helpers';

type Server = Awaited<ReturnType<typeof startXmppServer>>;
let t: Server;
const open: XmppTestClient[] = [];
const MAM = 'urn:xmpp:mam:2';
const RSM = 'http://jabber.org/protocol/rsm';

beforeAll(async () => {
  t = await startXmppServer();
});
afterAll(async () => {
  for (const c of open) await c.stop();
  await t.stop();
});

async function login(user: AuthResponse): Promise<XmppTestClient> {
  const c = await XmppTestClient.connect(t.xmppPort, user);
  open.push(c);
  return c;
}

let queries = 0;
/** Runs one MAM query; returns the result bodies, their ids and the fin element. */
async function mam(c: XmppTestClient, options: { to?: string; with?: string; set?: Element[] }) {
  const queryid = `q${++queries}`;
  const fields = [xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, MAM))];
  if (options.with) fields.push(xml('field', { var: 'with' }, xml('value', {}, options.with)));
  const form = xml('x', { xmlns: 'jabber:x:data', type: 'submit' }, ...fields);
  const set = options.set ? [xml('set', { xmlns: RSM }, ...options.set)] : [];
  const attrs: Record<string, string> = { type: 'set' };
  if (options.to) attrs.to = options.to;
  const answer = await c.iq(xml('iq', attrs, xml('query', { xmlns: MAM, queryid }, form, ...set)));
  // Results come before the answer, in order.
  const results = c.stanzas.filter((s) => s.getChild('result', MAM)?.attrs.queryid === queryid);
  const fin = answer.getChild('fin', MAM)!;
  const items = results.map((r) => {
    const result = r.getChild('result', MAM)!;
    const inner = result.getChild('forwarded', 'urn:xmpp:forward:0')!.getChild('message')!;
    return { id: result.attrs.id!, body: inner.getChildText('body'), from: inner.attrs.from, inner };
  });
  return { items, fin, set: fin.getChild('set', RSM)! };
}

describe('XEP-0313 MAM', () => {
  it('pages a direct conversation forwards and backwards by message id', async () => {
    const [alice, bob] = await users(t, 'mama', 'mamb');
    const xa = await login(alice!);
    for (let i = 1; i <= 5; i++) {
      await xa.send(xml('message', { type: 'chat', to: jidOf(bob!), id: `mam-${i}` }, xml('body', {}, `m${i}`)));
    }
    await xa.ping();
    const xb = await login(bob!);
    const first = await mam(xb, { with: jidOf(alice!), set: [xml('max', {}, '2')] });
    expect(first.items.map((i) => i.body)).toEqual(['m1', 'm2']);
    expect(first.fin.attrs.complete).toBeUndefined();
    expect(first.items[0]?.inner.attrs).toMatchObject({ from: jidOf(alice!), to: jidOf(bob!), id: 'mam-1' });
    expect(first.set.getChildText('last')).toBe(first.items[1]?.id);

    const next = await mam(xb, {
      with: jidOf(alice!),
      set: [xml('max', {}, '10'), xml('after', {}, first.items[1]!.id)],
    });
    expect(next.items.map((i) => i.body)).toEqual(['m3', 'm4', 'm5']);
    expect(next.fin.attrs.complete).toBe('true');

    // The newest page, then backwards from its first item.
    const last = await mam(xb, { with: jidOf(alice!), set: [xml('max', {}, '2'), xml('before')] });
    expect(last.items.map((i) => i.body)).toEqual(['m4', 'm5']);
    const back = await mam(xb, {
      with: jidOf(alice!),
      set: [xml('max', {}, '10'), xml('before', {}, last.set.getChildText('first') ?? '')],
    });
    expect(back.items.map((i) => i.body)).toEqual(['m1', 'm2', 'm3']);
    expect(back.fin.attrs.complete).toBe('true');

    // The result id is the stanza-id the live message carried.
    const live = await xb.message((s) => s.getChildText('body') === 'm1');
    expect(live.getChild('stanza-id', 'urn:xmpp:sid:0')?.attrs.id).toBe(first.items[0]?.id);
  });

  it('refuses an id from another conversation and an archive of a room you are not in', async () => {
    const [alice, bob, carol] = await users(t, 'mamc', 'mamd', 'mame');
    const xa = await login(alice!);
    await xa.send(xml('message', { type: 'chat', to: jidOf(bob!), id: 'x1' }, xml('body', {}, 'to bob')));
    await xa.ping();
    const toBob = await mam(xa, { with: jidOf(bob!) });
    const foreign = toBob.items[0]!.id;
    await expect(mam(xa, { with: jidOf(carol!), set: [xml('after', {}, foreign)] })).rejects.toThrow(/item-not-found/);
    const { body } = await http<{ conversation: Conversation }>(t.url, 'POST', '/v1/conversations', {
      token: carol!.token,
      body: { title: 'private', memberIds: [] },
    });
    await expect(mam(xa, { to: `${body.conversation.id}@conference.${DOMAIN}` })).rejects.toThrow(
      /registration-required/,
    );
  });

  it('pages a room archive with groupchat results', async () => {
    const [owner, member] = await users(t, 'mamo', 'mamm');
    const { body } = await http<{ conversation: Conversation }>(t.url, 'POST', '/v1/conversations', {
      token: owner!.token,
      body: { title: 'archive', memberIds: [member!.user.id] },
    });
    const room = `${body.conversation.id}@conference.${DOMAIN}`;
    const xo = await login(owner!);
    await xo.send(xml('presence', { to: `${room}/${owner!.user.username}` }));
    await xo.message((s) => s.getChild('subject') !== undefined);
    for (const text of ['r1', 'r2', 'r3']) {
      await xo.send(xml('message', { type: 'groupchat', to: room }, xml('body', {}, text)));
      await xo.message((s) => s.getChildText('body') === text);
    }
    const xm = await login(member!);
    const all = await mam(xm, { to: room, set: [xml('max', {}, '2')] });
    expect(all.items.map((i) => i.body)).toEqual(['r1', 'r2'].slice(0, all.items.length));
    const rest = await mam(xm, { to: room, set: [xml('after', {}, all.set.getChildText('last') ?? '')] });
    expect([...all.items, ...rest.items].map((i) => i.body)).toEqual(['r1', 'r2', 'r3']);
    expect(rest.items[0]?.from).toBe(`${room}/${owner!.user.username}`);
    expect(rest.fin.attrs.complete).toBe('true');
  });
});
