/**
 * Pre-send hooks end to end (ADR 0030): a real server, a real HTTP hook receiver started
 * here on loopback (PARLEY_OUTBOUND_ALLOW=loopback for this test only) that verifies
 * every request's signature with the `standardwebhooks` library and answers by the text:
 * allow, redact (change), reject, answer too late, or fail with 500. Checked: what is
 * stored (and that nothing is for a rejected message), what the SDK sender and an XMPP
 * client see on a reject, both policies on a timeout, the circuit breaker opening (the
 * hook is then not called at all), half-opening and closing, idempotent retries of a
 * client id after a change and after a reject, the admin API's authorization and audit
 * entries, and the metrics.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  AuthResponse,
  Conversation,
  CreatedPresendHookResponse,
  Message,
  PresendHook,
  PresendHookRequest,
} from '@parley/protocol';
import { createNodeClient, ParleyError, type ParleyClient } from '@parley/sdk/node';
import { Webhook } from 'standardwebhooks';
import { xml } from '@xmpp/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startTestServer, type TestServer } from './harness';
import { jidOf, users, XmppTestClient } from './xmpp-helpers';

interface Seen {
  text: string;
  verified: boolean;
  webhookId: string;
}

let t: TestServer;
let receiver: Server;
let receiverUrl = '';
let secret = '';
const seen: Seen[] = [];
let admin: AuthResponse;
let alice: AuthResponse;
let bob: AuthResponse;
let direct: Conversation;
let hook: PresendHook;
const clients: ParleyClient[] = [];
let xmppClient: XmppTestClient | undefined;

/** The hook: its answer depends on the text it is asked about. */
function startReceiver(): Promise<string> {
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
      const { data } = JSON.parse(body) as PresendHookRequest;
      seen.push({ text: data.text, verified, webhookId: String(req.headers['webhook-id']) });
      const answer = (value: unknown) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (!verified) return void res.writeHead(401).end('bad signature');
      if (data.text.includes('slow')) return void setTimeout(() => answer({ action: 'allow' }), 1500).unref();
      if (data.text.includes('boom')) return void res.writeHead(500).end('boom');
      if (data.text.includes('forbidden')) return answer({ action: 'reject', reason: 'No forbidden words here.' });
      if (/\d{4} \d{4}/.test(data.text)) {
        return answer({ action: 'change', text: data.text.replace(/\d{4} \d{4}/g, '[redacted]') });
      }
      answer({ action: 'allow' });
    });
  });
  return new Promise((resolve) =>
    receiver.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`)),
  );
}

const api = <T>(method: string, route: string, token: string, body?: unknown) =>
  http<T>(t.url, method, route, { token, ...(body === undefined ? {} : { body }) });

const sendHttp = (text: string, clientId: string) =>
  api<{
    message: Message;
    duplicate: boolean;
    error?: { code: string; details?: { reason?: string; outcome?: string } };
  }>('POST', `/v1/conversations/${direct.id}/messages`, alice.token, { clientId, content: { type: 'text', text } });

async function storedTexts(): Promise<string[]> {
  const { body } = await api<{ messages: Message[] }>('GET', `/v1/conversations/${direct.id}/messages`, bob.token);
  return body.messages.flatMap((m) => (m.content.type === 'text' ? [m.content.text] : []));
}

async function patchHook(patch: Record<string, unknown>): Promise<void> {
  const { status } = await api('PATCH', `/v1/admin/hooks/${hook.id}`, admin.token, patch);
  expect(status).toBe(200);
}

beforeAll(async () => {
  receiverUrl = await startReceiver();
  t = await startTestServer({
    xmppPort: 0,
    outboundAllow: 'loopback',
    presendBreakerFailures: 3,
    presendBreakerOpenMs: 60_000,
    authAttemptsPerMinute: 1000,
  });
  [admin, alice, bob] = (await users(t, 'hookadmin', 'alice', 'bob')) as [AuthResponse, AuthResponse, AuthResponse];
  await t.server.services.admin.asCli().setAdmin(admin.user.id, true);
  direct = (
    await api<{ conversation: Conversation }>('POST', '/v1/conversations/direct', alice.token, {
      userId: bob.user.id,
    })
  ).body.conversation;
}, 30_000);

afterAll(async () => {
  clients.forEach((client) => client.close());
  await xmppClient?.stop();
  await t.stop();
  receiver.closeAllConnections();
  receiver.close();
});

describe('pre-send hooks', () => {
  it('is configured by admins only; the secret is shown once and every change is audited', async () => {
    const refused = await api<{ error: { code: string } }>('POST', '/v1/admin/hooks', alice.token, {
      url: receiverUrl,
    });
    expect(refused.body.error.code).toBe('admin_required');
    const internal = await api<{ error: { code: string } }>('POST', '/v1/admin/hooks', admin.token, {
      url: 'http://169.254.169.254/latest',
    });
    expect(internal.body.error.code).toBe('url_not_allowed');
    const created = await api<CreatedPresendHookResponse>('POST', '/v1/admin/hooks', admin.token, {
      url: receiverUrl,
      deadlineMs: 300,
    });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    expect(created.body.hook).toMatchObject({ policy: 'open', enabled: true, contentTypes: ['text', 'file'] });
    secret = created.body.secret;
    hook = created.body.hook;
    const listed = await api<{ hooks: PresendHook[] }>('GET', '/v1/admin/hooks', admin.token);
    expect(listed.body.hooks.map((h) => h.id)).toEqual([hook.id]);
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    const audit = await api<{ entries: { action: string; target: string; details: Record<string, unknown> }[] }>(
      'GET',
      '/v1/admin/audit?action=presend_hook.created',
      admin.token,
    );
    expect(audit.body.entries[0]).toMatchObject({ target: hook.id, details: { url: receiverUrl } });
    expect(JSON.stringify(audit.body)).not.toContain(secret);
  });

  it('allows, redacts and rejects what the SDK sends; the sender sees the reason; nothing is stored when rejected', async () => {
    const sender = createNodeClient({ baseUrl: t.url, token: alice.token });
    clients.push(sender);
    await sender.connect();
    await sender.messages.send(direct.id, 'hello there');
    const changed = await sender.messages.send(direct.id, 'my card is 4111 1111 ok');
    expect(changed.content).toMatchObject({ type: 'text', text: 'my card is [redacted] ok' });
    const rejection = await sender.messages.send(direct.id, 'a forbidden word').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(rejection).toBeInstanceOf(ParleyError);
    expect(rejection).toMatchObject({ code: 'message_rejected', details: { reason: 'No forbidden words here.' } });
    expect((rejection as Error).message).toContain('No forbidden words here.');
    const texts = await storedTexts();
    expect(texts).toEqual(['hello there', 'my card is [redacted] ok']);
    expect(seen.map((s) => s.verified)).toEqual([true, true, true]);
    expect(new Set(seen.map((s) => s.webhookId)).size).toBe(3);
  });

  it('answers a retried client id with the stored (changed) message, and asks again after a reject', async () => {
    const first = await sendHttp('retry 1234 5678', 'cid-change');
    expect(first.body.message.content).toMatchObject({ text: 'retry [redacted]' });
    const before = seen.length;
    const again = await sendHttp('retry 1234 5678', 'cid-change');
    expect(again.body).toMatchObject({ duplicate: true, message: { id: first.body.message.id } });
    expect(seen.length).toBe(before); // answered from the store, not by the hook
    expect((await sendHttp('something else', 'cid-change')).body.error?.code).toBe('client_id_conflict');

    const refused = await sendHttp('forbidden again', 'cid-reject');
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({
      code: 'message_rejected',
      details: { reason: 'No forbidden words here.' },
    });
    const fixed = await sendHttp('all fine now', 'cid-reject');
    expect(fixed.status).toBe(200);
    expect(fixed.body.duplicate).toBe(false);
    expect(await storedTexts()).not.toContain('forbidden again');
  });

  it('lets a late answer through under policy open and refuses it under policy closed', async () => {
    const open = await sendHttp('slow but fine', 'cid-slow-open');
    expect(open.status).toBe(200);
    expect(open.body.message.content).toMatchObject({ text: 'slow but fine' });
    await patchHook({ policy: 'closed' });
    const closed = await sendHttp('slow and refused', 'cid-slow-closed');
    expect(closed.status).toBe(503);
    expect(closed.body.error).toMatchObject({ code: 'presend_unavailable', details: { outcome: 'timeout' } });
    expect(await storedTexts()).not.toContain('slow and refused');
  });

  it('opens the breaker after repeated failures (the hook is not called), then half-opens and closes', async () => {
    // The two timeouts above count as failures (below the threshold of 3): an answer resets the count.
    expect((await sendHttp('reset the count', 'cid-reset')).status).toBe(200);
    expect(t.server.services.presendReview.breakerState(hook.id)).toBe('closed');
    for (const n of [1, 2, 3]) {
      const failed = await sendHttp(`boom ${n}`, `cid-boom-${n}`);
      expect(failed.body.error).toMatchObject({ code: 'presend_unavailable', details: { outcome: 'error' } });
    }
    expect(t.server.services.presendReview.breakerState(hook.id)).toBe('open');
    const calls = seen.length;
    const paused = await sendHttp('hello while open', 'cid-open');
    expect(paused.body.error).toMatchObject({ code: 'presend_unavailable', details: { outcome: 'breaker_open' } });
    expect(seen.length).toBe(calls); // refused at once, without a request
    await patchHook({ policy: 'open' });
    const through = await sendHttp('open policy while open', 'cid-open-2');
    expect(through.body.message.content).toMatchObject({ text: 'open policy while open' });
    expect(seen.length).toBe(calls);

    t.clock.advance(60_000);
    expect(t.server.services.presendReview.breakerState(hook.id)).toBe('half_open');
    const trial = await sendHttp('trial 9999 0000', 'cid-trial');
    expect(trial.body.message.content).toMatchObject({ text: 'trial [redacted]' });
    expect(seen.length).toBe(calls + 1);
    expect(t.server.services.presendReview.breakerState(hook.id)).toBe('closed');
  });

  it('answers an XMPP client with an error stanza carrying the reason, and stores nothing', async () => {
    xmppClient = await XmppTestClient.connect(t.server.xmppPort!, alice);
    await xmppClient.send(
      xml('message', { type: 'chat', to: jidOf(bob), id: 'xmpp-reject' }, xml('body', {}, 'forbidden over xmpp')),
    );
    const error = await xmppClient.next((s) => s.name === 'message' && s.attrs.id === 'xmpp-reject');
    expect(error.attrs.type).toBe('error');
    const condition = error.getChild('error');
    expect(condition?.getChild('policy-violation')).toBeDefined();
    expect(condition?.getChildText('text')).toContain('No forbidden words here.');
    expect(await storedTexts()).not.toContain('forbidden over xmpp');
  });

  it('counts outcomes and latencies in the metrics, and stops calling a disabled hook', async () => {
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toContain(`parley_presend_hook_outcomes_total{hook="${hook.id}",outcome="reject"}`);
    expect(metrics).toContain(`parley_presend_hook_outcomes_total{hook="${hook.id}",outcome="breaker_open"}`);
    expect(metrics).toMatch(new RegExp(`parley_presend_hook_seconds_count\\{hook="${hook.id}"\\} [1-9]`));
    await patchHook({ enabled: false });
    const calls = seen.length;
    expect((await sendHttp('forbidden but unchecked', 'cid-disabled')).status).toBe(200);
    expect(seen.length).toBe(calls);
    const removed = await api('DELETE', `/v1/admin/hooks/${hook.id}`, admin.token);
    expect(removed.status).toBe(204);
    const audit = await api<{ entries: { action: string }[] }>('GET', '/v1/admin/audit?limit=50', admin.token);
    const actions = audit.body.entries.map((e) => e.action);
    expect(actions).toContain('presend_hook.updated');
    expect(actions).toContain('presend_hook.removed');
  });
});
