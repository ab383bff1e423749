/**
 * A bot's interactive message over XMPP (docs/bots.md): an XMPP client cannot click, so
 * it gets the text with the buttons and the menu written under it, and the bot's update
 * after a click as a correction (XEP-0308) with the new buttons as text.
 */
import type { Element } from '@xmpp/client';
import { createNodeClient, type ParleyClient } from '@parley/sdk/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startXmppServer, users, XmppTestClient } from './xmpp-helpers';

type Server = Awaited<ReturnType<typeof startXmppServer>>;
let t: Server;
let xmpp: XmppTestClient | undefined;
const clients: ParleyClient[] = [];
const CORRECT = 'urn:xmpp:message-correct:0';

beforeAll(async () => {
  t = await startXmppServer();
});
afterAll(async () => {
  clients.forEach((c) => c.close());
  await xmpp?.stop();
  await t.stop();
});

it('shows the buttons and the menu as text, and the update after a click as a correction', async () => {
  const [bob] = await users(t, 'xcomp');
  xmpp = await XmppTestClient.connect(t.xmppPort, bob!);
  const native = createNodeClient({ baseUrl: t.url, token: bob!.token });
  clients.push(native);
  await native.connect();
  const created = await native.bots.create({ username: `xbot${Date.now().toString(36)}` });
  const { token } = await native.bots.createToken(created.user.id, 'x');
  const bot = createNodeClient({ baseUrl: t.url, token });
  clients.push(bot);
  bot.on('interaction', (i) => {
    void bot.interactions.respond(i.id, {
      type: 'update',
      text: 'Deploying',
      components: [{ type: 'button', id: 'stop', label: 'Stop', style: 'danger' }],
    });
  });
  await bot.connect();
  const direct = await native.conversations.createDirect(created.user.id);
  const isChat = (s: Element) => s.is('message') && s.attrs.type === 'chat';

  const sent = await bot.messages.send(direct.id, 'Deploy web?', {
    components: [
      { type: 'button', id: 'go', label: 'Deploy', style: 'primary' },
      { type: 'button', id: 'no', label: 'Cancel' },
      {
        type: 'select',
        id: 'env',
        placeholder: 'Where',
        options: [
          { value: 'p', label: 'Production' },
          { value: 's', label: 'Staging' },
        ],
      },
    ],
  });
  const first = await xmpp.next((s) => isChat(s) && (s.getChildText('body') ?? '').startsWith('Deploy web?'));
  expect(first.getChildText('body')).toBe('Deploy web?\n\n[Deploy] [Cancel]\nWhere: Production | Staging');

  await native.interactions.click(sent.id, 'go');
  const correction = await xmpp.next((s) => isChat(s) && s.getChild('replace', CORRECT) !== undefined);
  expect(correction.getChild('replace', CORRECT)?.attrs.id).toBe(first.attrs.id);
  expect(correction.getChildText('body')).toBe('Deploying\n\n[Stop]');
});
