/**
 * Drives profanity (Debian's terminal XMPP client) as a person would: inside its own
 * tmux server, with a throwaway HOME, typing lines and reading the screen. Under
 * CI=true a missing profanity or tmux fails the run; elsewhere the tests that need
 * it are skipped with a warning.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ci = process.env.CI === 'true' || process.env.CI === '1';
export const profanityAvailable = ['profanity', 'tmux'].every(
  (bin) => spawnSync('which', [bin], { stdio: 'ignore' }).status === 0,
);
if (!profanityAvailable && ci)
  throw new Error('profanity or tmux is missing: .ci/run installs them (apt-get install profanity tmux)');
if (!profanityAvailable)
  process.stderr.write('WARNING: profanity or tmux not installed; skipping the profanity tests\n');

/** One profanity in its own tmux server (socket) and HOME; `start` again after a quit keeps the HOME. */
export class Profanity {
  private readonly socket = `parley-prof-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  readonly home = mkdtempSync(path.join(tmpdir(), 'parley-profanity-'));

  start(): void {
    const env = `HOME=${this.home} XDG_CONFIG_HOME=${this.home}/.config XDG_DATA_HOME=${this.home}/.local/share TERM=xterm-256color`;
    this.tmux('new-session', '-d', '-s', 'p', '-x', '220', '-y', '50', `env ${env} profanity`);
  }

  /** Types a line and presses Enter. */
  type(line: string): void {
    this.tmux('send-keys', '-t', 'p', '-l', line);
    this.tmux('send-keys', '-t', 'p', 'Enter');
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', 'p', '-S', '-200');
  }

  /** Whether profanity still runs (it ends its tmux session when it quits). */
  running(): boolean {
    return spawnSync('tmux', ['-L', this.socket, 'has-session', '-t', 'p'], { stdio: 'ignore' }).status === 0;
  }

  /** Waits until the screen shows the pattern (bounded: 300 looks, 100 ms apart). */
  async waitFor(pattern: RegExp): Promise<string> {
    return this.until(
      () => {
        const screen = this.screen();
        return Promise.resolve(pattern.test(screen) ? screen : undefined);
      },
      `profanity to show ${String(pattern)}`,
    );
  }

  /** Waits (bounded) until `check` gives a value; the error shows the screen. */
  async until<T>(check: () => Promise<T | undefined | false>, what: string): Promise<T> {
    for (let i = 0; i < 300; i++) {
      const value = await check();
      if (value !== undefined && value !== false) return value;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`never: ${what}; screen:\n${this.running() ? this.screen() : '(profanity is not running)'}`);
  }

  stop(): void {
    spawnSync('tmux', ['-L', this.socket, 'kill-server'], { stdio: 'ignore' });
    rmSync(this.home, { recursive: true, force: true });
  }

  private tmux(...args: string[]): string {
    const result = spawnSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`tmux ${args[0]} failed: ${result.stderr}`);
    return result.stdout;
  }
}
