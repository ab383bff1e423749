/**
 * End-to-end harness: a real Parley server in this process (its own temp SQLite
 * file, loopback port, the built web app), Debian's Chromium driven by
 * playwright-core, and helpers that act like a person (sign up, open a chat,
 * type). Never downloads a browser. Under CI=true a missing /usr/bin/chromium or
 * a missing web build fails the run; elsewhere the suite is skipped with a note.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createNodeClient, type ParleyClient } from '@parley/sdk/node';
import {
  loadConfig,
  startServer,
  type Config,
  type RunningServer,
  type StartOptions,
  type Store,
} from '@parley/server';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const CI = process.env.CI === 'true' || process.env.CI === '1';
export const WEB_DIST = fileURLToPath(new URL('../dist', import.meta.url));
/**
 * Where the screenshots go: the committed docs/screenshots/ when PARLEY_UPDATE_SCREENSHOTS=1
 * (`npm run screenshots`), otherwise a temporary folder, so that a test run never leaves the
 * working tree changed (the clock in every picture differs from run to run).
 */
export const SCREENSHOTS =
  process.env.PARLEY_UPDATE_SCREENSHOTS === '1'
    ? fileURLToPath(new URL('../../../docs/screenshots', import.meta.url))
    : temporaryScreenshots();

function temporaryScreenshots(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-screenshots-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Why the browser suite cannot run here, or undefined when it can. Throws under CI instead of skipping. */
export function e2eUnavailable(): string | undefined {
  const problems: string[] = [];
  if (!existsSync(CHROMIUM)) problems.push(`${CHROMIUM} is missing (apt-get install chromium)`);
  if (!existsSync(path.join(WEB_DIST, 'index.html'))) problems.push('the web app is not built (npm run build:web)');
  if (problems.length === 0) return undefined;
  if (CI) throw new Error(`CI=true: browser tests cannot run: ${problems.join('; ')}`);
  process.stderr.write(`\nbrowser tests SKIPPED: ${problems.join('; ')}\n`);
  return problems.join('; ');
}

type Clock = NonNullable<StartOptions['clock']>;

/** A clock the test can move: lets a test write history "days ago" for day separators. */
export interface ShiftClock extends Clock {
  offset: number;
}

export function shiftClock(): ShiftClock {
  const clock: ShiftClock = {
    offset: 0,
    now: () => Date.now() + clock.offset,
    setTimeout(fn, ms) {
      const handle = setTimeout(fn, ms);
      handle.unref();
      return { cancel: () => clearTimeout(handle) };
    },
  };
  return clock;
}

export interface App {
  url: string;
  server: RunningServer;
  clock: ShiftClock;
  browser: Browser;
  /** The store the server runs on, when the test opened it itself (to write behind the services' back). */
  store?: Store;
  stop(): Promise<void>;
}

/** Browser flags a test needs beyond the defaults, e.g. Chromium's fake microphone. */
export const FAKE_MEDIA_FLAGS = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];

export async function startApp(
  options: { browserArgs?: string[]; store?: (config: Config) => Promise<Store>; config?: Partial<Config> } = {},
): Promise<App> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-e2e-'));
  const clock = shiftClock();
  const config = loadConfig(
    {},
    {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      sqlitePath: path.join(dataDir, 'parley.db'),
      logLevel: 'silent',
      sqliteSynchronous: 'normal',
      webDir: WEB_DIST,
      // Many sign-ups from one address in a few seconds is the test, not an attack.
      authAttemptsPerMinute: 10_000,
      framesPerSecond: 1_000,
      typingTtlMs: 3_000,
      ...options.config,
    },
  );
  const store = options.store ? await options.store(config) : undefined;
  const server = await startServer(config, { clock, ...(store ? { store } : {}) });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...(options.browserArgs ?? []),
    ],
  });
  return {
    url: server.url,
    server,
    clock,
    browser,
    ...(store ? { store } : {}),
    async stop() {
      await browser.close();
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Person {
  name: string;
  username: string;
  context: BrowserContext;
  page: Page;
  /** Browser errors and CSP violations seen on this page. */
  problems: string[];
}

let counter = 0;

/** A unique, valid username for this run. */
export function uniqueName(base: string): string {
  counter += 1;
  return `${base}${process.pid % 1000}${counter}`.toLowerCase();
}

export async function openPerson(
  app: App,
  name: string,
  options: { width?: number; height?: number; colorScheme?: 'light' | 'dark' } = {},
): Promise<Person> {
  const context = await app.browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    colorScheme: options.colorScheme ?? 'light',
    locale: 'en-GB',
    timezoneId: 'Europe/London',
  });
  // Keep a handle on the page's sockets, so a test can cut them like a dropped network would.
  await context.addInitScript(() => {
    const Native = window.WebSocket;
    const sockets: WebSocket[] = [];
    (window as unknown as { parleySockets: WebSocket[] }).parleySockets = sockets;
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        sockets.push(this);
      }
    };
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource|WebSocket connection/.test(message.text())) {
      problems.push(`console: ${message.text()}`);
    }
  });
  await page.goto(app.url);
  return { name, username: uniqueName(name), context, page, problems };
}

