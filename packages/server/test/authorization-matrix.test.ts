/**
 * The authorization matrix over real sockets: every operation x every role (owner,
 * admin, moderator, member, readonly, not a member, banned, and a member whom a
 * moderator muted), in a discussion channel, a broadcast channel and a group,
 * asserting "ok" or the exact error code. Each case runs in a conversation of its
 * own, so no case depends on another's leftovers: the owner creates it with the
 * actor (unless the actor is the owner or an outsider) and a victim (a plain member
 * whose message and membership the operations act on), lets both post a message
 * (so that a readonly, muted or banned actor still has one of their own to edit or
 * delete), gives the actor their role, then turns the channel into a broadcast one,
 * bans or mutes the actor as the case requires.
 *
 * The table is data: adding an operation is one line in OPERATIONS, with what it
 * does (and, if needed, what the owner prepares first) and what each role gets.
 * docs/protocol.md prints the same matrix (from domain/permissions.ts); where the
 * two differ on purpose the table says so: a member's `@channel` in a channel is
 * sent without its flag ("unflagged"), not refused.
 */
import type { AuthResponse, Conversation, Message } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, RawClient, registerUser, startTestServer, type TestServer } from './harness';

type Role = 'owner' | 'admin' | 'moderator' | 'member' | 'readonly' | 'outsider' | 'banned' | 'muted';
const ROLES: readonly Role[] = ['owner', 'admin', 'moderator', 'member', 'readonly', 'outsider', 'banned', 'muted'];
type Kind = 'discussion' | 'broadcast' | 'group';
const KINDS: readonly Kind[] = ['discussion', 'broadcast', 'group'];

interface Case {
  conversationId: string;
  /** A message of the victim's (a plain member). */
  victimMessage: Message;
  /** The actor's own message (absent for outsiders, who never were members). */
  ownMessage: Message | undefined;
  actor: User;
  victim: User;
  spare: User;
}

interface User {
  auth: AuthResponse;
  ws: RawClient;
}

/** "ok" or the error code. */
type Outcome = string;
type Run = (c: Case) => Promise<Outcome>;

let t: TestServer;
let owner: User;
let actor: User;
let victim: User;
let spare: User;

async function call(user: User, method: string, route: string, body?: unknown): Promise<Outcome> {
  const res = await http<{ error?: { code: string } }>(t.url, method, route, { token: user.auth.token, body });
  if (res.status < 300) return 'ok';
  return res.body?.error?.code ?? `http_${res.status}`;
}

async function frame(user: User, type: string, data: unknown): Promise<Outcome> {
  const reply = await user.ws.request(type, data);
  return reply.type === 'error' ? reply.error.code : 'ok';
}

let clientIds = 0;
const send = (c: Case, text: string, extra: Record<string, unknown> = {}) =>
  frame(c.actor, 'message.send', {
    conversationId: c.conversationId,
    clientId: `mx${Date.now().toString(36)}${(clientIds += 1)}`,
    content: { type: 'text', text },
    ...extra,
  });
/** `@channel`: "ok" when the message carries the flag, "unflagged" when it was sent without it (the role may post, not alert everyone). */
async function mentionAll(c: Case): Promise<Outcome> {
  const reply = await c.actor.ws.request('message.send', {
    conversationId: c.conversationId,
    clientId: `mx${Date.now().toString(36)}${(clientIds += 1)}`,
    content: { type: 'text', text: '@channel look' },
  });
  if (reply.type === 'error') return reply.error.code;
  const { message } = (reply as { data: { message: Message } }).data;
  return message.mentions?.channel === true ? 'ok' : 'unflagged';
}
const conv = (c: Case, rest = '') => `/v1/conversations/${c.conversationId}${rest}`;

/**
 * Each operation: what it does as the actor, then the outcome for each role in the
 * order of ROLES (owner admin moderator member readonly outsider banned muted), per kind;
 * `broadcast` and `group` default to `discussion`.
 */
