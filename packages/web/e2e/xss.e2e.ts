/**
 * Nothing a sender types can run script or change the page: a corpus of XSS and
 * HTML-injection payloads goes through the real app (as messages and as a
 * display name) and must come out as inert text, with links only for
 * http/https/mailto, no dialogs, no new elements, and no CSP violations.
 */
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

const PAYLOADS = [
  '<script>window.pwned=1</script>',
  '<img src=x onerror="window.pwned=1">',
  '<svg onload="window.pwned=1"></svg>',
  '"><img src=x onerror=window.pwned=1>',
  "'><script>window.pwned=1</script>",
  'javascript:window.pwned=1',
  'JaVaScRiPt:window.pwned=1//https://example.com',
  '[click me](javascript:window.pwned=1)',
  '<a href="javascript:window.pwned=1">click</a>',
  '<iframe src="javascript:window.pwned=1"></iframe>',
  '<body onload=window.pwned=1>',
  '<details open ontoggle=window.pwned=1>',
  '<style>body{display:none}</style>',
  '<div style="position:fixed;inset:0;background:red">overlay</div>',
  '<base href="https://evil.example/">',
  '<meta http-equiv="refresh" content="0;url=https://evil.example">',
  '<form action="https://evil.example"><button>Login</button></form>',
  '<math><mtext><table><mglyph><style><img src=x onerror=window.pwned=1>',
  '<noscript><p title="</noscript><img src=x onerror=window.pwned=1>">',
  '{{constructor.constructor("window.pwned=1")()}}',
  '${window.pwned=1}',
  'data:text/html,<script>window.pwned=1</script>',
  'https://example.com/"onmouseover="window.pwned=1',
  'https://example.com/<img src=x onerror=window.pwned=1>',
  'mailto:a@example.com?subject=<script>window.pwned=1</script>',
  // Bidi controls and invisible characters are free text (shown isolated); control characters are refused (below).
  '\u202Efdp.exe and \uFEFF bom and a stray \u2069\u202Epdi',
  '&lt;script&gt;window.pwned=1&lt;/script&gt;',
];

const skip = e2eUnavailable();

describe.skipIf(skip !== undefined)('XSS corpus', () => {
  let app: App;
  let alice: Person;
  let bob: Person;
  const dialogs: string[] = [];

  beforeAll(async () => {
    app = await startApp();
    [alice, bob] = await Promise.all([openPerson(app, '<img src=x onerror=window.pwned=1>'), openPerson(app, 'Bob')]);
    for (const p of [alice, bob]) p.page.on('dialog', (d) => void d.dismiss().then(() => dialogs.push(d.message())));
    alice.username = 'mallory';
    await Promise.all([signUp(alice), signUp(bob)]);
    await startChatWith(alice, bob);
  });

  afterAll(async () => {
    await app?.stop();
  });

  it('renders every payload as inert text', async () => {
    const urlBefore = bob.page.url();
    for (const payload of PAYLOADS) await send(alice, payload);
    await openConversation(bob, '<img src=x onerror=window.pwned=1>');
    const expected = PAYLOADS.map((p) => p.trim());
    await expect.poll(() => messageTexts(bob), { timeout: 15_000 }).toEqual(expected);
    await expect.poll(() => messageTexts(alice)).toEqual(expected);

    for (const person of [alice, bob]) {
      const page = person.page;
      expect(await page.evaluate(() => (window as unknown as { pwned?: unknown }).pwned)).toBeUndefined();
      // Message text holds only our spans and links: no element a sender could have injected.
      const tags = await page.locator('.msg-text *').evaluateAll((els) => [...new Set(els.map((e) => e.tagName))]);
      // Only the elements the Markdown subset builds (as React elements), and links.
      const allowed = new Set(['SPAN', 'A', 'P', 'STRONG', 'EM', 'S', 'CODE', 'PRE', 'BLOCKQUOTE']);
      expect(tags.filter((t) => !allowed.has(t))).toEqual([]);
      const links = await page.locator('.msg-text a').evaluateAll((els) =>
        els.map((a) => ({
          href: a.getAttribute('href') ?? '',
          rel: a.getAttribute('rel'),
          target: a.getAttribute('target'),
        })),
      );
      expect(links.length).toBeGreaterThan(0);
      for (const link of links) {
        expect(link.href).toMatch(/^(https?:|mailto:)/);
        expect(link.rel).toBe('noopener noreferrer');
        expect(link.target).toBe('_blank');
      }
      expect(await page.locator('base, meta[http-equiv], iframe, form[action*="evil"], body style').count()).toBe(0);
      expect(await page.locator('body').isVisible()).toBe(true);
    }
    // The only change of address is the app's own, for the open chat: no payload navigated the page.
    const escaped = urlBefore.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(bob.page.url()).toMatch(new RegExp(`^${escaped}#/c/c_[0-9a-z]+$`));
    expect(dialogs).toEqual([]);
  });

  it('refuses a control character: the sender is told which, nothing reaches the other side', async () => {
    const before = await messageTexts(bob);
    await send(alice, 'nul \u0000 inside');
    const failed = alice.page.locator('.msg-failed');
    await failed.waitFor();
    expect(await failed.textContent()).toContain('invisible control character (U+0000)');
    await send(alice, 'after the refusal');
    await expect.poll(() => messageTexts(bob)).toEqual([...before, 'after the refusal']);
  });

  it('shows a hostile display name as text', async () => {
    const title = bob.page.locator('.chat-title');
    await expect.poll(() => title.textContent()).toBe('<img src=x onerror=window.pwned=1>');
    expect(await bob.page.locator('.chat-header img, .sidebar img').count()).toBe(0);
  });

  it('serves the app with a strict Content-Security-Policy and reports no violations', async () => {
    const response = await bob.page.request.get(app.url, { headers: { accept: 'text/html' } });
    const csp = response.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect([...alice.problems, ...bob.problems].filter((p) => /Content Security Policy|Refused/.test(p))).toEqual([]);
    expect([...alice.problems, ...bob.problems]).toEqual([]);
  });
});
