/** `parley bot` and `parley webhook`: real child processes against a real server and a real receiver. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliTestEnv, type CliTestEnv } from './cli-harness';

/** A JSON request straight to the server (what the bot and a second person do, without spawning the CLI). */
async function api<T>(method: string, route: string, token: string, body?: unknown): Promise<T> {
  const response = await fetch(`${env.url}${route}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return (await response.json()) as T;
}

let env: CliTestEnv;
let receiver: Server;
let receiverPort = 0;
const hits: string[] = [];
const PW = 'correct horse battery';

beforeAll(async () => {
  env = await startCliTestEnv({ outboundAllow: '127.0.0.1/32' });
  receiver = createServer((req, res) => {
    hits.push(String(req.headers['webhook-id']));
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverPort = (receiver.address() as AddressInfo).port;
});
afterAll(async () => {
  receiver.closeAllConnections();
  receiver.close();
  await env.stop();
});

describe('parley bot and parley webhook', () => {
  it('creates a bot, mints, lists and revokes its token, and manages a webhook', { timeout: 120_000 }, async () => {
    expect((await env.run('dee', ['register', 'dee', '--password', PW])).code).toBe(0);
    const created = await env.run('dee', ['bot', 'create', 'builder', '--name', 'Builder']);
    expect(created.stdout).toMatch(/^created bot @builder \(u_\w+\)\n/);
    expect((await env.run('dee', ['bot', 'list'])).stdout).toMatch(/^u_\w+ {2}@builder {2}Builder\n$/);

    const token = await env.run('dee', ['bot', 'token', 'create', '@builder', '--name', 'ci']);
    expect(token.code).toBe(0);
    const secret = token.stdout.trim();
    expect(secret).toMatch(/^[\w-]{40,}$/);
    expect(token.stderr).toMatch(/not shown again/);
    const listed = await env.run('dee', ['bot', 'token', 'list', 'builder']);
    expect(listed.stdout).toMatch(/^s_\w+ {2}ci {2}created .*, never used\n$/);
    expect(listed.stdout).not.toContain(secret);

    // The bot uses its token on the same API as a person: it opens a group with someone who will talk.
    const eve = await fetch(`${env.url}/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'eve', password: PW }),
    }).then((r) => r.json() as Promise<{ token: string; user: { id: string } }>);
    const groupId = (
      await api<{ conversation: { id: string } }>('POST', '/v1/conversations', secret, {
        title: 'builds',
        memberIds: [eve.user.id],
      })
    ).conversation.id;

    const hook = await env.run('dee', [
      'webhook',
      'create',
      'builder',
      `http://127.0.0.1:${receiverPort}/hook`,
      '--events',
      'message.created,member.joined',
      '--conversation',
      groupId,
    ]);
    expect(hook.code).toBe(0);
    const hookId = /^created webhook (wh_\w+)/.exec(hook.stdout)?.[1];
    expect(hookId).toBeDefined();
    expect(hook.stdout).toMatch(/signing secret \(shown once\): whsec_/);

    await api('POST', `/v1/conversations/${groupId}/messages`, eve.token, {
      clientId: 'ship-1',
      content: { type: 'text', text: 'ship it' },
    });
    const deadline = Date.now() + 20_000;
    const recorded = () => api<{ attempts: unknown[] }>('GET', `/v1/webhooks/${hookId}/attempts`, secret);
    while ((await recorded()).attempts.length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(hits).toHaveLength(1);
    const attempts = (await env.run('dee', ['webhook', 'attempts', hookId!])).stdout;
    expect(attempts).toMatch(new RegExp(`^${hits[0]} #1 .* HTTP 204 {2}\\d+ ms\\n$`));
    expect((await env.run('dee', ['webhook', 'redeliver', hookId!, hits[0]!])).stdout).toBe(
      `redelivering ${hits[0]}\n`,
    );
    const again = Date.now() + 20_000;
    while (hits.length < 2 && Date.now() < again) await new Promise((r) => setTimeout(r, 50));
    expect(hits).toEqual([hits[0], hits[0]]);
    expect((await env.run('dee', ['webhook', 'delete', hookId!])).stdout).toBe(`deleted ${hookId}\n`);

    const tokenId = /^(s_\w+)/.exec(listed.stdout)?.[1];
    expect((await env.run('dee', ['bot', 'token', 'revoke', 'builder', tokenId!])).stdout).toBe(`revoked ${tokenId}\n`);
    const after = await fetch(`${env.url}/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
    expect(after.status).toBe(401);
  });
});