// prettier-ignore: one line per operation, so the table reads as a table.
// prettier-ignore
const OPERATIONS: { name: string; prepare?: Run; run: Run; discussion: string; broadcast?: string; group?: string }[] = [
  { name: 'post', run: (c) => send(c, 'hello'), discussion: 'ok ok ok ok forbidden not_member banned muted', broadcast: 'ok ok forbidden forbidden forbidden not_member banned forbidden' },
  { name: 'typing', run: (c) => frame(c.actor, 'typing.set', { conversationId: c.conversationId, typing: true }), discussion: 'ok ok ok ok forbidden not_member banned muted', broadcast: 'ok ok forbidden forbidden forbidden not_member banned forbidden' },
  { name: 'thread reply', run: (c) => send(c, 'in thread', { threadId: c.victimMessage.id }), discussion: 'ok ok ok ok forbidden not_member banned muted', broadcast: 'ok ok forbidden forbidden forbidden not_member banned forbidden' },
  { name: 'edit own', run: (c) => frame(c.actor, 'message.edit', { messageId: (c.ownMessage ?? c.victimMessage).id, text: 'edited' }), discussion: 'ok ok ok ok forbidden not_member banned muted', broadcast: 'ok ok forbidden forbidden forbidden not_member banned forbidden' },
  { name: 'delete own', run: (c) => frame(c.actor, 'message.delete', { messageId: (c.ownMessage ?? c.victimMessage).id }), discussion: 'ok ok ok ok ok not_member banned ok' },
  { name: 'delete any', run: (c) => frame(c.actor, 'message.delete', { messageId: c.victimMessage.id }), discussion: 'ok ok ok forbidden forbidden not_member banned forbidden' },
  { name: 'react', run: (c) => frame(c.actor, 'reaction.set', { messageId: c.victimMessage.id, emoji: '👍', reacted: true }), discussion: 'ok ok ok ok ok not_member banned ok' },
  { name: 'pin', run: (c) => frame(c.actor, 'message.pin', { messageId: c.victimMessage.id, pinned: true }), discussion: 'ok ok ok forbidden forbidden not_member banned forbidden' },
  { name: 'mention all', run: mentionAll, discussion: 'ok ok ok unflagged forbidden not_member banned muted', broadcast: 'ok ok forbidden forbidden forbidden not_member banned forbidden', group: 'ok ok ok ok forbidden not_member banned muted' },
  { name: 'report', run: (c) => call(c.actor, 'POST', conv(c, '/reports'), { messageId: c.victimMessage.id, reason: 'spam' }), discussion: 'ok ok ok ok ok not_member banned ok' },
  { name: 'add members', run: (c) => call(c.actor, 'POST', conv(c, '/members'), { userIds: [c.spare.auth.user.id] }), discussion: 'ok ok forbidden forbidden forbidden not_member banned forbidden' },
  { name: 'update settings', run: (c) => call(c.actor, 'PATCH', conv(c), { topic: 'new topic' }), discussion: 'ok ok forbidden forbidden forbidden not_member banned forbidden' },
  { name: 'create invite', run: (c) => call(c.actor, 'POST', conv(c, '/invites'), {}), discussion: 'ok ok forbidden forbidden forbidden not_member banned forbidden' },
  { name: 'list invites', run: (c) => call(c.actor, 'GET', conv(c, '/invites')), discussion: 'ok ok forbidden forbidden forbidden not_member banned forbidden' },
  { name: 'view reports', run: (c) => call(c.actor, 'GET', conv(c, '/reports')), discussion: 'ok ok ok forbidden forbidden not_member banned forbidden' },
  { name: 'kick', run: (c) => call(c.actor, 'DELETE', conv(c, `/members/${c.victim.auth.user.id}`)), discussion: 'ok ok ok forbidden forbidden not_member banned forbidden' },
  { name: 'ban', run: (c) => call(c.actor, 'POST', conv(c, '/bans'), { userId: c.victim.auth.user.id }), discussion: 'ok ok ok forbidden forbidden not_member banned forbidden' },
  { name: 'list bans', run: (c) => call(c.actor, 'GET', conv(c, '/bans')), discussion: 'ok ok ok forbidden forbidden not_member banned forbidden' },
  { name: 'mute', run: (c) => call(c.actor, 'POST', conv(c, '/mutes'), { userId: c.victim.auth.user.id, durationSeconds: 600 }), discussion: 'ok ok ok forbidden forbidden not_member banned forbidden' },
  { name: 'set role', run: (c) => call(c.actor, 'PATCH', conv(c, `/members/${c.victim.auth.user.id}`), { role: 'moderator' }), discussion: 'ok forbidden forbidden forbidden forbidden not_member banned forbidden' },
  { name: 'leave', run: (c) => call(c.actor, 'POST', conv(c, '/leave')), discussion: 'ok ok ok ok ok not_member banned ok' },
  { name: 'search in it', run: (c) => call(c.actor, 'GET', `/v1/search?q=hello&conversationId=${c.conversationId}`), discussion: 'ok ok ok ok ok not_member banned ok' },
  { name: 'history', run: (c) => frame(c.actor, 'history', { conversationId: c.conversationId, limit: 10 }), discussion: 'ok ok ok ok ok not_member banned ok' },
  { name: 'pins', run: (c) => call(c.actor, 'GET', conv(c, '/pins')), discussion: 'ok ok ok ok ok not_member banned ok' },
  { name: 'media and files', run: (c) => call(c.actor, 'GET', conv(c, '/files?kind=media')), discussion: 'ok ok ok ok ok not_member banned ok' },
  { name: 'favourite', run: (c) => call(c.actor, 'PUT', conv(c, '/favourite'), {}), discussion: 'ok ok ok ok ok not_member banned ok' },
  { name: 'join', run: (c) => call(c.actor, 'POST', conv(c, '/join')), discussion: 'ok ok ok ok ok ok banned ok', group: 'ok ok ok ok ok invalid_operation invalid_operation ok' },
  { name: 'unban', prepare: (c) => call(owner, 'POST', conv(c, '/bans'), { userId: c.victim.auth.user.id }), run: (c) => call(c.actor, 'DELETE', conv(c, `/bans/${c.victim.auth.user.id}`)), discussion: 'ok ok ok forbidden forbidden not_member banned forbidden' },
  { name: 'read receipt', run: (c) => frame(c.actor, 'receipt.set', { conversationId: c.conversationId, kind: 'read', seq: c.victimMessage.seq }), discussion: 'ok ok ok ok ok not_member banned ok' },
  { name: 'reaction users', run: (c) => call(c.actor, 'GET', `/v1/messages/${c.victimMessage.id}/reactions?emoji=${encodeURIComponent('👍')}`), discussion: 'ok ok ok ok ok not_member banned ok' },
  { name: 'members', run: (c) => call(c.actor, 'GET', conv(c, '/members')), discussion: 'ok ok ok ok ok not_member banned ok' },
  { name: 'archive', run: (c) => call(c.actor, 'POST', conv(c, '/archive')), discussion: 'ok ok forbidden forbidden forbidden not_member banned forbidden' },
  { name: 'unarchive', prepare: (c) => call(owner, 'POST', conv(c, '/archive')), run: (c) => call(c.actor, 'POST', conv(c, '/unarchive')), discussion: 'ok forbidden forbidden forbidden forbidden not_member banned forbidden' },
  { name: 'post when archived', prepare: (c) => call(owner, 'POST', conv(c, '/archive')), run: (c) => send(c, 'hello'), discussion: 'conversation_archived conversation_archived conversation_archived conversation_archived forbidden not_member banned conversation_archived', broadcast: 'conversation_archived conversation_archived forbidden forbidden forbidden not_member banned forbidden' },
  { name: 'delete', run: (c) => call(c.actor, 'DELETE', conv(c)), discussion: 'ok forbidden forbidden forbidden forbidden not_member banned forbidden' },
];

