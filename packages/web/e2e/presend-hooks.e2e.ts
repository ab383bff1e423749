/**
 * Pre-send hooks in the web app (ADR 0030): with a hook (a real HTTP receiver started
 * here, signatures verified with `standardwebhooks`) that redacts card numbers and
 * rejects one word, the sender's composer shows the redacted text as sent, and a
 * rejected message stays under the composer as "Not sent" with the hook's reason;
 * the other person never sees it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PresendHookRequest } from '@parley/protocol';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  e2eUnavailable,
  messageTexts,
  openConversation,
  openPerson,
  send,
  signUp,
  startApp,
  startChatWith,
  type App,
  type Person,
} from './harness';

const skip = e2eUnavailable();

describe.skipIf(skip !== undefined)('pre-send hooks in the composer', () => {
  let app: App;
  let alice: Person;
  let bob: Person;
  let receiver: Server;
  let secret = '';
  let verified = 0;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        try {
          new Webhook(secret).verify(body, req.headers as Record<string, string>);
        } catch {
          return void res.writeHead(401).end();
        }
        verified += 1;
        const { data } = JSON.parse(body) as PresendHookRequest;
        const answer = data.text.includes('forbidden')
          ? { action: 'reject', reason: 'No forbidden words here.' }
          : /\d{4} \d{4}/.test(data.text)
            ? { action: 'change', text: data.text.replace(/\d{4} \d{4}/g, '[redacted]') }
            : { action: 'allow' };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    app = await startApp({ config: { outboundAllow: 'loopback' } });
    const created = await app.server.services.admin.asCli().addPresendHook({
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
    });
    secret = created.secret;
    [alice, bob] = await Promise.all([openPerson(app, 'Alice'), openPerson(app, 'Bob')]);
    await Promise.all([signUp(alice), signUp(bob)]);
    await startChatWith(alice, bob);
  });

  afterAll(async () => {
    await app?.stop();
    receiver?.closeAllConnections();
    receiver?.close();
  });

  it('shows the redacted text as sent and the reason of a rejection under the message', async () => {
    await send(alice, 'hello Bob');
    await send(alice, 'my card is 4111 1111');
    await expect.poll(() => messageTexts(alice), { timeout: 15_000 }).toEqual(['hello Bob', 'my card is [redacted]']);
    await send(alice, 'a forbidden word');
    const failed = alice.page.getByRole('alert').filter({ hasText: 'Not sent' });
    await expect.poll(() => failed.textContent(), { timeout: 15_000 }).toContain('No forbidden words here.');
    expect(verified).toBe(3);

    await openConversation(bob, 'Alice');
    await expect.poll(() => messageTexts(bob), { timeout: 15_000 }).toEqual(['hello Bob', 'my card is [redacted]']);
    expect(alice.problems).toEqual([]);
  });
});
