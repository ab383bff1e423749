/**
 * Scrollback: a long history written over three days opens at the newest
 * message, loads older pages as you scroll up without moving what is on screen,
 * shows day separators, and ends with every message exactly once, in order.
 */
import { createNodeClient, type ParleyClient } from '@parley/sdk/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  e2eUnavailable,
  logIn,
  openConversation,
  openPerson,
  sdkUser,
  startApp,
  type App,
  type Person,
} from './harness';

const DAY = 86_400_000;
const PER_DAY = 70;
const skip = e2eUnavailable();

describe.skipIf(skip !== undefined)('history and scrollback', () => {
  let app: App;
  let writer: ParleyClient;
  let reader: Person;
  let readerName: string;

  beforeAll(async () => {
    app = await startApp();
    readerName = `reader${process.pid % 1000}`;
    // Each day is written by a fresh connection opened "on" that day: the server's per-connection
    // rate limiter must never see its clock go backwards.
    app.clock.offset = -2 * DAY;
    const first = await sdkUser(app, `writer${process.pid % 1000}`, 'Wanda Writer', false);
    const readerClient = await sdkUser(app, readerName, 'Rita Reader', false);
    const dm = await first.conversations.createDirect(readerClient.user?.id ?? '');
    for (let day = 2; day >= 0; day -= 1) {
      app.clock.offset = -day * DAY;
      writer = createNodeClient({ baseUrl: app.url, token: first.token ?? '' });
      await writer.connect();
      // The outbox sends in order; waiting for the whole day at once keeps the seeding fast.
      await Promise.all(
        Array.from({ length: PER_DAY }, (_, i) => writer.messages.send(dm.id, `day ${2 - day} message ${i + 1}`)),
      );
      if (day > 0) writer.close();
    }
    reader = await openPerson(app, 'Rita Reader', { height: 700 });
    await logIn(reader, readerName);
  });

  afterAll(async () => {
    writer?.close();
    await app?.stop();
  });

  it('opens at the newest message', async () => {
    await openConversation(reader, 'Wanda Writer');
    const last = reader.page.locator('[data-testid="message"]').last();
    await expect.poll(() => last.locator('.msg-text').textContent()).toBe(`day 2 message ${PER_DAY}`);
    await expect.poll(() => last.isVisible()).toBe(true);
    const scroller = reader.page.locator('.message-scroll');
    await expect
      .poll(() => scroller.evaluate((el) => Math.round(el.scrollHeight - el.scrollTop - el.clientHeight)))
      .toBeLessThan(4);
  });

  it('loads older pages while scrolling up without jumping', async () => {
    const scroller = reader.page.locator('.message-scroll');
    for (let step = 0; step < 40; step += 1) {
      const count = await reader.page.locator('[data-testid="message"]').count();
      if (
        count === 3 * PER_DAY &&
        (await reader.page.getByText('This is the beginning of the conversation.').isVisible())
      )
        break;
      // Remember the first message on screen and where it is, then scroll a little up.
      const anchor = await scroller.evaluate((el) => {
        const top = el.getBoundingClientRect().top;
        const rows = [...el.querySelectorAll<HTMLElement>('[data-testid="message"]')];
        const row = rows.find((r) => r.getBoundingClientRect().top >= top) ?? rows[0];
        return row === undefined ? null : { seq: row.dataset.seq ?? '', y: row.getBoundingClientRect().top };
      });
      await scroller.evaluate((el) => el.scrollBy(0, -300));
      if (anchor !== null) {
        // Once loading settles, the anchor moved by exactly the 300 px we scrolled: nothing jumped.
        await expect
          .poll(async () => {
            await reader.page.waitForFunction(() => !document.querySelector('.history-status')?.textContent);
            return scroller.evaluate((el, seq) => {
              const row = el.querySelector<HTMLElement>(`[data-seq="${seq}"]`);
              return row === null ? null : Math.round(row.getBoundingClientRect().top);
            }, anchor.seq);
          })
          .toBeGreaterThanOrEqual(Math.round(anchor.y) + 300 - 2);
        const y = await scroller.evaluate(
          (el, seq) => el.querySelector<HTMLElement>(`[data-seq="${seq}"]`)?.getBoundingClientRect().top ?? 0,
          anchor.seq,
        );
        expect(Math.abs(y - (anchor.y + 300))).toBeLessThanOrEqual(2);
      }
    }
    const texts = await reader.page.locator('[data-testid="message"] .msg-text').allTextContents();
    const expected = [0, 1, 2].flatMap((d) => Array.from({ length: PER_DAY }, (_, i) => `day ${d} message ${i + 1}`));
    expect(texts).toEqual(expected);
  });

  it('separates days', async () => {
    const labels = await reader.page.locator('.day-separator').allTextContents();
    expect(labels).toHaveLength(3);
    expect(labels.slice(1)).toEqual(['Yesterday', 'Today']);
    expect(reader.problems).toEqual([]);
  });
});
