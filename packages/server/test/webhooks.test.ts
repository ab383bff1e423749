/**
 * Outgoing webhooks end to end, against a real server process and a real receiver
 * started here on loopback (allowed by PARLEY_OUTBOUND_ALLOW for this test only). The
 * receiver verifies every signature with the `standardwebhooks` library and answers by
 * message: "first" 200; "second" 500, then no answer in time, then 429 with
 * Retry-After, then 200; "third" 410. The server is killed (SIGKILL) between two
 * attempts of "second" and restarted on the same database. Checked: every delivery
 * arrives, with one webhook-id across its retries; the waits grow (and honour
 * Retry-After); the recorded attempts are exactly what the receiver saw; 410 disables
 * the subscription; a redelivery sends the same message again. Short retry settings
 * come from configuration; the production schedule is the default (docs/operations.md).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AuthResponse, Bot, Conversation, Message, WebhookAttempt, WebhookDelivery } from '@parley/protocol';
import { Webhook } from 'standardwebhooks';
import { afterAll, expect, it } from 'vitest';
import { http } from './harness';
import { freePort, spawnServer, type ServerProcess } from './process';

interface Received {
  id: string;
  text: string;
  at: number;
  verified: boolean;
  attempt: number;
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-webhooks-'));
let server: ServerProcess | undefined;
let receiver: Server | undefined;
const received: Received[] = [];
let secret = '';

afterAll(async () => {
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  receiver?.closeAllConnections();
  receiver?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function startReceiver(): Promise<number> {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let verified: boolean;
      try {
        new Webhook(secret).verify(body, req.headers as Record<string, string>);
        verified = true;
      } catch {
        verified = false;
      }
      const payload = JSON.parse(body) as { data: { message: Message } };
      const content = payload.data.message.content;
      const text = content.type === 'text' ? content.text : '?';
      const id = String(req.headers['webhook-id']);
      const attempt = received.filter((r) => r.id === id).length + 1;
      received.push({ id, text, at: Date.now(), verified, attempt });
      if (text === 'second') {
        if (attempt === 1) return void res.writeHead(500).end('boom');
        // Too late: the server has given up on this attempt after PARLEY_WEBHOOK_TIMEOUT_MS.
        if (attempt === 2) return void setTimeout(() => res.writeHead(200).end(), 2500).unref();
        if (attempt === 3) return void res.writeHead(429, { 'retry-after': '1' }).end('slow down');
      }
      if (text === 'third') return void res.writeHead(410).end('gone');
      res.writeHead(200).end('ok');
    });
  });
  return new Promise((resolve) =>
    receiver!.listen(0, '127.0.0.1', () => resolve((receiver!.address() as AddressInfo).port)),
  );
}

it(
  'delivers signed webhooks with backoff, Retry-After and 410, and loses nothing across a crash',
  { timeout: 90_000 },
  async () => {
    const receiverPort = await startReceiver();
    const port = await freePort();
    const env = {
      PARLEY_PORT: String(port),
      PARLEY_DATA_DIR: dataDir,
      PARLEY_XMPP_PORT: '-1',
      PARLEY_OUTBOUND_ALLOW: 'loopback',
      PARLEY_WEBHOOK_TIMEOUT_MS: '700',
      PARLEY_WEBHOOK_RETRY_BASE_MS: '1500',
      PARLEY_WEBHOOK_RETRY_MAX_DELAY_MS: '3000',
      PARLEY_WEBHOOK_MAX_ATTEMPTS: '6',
      PARLEY_JOB_LEASE_MS: '2000',
      // A lease this short is shorter than a link preview may take (PARLEY_LINK_PREVIEW_TIMEOUT_MS):
      // this server fetches none, so that the configuration holds.
      PARLEY_LINK_PREVIEWS: 'off',
      PARLEY_JOB_POLL_MS: '100',
    };
    server = await spawnServer(env);
    const base = `http://127.0.0.1:${port}`;

    const owner = (
      await http<AuthResponse>(base, 'POST', '/v1/auth/register', {
        body: { username: 'hookowner', password: 'correct horse battery' },
      })
    ).body;
    const bot = (
      await http<{ bot: Bot }>(base, 'POST', '/v1/bots', { token: owner.token, body: { username: 'hookbot' } })
    ).body.bot;
    const group = (
      await http<{ conversation: Conversation }>(base, 'POST', '/v1/conversations', {
        token: owner.token,
        body: { title: 'hooks', memberIds: [bot.user.id] },
      })
    ).body.conversation;
    const created = await http<{ subscription: { id: string }; secret: string }>(base, 'POST', '/v1/webhooks', {
      token: owner.token,
      body: {
        botId: bot.user.id,
        url: `http://localhost:${receiverPort}/parley`,
        eventTypes: ['message.created'],
        conversationIds: [group.id],
      },
    });
    expect(created.status).toBe(201);
    secret = created.body.secret;
    expect(secret).toMatch(/^whsec_/);
    const hook = created.body.subscription.id;
    const listed = await http(base, 'GET', `/v1/webhooks?botId=${bot.user.id}`, { token: owner.token });
    expect(JSON.stringify(listed.body)).not.toContain(secret.slice(6));

    const say = async (text: string) => {
      const answer = await http<{ message: Message }>(base, 'POST', `/v1/conversations/${group.id}/messages`, {
        token: owner.token,
        body: { clientId: `c-${text}`, content: { type: 'text', text } },
      });
      expect(answer.status).toBe(200);
    };
    const attempts = async () =>
      (
        await http<{ attempts: WebhookAttempt[] }>(base, 'GET', `/v1/webhooks/${hook}/attempts?limit=500`, {
          token: owner.token,
        })
      ).body.attempts;
    const seen = (text: string) => received.filter((r) => r.text === text);

    await say('first');
    await until('first delivered', () => (seen('first').length === 1 ? true : undefined));

    await say('second');
    // The 500 is recorded; the next attempt is at least 1.2 s away: kill the server now.
    await until('the 500 recorded', async () =>
      (await attempts()).some((a) => a.statusCode === 500) ? true : undefined,
    );
    server.child.kill('SIGKILL');
    await server.exited;
    server = await spawnServer(env);

    await until('second delivered', () => (seen('second').at(-1)?.attempt === 4 ? true : undefined), 30_000);
    // The timed-out attempt's late 200 is not a delivery; wait for the 4th attempt to be recorded.
    await until('four attempts of second recorded', async () =>
      (await attempts()).filter((a) => a.statusCode === 200).length >= 2 ? true : undefined,
    );

    const deliveries = (
      await http<{ deliveries: WebhookDelivery[] }>(base, 'GET', `/v1/webhooks/${hook}/deliveries`, {
        token: owner.token,
      })
    ).body.deliveries;
    const firstDelivery = deliveries.find((d) => d.id === seen('first')[0]!.id)!;
    expect(firstDelivery).toMatchObject({ status: 'delivered', attempts: 1 });
    const redeliver = await http(base, 'POST', `/v1/webhooks/${hook}/deliveries/${firstDelivery.id}/redeliver`, {
      token: owner.token,
    });
    expect(redeliver.status).toBe(202);
    await until('first redelivered', () => (seen('first').length === 2 ? true : undefined));

    await say('third');
    await until('third refused with 410', () => (seen('third').length === 1 ? true : undefined));
    await until('the subscription disabled', async () => {
      const subs = (
        await http<{ subscriptions: { enabled: boolean; disabledReason: string | null }[] }>(
          base,
          'GET',
          `/v1/webhooks?botId=${bot.user.id}`,
          { token: owner.token },
        )
      ).body.subscriptions;
      return subs[0]?.enabled === false ? subs[0] : undefined;
    });
    await say('fourth');

    // Every request carried a valid signature, and each delivery kept its webhook-id across retries.
    expect(received.every((r) => r.verified)).toBe(true);
    const second = seen('second');
    expect(new Set(second.map((r) => r.id)).size).toBe(1);
    expect(second.map((r) => r.attempt)).toEqual([1, 2, 3, 4]);
    // Backoff: 1.5 s (±20%) after the 500, 3 s (±20%) after the timeout, Retry-After (1 s) after the 429.
    const gaps = second.slice(1).map((r, i) => r.at - second[i]!.at);
    expect(gaps[0]).toBeGreaterThanOrEqual(1200);
    expect(gaps[1]).toBeGreaterThanOrEqual(2400);
    expect(gaps[2]).toBeGreaterThanOrEqual(950);

    // The recorded attempts are exactly the requests the receiver saw, in order.
    const recorded = await attempts();
    const byDelivery = (id: string) => recorded.filter((a) => a.deliveryId === id);
    expect(byDelivery(second[0]!.id).map((a) => [a.attempt, a.statusCode, a.error])).toEqual([
      [1, 500, null],
      [2, null, 'timeout'],
      [3, 429, null],
      [4, 200, null],
    ]);
    expect(byDelivery(second[0]!.id)[0]!.response).toBe('boom');
    expect(byDelivery(seen('first')[0]!.id).map((a) => a.statusCode)).toEqual([200, 200]);
    expect(byDelivery(seen('third')[0]!.id).map((a) => a.statusCode)).toEqual([410]);
    expect(recorded).toHaveLength(received.length);

    // After the 410 nothing more is sent: "fourth" makes no delivery.
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(seen('fourth')).toEqual([]);
    const finalDeliveries = (
      await http<{ deliveries: WebhookDelivery[] }>(base, 'GET', `/v1/webhooks/${hook}/deliveries`, {
        token: owner.token,
      })
    ).body.deliveries;
    expect(finalDeliveries.map((d) => d.status).sort()).toEqual(['delivered', 'delivered', 'failed']);
  },
);