function expected(operation: (typeof OPERATIONS)[number], kind: Kind): Record<Role, Outcome> {
  const row = (operation[kind] ?? operation.discussion).trim().split(/\s+/);
  if (row.length !== ROLES.length)
    throw new Error(`${operation.name}/${kind}: ${row.length} outcomes for ${ROLES.length} roles`);
  return Object.fromEntries(ROLES.map((role, i) => [role, row[i]!])) as Record<Role, Outcome>;
}

async function post(user: User, conversationId: string, text: string): Promise<Message> {
  const res = await http<{ message: Message }>(t.url, 'POST', `/v1/conversations/${conversationId}/messages`, {
    token: user.auth.token,
    body: { clientId: `setup${Date.now().toString(36)}${(clientIds += 1)}`, content: { type: 'text', text } },
  });
  if (res.status >= 300) throw new Error(`setup post failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.message;
}

async function expectOk(outcome: Promise<Outcome>, step: string): Promise<void> {
  const result = await outcome;
  if (result !== 'ok') throw new Error(`setup step "${step}" failed: ${result}`);
}

/** A fresh conversation where `actor` has `role`, with the victim and their message. */
async function arrange(kind: Kind, role: Role): Promise<Case> {
  const self = role === 'owner' ? owner : actor;
  const memberIds = [victim.auth.user.id, ...(role === 'owner' || role === 'outsider' ? [] : [actor.auth.user.id])];
  const title = `matrix ${kind} ${role}`;
  const created =
    kind === 'group'
      ? await http<{ conversation: Conversation }>(t.url, 'POST', '/v1/conversations', {
          token: owner.auth.token,
          body: { title, memberIds },
        })
      : await http<{ conversation: Conversation }>(t.url, 'POST', '/v1/channels', {
          token: owner.auth.token,
          body: { title, visibility: 'public', postPolicy: 'everyone', memberIds },
        });
  if (created.status >= 300) throw new Error(`create ${kind}: ${created.status} ${JSON.stringify(created.body)}`);
  const conversationId = created.body.conversation.id;
  const victimMessage = await post(victim, conversationId, 'hello from the victim');
  const ownMessage = role === 'outsider' ? undefined : await post(self, conversationId, 'hello, my own');
  if (role === 'admin' || role === 'moderator' || role === 'readonly') {
    await expectOk(
      call(owner, 'PATCH', `/v1/conversations/${conversationId}/members/${actor.auth.user.id}`, { role }),
      `set role ${role}`,
    );
  }
  if (kind === 'broadcast') {
    await expectOk(call(owner, 'PATCH', `/v1/conversations/${conversationId}`, { postPolicy: 'admins' }), 'broadcast');
  }
  if (role === 'banned') {
    await expectOk(
      call(owner, 'POST', `/v1/conversations/${conversationId}/bans`, { userId: actor.auth.user.id }),
      'ban the actor',
    );
  }
  if (role === 'muted') {
    await expectOk(
      call(owner, 'POST', `/v1/conversations/${conversationId}/mutes`, {
        userId: actor.auth.user.id,
        durationSeconds: 3600,
      }),
      'mute the actor',
    );
  }
  return { conversationId, victimMessage, ownMessage, actor: self, victim, spare };
}

beforeAll(async () => {
  t = await startTestServer({
    framesPerSecond: 100_000,
    authAttemptsPerMinute: 100_000,
    membershipChangesPerMinute: 100_000,
  });
  const user = async (name: string): Promise<User> => {
    const auth = await registerUser(t.url, name);
    return { auth, ws: await RawClient.authed(t.wsUrl, auth.token) };
  };
  [owner, actor, victim, spare] = [await user('owner'), await user('actor'), await user('victim'), await user('spare')];
});

afterAll(async () => {
  for (const u of [owner, actor, victim, spare]) u?.ws.close();
  await t?.stop();
});

describe('authorization matrix', () => {
  for (const kind of KINDS) {
    describe(kind, () => {
      for (const operation of OPERATIONS) {
        it(operation.name, async () => {
          const want = expected(operation, kind);
          const got: Partial<Record<Role, Outcome>> = {};
          for (const role of ROLES) {
            const c = await arrange(kind, role);
            if (operation.prepare) await expectOk(operation.prepare(c), `prepare ${operation.name}`);
            got[role] = await operation.run(c);
          }
          expect(got).toEqual(want);
        });
      }
    });
  }
});
