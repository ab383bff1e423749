/**
 * Debian's Janus for tests, configured from scratch in a temporary folder (never
 * /etc/janus): janus.jcfg, janus.plugin.videoroom.jcfg and janus.transport.websockets.jcfg,
 * with folders of links that hold only the VideoRoom plugin and the WebSocket
 * transport (nothing else loads), the API on 127.0.0.1 at a free port, RTP on a
 * small port range, ICE gathering only on the interface the test names. Missing
 * Janus fails in CI (.ci/run installs it) and skips elsewhere. docs/operations.md
 * shows the same configuration for production.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './haproxy';

export const JANUS = '/usr/bin/janus';
const LIBDIR = '/usr/lib/x86_64-linux-gnu/janus';

/** True when Janus can run here; under CI=true a missing Janus throws instead of skipping. */
export function requireJanus(): boolean {
  if (existsSync(JANUS)) return true;
  const message = `${JANUS} is missing (apt-get install janus)`;
  if (process.env.CI === 'true' || process.env.CI === '1') {
    throw new Error(`${message}. CI is set, so the group call tests fail instead of skipping.`);
  }
  process.stderr.write(`WARNING: ${message}. Skipping group call tests.\n`);
  return false;
}

export interface JanusOptions {
  /** Interfaces or address prefixes ICE may use (Janus' `ice_enforce_list`); all but loopback when unset. */
  iceEnforce?: string;
}

export interface JanusProcess {
  /** The WebSocket API (PARLEY_JANUS_URL). */
  url: string;
  log(): string;
  stop(): Promise<void>;
}

/** The three files of a minimal Janus for Parley (the same shape docs/operations.md shows). */
export function janusConfig(
  dir: string,
  wsPort: number,
  rtpBase: number,
  options: JanusOptions,
): Record<string, string> {
  return {
    'janus.jcfg': [
      'general: {',
      `  configs_folder = "${dir}"`,
      `  plugins_folder = "${path.join(dir, 'plugins')}"`,
      `  transports_folder = "${path.join(dir, 'transports')}"`,
      `  events_folder = "${path.join(dir, 'none')}"`,
      `  loggers_folder = "${path.join(dir, 'none')}"`,
      '  debug_level = 4',
      '  server_name = "parley-test"',
      '  session_timeout = 60',
      '}',
      'media: {',
      `  rtp_port_range = "${rtpBase}-${rtpBase + 199}"`,
      '}',
      'nat: {',
      '  ignore_mdns = true',
      ...(options.iceEnforce ? [`  ice_enforce_list = "${options.iceEnforce}"`] : []),
      '}',
      'plugins: {',
      '}',
      'transports: {',
      '}',
      'events: {',
      '  broadcast = false',
      '}',
      '',
    ].join('\n'),
    // No admin_key: rooms are created by whoever reaches the API, and only Parley does.
    'janus.plugin.videoroom.jcfg': ['general: {', '}', ''].join('\n'),
    'janus.transport.websockets.jcfg': [
      'general: {',
      '  json = "plain"',
      '  ws = true',
      `  ws_port = ${wsPort}`,
      '  ws_ip = "127.0.0.1"',
      '  wss = false',
      '}',
      'admin: {',
      '  admin_ws = false',
      '  admin_wss = false',
      '}',
      '',
    ].join('\n'),
  };
}

/** Starts Janus on a free loopback port; resolves once its WebSocket transport listens. */
export async function startJanus(options: JanusOptions = {}): Promise<JanusProcess> {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-janus-'));
  for (const sub of ['plugins', 'transports', 'none']) mkdirSync(path.join(dir, sub));
  symlinkSync(
    path.join(LIBDIR, 'plugins', 'libjanus_videoroom.so'),
    path.join(dir, 'plugins', 'libjanus_videoroom.so'),
  );
  symlinkSync(
    path.join(LIBDIR, 'transports', 'libjanus_websockets.so'),
    path.join(dir, 'transports', 'libjanus_websockets.so'),
  );
  const port = await freePort();
  const rtpBase = 20_000 + Math.floor(Math.random() * 40) * 200;
  for (const [name, text] of Object.entries(janusConfig(dir, port, rtpBase, options))) {
    writeFileSync(path.join(dir, name), text);
  }
  const child: ChildProcess = spawn(JANUS, ['-C', path.join(dir, 'janus.jcfg'), '-F', dir, '-o'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  while (!output.includes('WebSockets thread started')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`janus did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { url: `ws://127.0.0.1:${port}`, log: () => output, stop };
}
