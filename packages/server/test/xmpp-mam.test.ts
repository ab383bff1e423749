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
async function mam(
  c: XmppTestClient,
  options: { to?: string; with?: string; set?: Element[]; fields?: Record<string, string | string[]>; flip?: boolean },
) {
  const queryid = `q${++queries}`;
  const fields = [xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, MAM))];
  if (options.with) fields.push(xml('field', { var: 'with' }, xml('value', {}, options.with)));
  for (const [name, value] of Object.entries(options.fields ?? {})) {
    const values = Array.isArray(value) ? value : [value];
    fields.push(xml('field', { var: name }, ...values.map((v) => xml('value', {}, v))));
  }
  const form = xml('x', { xmlns: 'jabber:x:data', type: 'submit' }, ...fields);
  const set = options.set ? [xml('set', { xmlns: RSM }, ...options.set)] : [];
  const flip = options.flip ? [xml('flip-page')] : [];
  const attrs: Record<string, string> = { type: 'set' };
  if (options.to) attrs.to = options.to;
  const answer = await c.iq(xml('iq', attrs, xml('query', { xmlns: MAM, queryid }, form, ...set, ...flip)));
  // Results come before the answer, in order.
  const results = c.stanzas.filter((s) => s.getChild('result', MAM)?.attrs.queryid === queryid);
  const fin = answer.getChild('fin', MAM)!;
  const items = results.map((r) => {
    const result = r.getChild('result', MAM)!;
    const inner = result.getChild('forwarded', 'urn:xmpp:forward:0')!.getChild('message')!;
    const stamp = result.getChild('forwarded', 'urn:xmpp:forward:0')!.getChild('delay', 'urn:xmpp:delay')!.attrs.stamp;
    return { id: result.attrs.id!, body: inner.getChildText('body'), from: inner.attrs.from, inner, stamp: stamp! };
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

  it('pages the personal archive: every direct conversation by time, no rooms, no one else', async () => {
    const [me, bob, carol, other] = await users(t, 'mpa', 'mpb', 'mpc', 'mpd');
    const { body } = await http<{ conversation: Conversation }>(t.url, 'POST', '/v1/conversations', {
      token: me!.token,
      body: { title: 'not in the personal archive', memberIds: [bob!.user.id] },
    });
    const room = `${body.conversation.id}@conference.${DOMAIN}`;
    const xm = await login(me!);
    const xb = await login(bob!);
    const xc = await login(carol!);
    const xo = await login(other!);
    const chat = async (from: XmppTestClient, to: AuthResponse, text: string) => {
      await from.send(xml('message', { type: 'chat', to: jidOf(to), id: `p-${text}` }, xml('body', {}, text)));
      await from.ping();
    };
    await chat(xm, bob!, 'p1');
    await chat(xc, me!, 'p2');
    await xm.send(xml('presence', { to: `${room}/${me!.user.username}` }));
    await xm.message((s) => s.getChild('subject') !== undefined);
    await xm.send(xml('message', { type: 'groupchat', to: room }, xml('body', {}, 'in the room')));
    await xm.message((s) => s.getChildText('body') === 'in the room');
    await chat(xb, me!, 'p3');
    await chat(xo, bob!, 'not mine');
    await chat(xm, carol!, 'p4');
    await chat(xb, me!, 'p5');

    const all = await mam(xm, {});
    expect(all.items.map((i) => i.body)).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
    expect(all.fin.attrs.complete).toBe('true');
    expect(all.items[1]?.inner.attrs).toMatchObject({ from: jidOf(carol!), to: jidOf(me!), type: 'chat', id: 'p-p2' });
    expect(all.items[3]?.inner.attrs).toMatchObject({ from: jidOf(me!), to: jidOf(carol!) });
    const stamps = all.items.map((i) => Date.parse(i.stamp));
    expect([...stamps].sort((a, b) => a - b)).toEqual(stamps);

    // RSM pages forwards by id until complete; the newest page and backwards.
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const set = [xml('max', {}, '2'), ...(after ? [xml('after', {}, after)] : [])];
      const got = await mam(xm, { set });
      seen.push(...got.items.map((i) => i.body ?? ''));
      after = got.set.getChildText('last') ?? undefined;
      if (got.fin.attrs.complete === 'true') break;
    }
    expect(seen).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
    const newest = await mam(xm, { set: [xml('max', {}, '2'), xml('before')] });
    expect(newest.items.map((i) => i.body)).toEqual(['p4', 'p5']);
    expect(newest.fin.attrs.complete).toBeUndefined();
    const older = await mam(xm, { set: [xml('max', {}, '5'), xml('before', {}, newest.items[0]!.id)] });
    expect(older.items.map((i) => i.body)).toEqual(['p1', 'p2', 'p3']);
    expect(older.fin.attrs.complete).toBe('true');

    // start/end (inclusive, by the archive's own stamps), after-id/before-id, ids, flip-page.
    const start = all.items[1]!.stamp;
    const end = all.items[3]!.stamp;
    const expected = all.items.filter((i) => i.stamp >= start && i.stamp <= end).map((i) => i.body);
    expect((await mam(xm, { fields: { start, end } })).items.map((i) => i.body)).toEqual(expected);
    const between = await mam(xm, { fields: { 'after-id': all.items[0]!.id, 'before-id': all.items[4]!.id } });
    expect(between.items.map((i) => i.body)).toEqual(['p2', 'p3', 'p4']);
    const picked = await mam(xm, { fields: { ids: [all.items[4]!.id, all.items[0]!.id] } });
    expect(picked.items.map((i) => i.body)).toEqual(['p1', 'p5']);
    const flipped = await mam(xm, { set: [xml('max', {}, '2'), xml('before')], flip: true });
    expect(flipped.items.map((i) => i.body)).toEqual(['p5', 'p4']);
    // With `with`, time filters apply to one conversation; an id from elsewhere is refused.
    const withCarol = await mam(xm, { with: jidOf(carol!), fields: { start } });
    expect(withCarol.items.map((i) => i.body)).toEqual(['p2', 'p4']);
    const roomId = (await mam(xm, { to: room })).items[0]!.id;
    await expect(mam(xm, { set: [xml('after', {}, roomId)] })).rejects.toThrow(/item-not-found/);
    await expect(mam(xm, { fields: { start: 'yesterday' } })).rejects.toThrow(/bad-request/);
    // Someone else's personal archive holds none of this.
    expect((await mam(xo, {})).items.map((i) => i.body)).toEqual(['not mine']);
  });

  it('advertises the extended archive in disco and in the form', async () => {
    const [user] = await users(t, 'mpf');
    const c = await login(user!);
    const info = await c.iq(
      xml('iq', { type: 'get', to: jidOf(user!) }, xml('query', { xmlns: 'http://jabber.org/protocol/disco#info' })),
    );
    const features = info
      .getChild('query')!
      .getChildren('feature')
      .map((f) => f.attrs.var);
    expect(features).toEqual(expect.arrayContaining([MAM, `${MAM}#extended`]));
    const form = await c.iq(xml('iq', { type: 'get' }, xml('query', { xmlns: MAM })));
    const vars = form
      .getChild('query')!
      .getChild('x')!
      .getChildren('field')
      .map((f) => f.attrs.var);
    expect(vars).toEqual(['FORM_TYPE', 'with', 'start', 'end', 'after-id', 'before-id', 'ids']);
  });
});