/**
 * Takes a person offline: the browser refuses new connections, and open sockets
 * drop (Chromium's offline emulation does not close an established WebSocket).
 */
export async function goOffline(person: Person): Promise<void> {
  await person.context.setOffline(true);
  await person.page.evaluate(() => {
    for (const socket of (window as unknown as { parleySockets: WebSocket[] }).parleySockets) socket.close();
  });
}

/** Signs up through the form, as a person would. */
export async function signUp(person: Person, password = 'correct horse battery'): Promise<void> {
  const { page } = person;
  // A fresh server opens on "Create the first account"; any other on "Welcome back".
  await page.getByRole('heading', { level: 1, name: /^(Welcome back|Create the first account)$/ }).waitFor();
  if (await page.getByRole('button', { name: 'Create an account' }).isVisible())
    await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Username').fill(person.username);
  await page.getByLabel('Display name').fill(person.name);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
}

/** Starts a direct chat with someone by username from the "New chat" dialog. */
export async function startChatWith(person: Person, other: Person): Promise<void> {
  const { page } = person;
  await page.getByRole('button', { name: 'New chat' }).click();
  const dialog = page.getByRole('dialog', { name: 'New chat' });
  await dialog.getByLabel('Username').fill(other.username);
  await dialog.getByRole('button', { name: 'Chat' }).click();
  await page.getByRole('heading', { level: 2, name: other.name, exact: true }).waitFor();
}

export async function openConversation(person: Person, title: string): Promise<void> {
  await person.page
    .getByRole('navigation', { name: 'Conversations' })
    .getByRole('button', { name: new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) })
    .click();
  await person.page.getByRole('heading', { level: 2, name: title, exact: true }).waitFor();
}

export function composer(person: Person) {
  return person.page.getByRole('textbox', { name: 'Message', exact: true });
}

export async function send(person: Person, text: string): Promise<void> {
  await composer(person).fill(text);
  await composer(person).press('Enter');
}

/** Texts of the message bubbles on screen, in order. */
export function messageTexts(person: Person): Promise<string[]> {
  return person.page.locator('[data-testid="message"] .msg-text').allTextContents();
}

/** Runs axe-core in the page (injected from node_modules; evaluate is not subject to the page's CSP). */
export async function axeScan(page: Page): Promise<string[]> {
  // A theme switch animates colours: scanned mid-transition, a button's contrast is neither
  // theme's. Reduced motion ends transitions, so the scan sees the colours the user settles on.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  const source = await import('node:fs').then((fs) =>
    fs.readFileSync(fileURLToPath(import.meta.resolve('axe-core/axe.min.js')), 'utf8'),
  );
  await page.evaluate(source);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            ctx: Document,
            opts: unknown,
          ): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map(
      (v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
  });
  return violations;
}

/** A user driven from Node through the SDK (to seed history or play the other side). */
export async function sdkUser(app: App, username: string, displayName: string, connect = true): Promise<ParleyClient> {
  const client = createNodeClient({ baseUrl: app.url });
  await client.register({ username, password: 'correct horse battery', displayName });
  if (connect) await client.connect();
  return client;
}

/** Logs in through the form as an existing user. */
export async function logIn(person: Person, username: string, password = 'correct horse battery'): Promise<void> {
  const { page } = person;
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
}
