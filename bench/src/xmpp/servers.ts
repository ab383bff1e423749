/**
 * The servers under test, each started by the bench in a temp directory with its
 * own configuration on loopback ports, with the same accounts, the same
 * certificate and STARTTLS required, and stopped by the bench (never a system
 * service: no systemctl, no /etc, no /var/lib). Every child runs in its own
 * process group, which `stop()` ends for sure.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { mapLimit } from '../fleet';

export const EJABBERDCTL = '/usr/sbin/ejabberdctl';
export const PROSODY = '/usr/bin/prosody';
export const PROSODYCTL = '/usr/bin/prosodyctl';

export interface Account {
  username: string;
  password: string;
}

export interface ServerUnderTest {
  /** Short name used in the table, e.g. `parley (full)`. */
  name: string;
  port: number;
  domain: string;
  /** Parley's HTTP port (native API), when the server is Parley. */
  httpPort?: number;
  /** What this server stores per message and how (for the report). */
  storage: string;
  /** The pid whose VmRSS and CPU time are the server's. */
  pid(): number | undefined;
  stop(): Promise<void>;
}

export interface StartContext {
  /** Parent temp directory of this bench run. */
  dir: string;
  domain: string;
  accounts: readonly Account[];
  certFile: string;
  keyFile: string;
  log: (line: string) => void;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Makes the throwaway RSA-2048 certificate that all three servers present. */
export function makeCertificate(dir: string, domain: string): { certFile: string; keyFile: string } {
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  const result = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${domain}`].concat([
      '-addext',
      `subjectAltName=DNS:${domain}`,
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ]),
    { stdio: 'pipe', timeout: 30_000 },
  );
  if (result.status !== 0) throw new Error(`openssl failed: ${result.stderr?.toString() ?? result.error?.message}`);
  return { certFile, keyFile };
}

/** Resolves once something accepts TCP connections on the port, or rejects at the deadline. */
async function waitForPort(port: number, timeoutMs: number, alive: () => boolean, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive()) {
      await sleep(300); // let its last output arrive
      throw new Error(`exited during start-up: ${what()}`);
    }
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await sleep(250);
  }
  throw new Error(`did not listen on 127.0.0.1:${port} within ${timeoutMs / 1000} s: ${what()}`);
}

/** Ends a process group we started: SIGTERM, then SIGKILL after the grace period. */
async function endGroup(child: ChildProcess, graceMs: number, extraPids: () => (number | undefined)[] = () => []) {
  const pgid = child.pid;
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const targets = () => [pgid, ...extraPids()].filter((p): p is number => p !== undefined && alive(p));
  const signal = (sig: NodeJS.Signals) => {
    if (pgid !== undefined) {
      try {
        process.kill(-pgid, sig);
      } catch {
        // the group is gone
      }
    }
    for (const pid of extraPids()) {
      if (pid === undefined) continue;
      try {
        process.kill(pid, sig);
      } catch {
        // gone
      }
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (targets().length > 0 && Date.now() < deadline) await sleep(100);
  if (targets().length > 0) signal('SIGKILL');
  for (let i = 0; i < 50 && targets().length > 0; i++) await sleep(100);
}

function spawnLogged(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; uid?: number; gid?: number },
  logFile: string,
) {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: string[] = [];
  const keep = (chunk: Buffer) => {
    chunks.push(chunk.toString('utf8'));
    if (chunks.length > 200) chunks.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('exit', () => writeFileSync(logFile, chunks.join('')));
  return { child, output: () => chunks.join('') };
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

// ---------------------------------------------------------------- Parley

export interface ParleyOptions {
  /** Repository root whose `packages/cli/bin/parley.js` runs (a clean worktree may be given). */
  root: string;
  synchronous: 'full' | 'normal';
  /**
   * `sources` (default): packages/cli/bin/parley.js, the TypeScript sources through tsx;
   * `bundle`: what `npm start` runs (packages/cli/dist/parley.mjs built by scripts/build-server.mjs,
   * with --expose-gc), which bench:memory measures.
   */
  entry?: 'sources' | 'bundle';
}

export async function startParley(ctx: StartContext, options: ParleyOptions): Promise<ServerUnderTest> {
  const dir = path.join(ctx.dir, `parley-${options.synchronous}`);
  mkdirSync(dir, { recursive: true });
  const [httpPort, xmppPort] = [await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PARLEY_DATA_DIR: dir,
    PARLEY_HOST: '127.0.0.1',
    PARLEY_PORT: String(httpPort),
    PARLEY_XMPP_PORT: String(xmppPort),
    PARLEY_XMPP_DOMAIN: ctx.domain,
    PARLEY_XMPP_TLS_CERT: ctx.certFile,
    PARLEY_XMPP_TLS_KEY: ctx.keyFile,
    PARLEY_SQLITE_SYNCHRONOUS: options.synchronous,
    // Raised for the bench (defaults: 30 logins/min per address, 50 stanzas/s per stream).
    PARLEY_RATE_AUTH_PER_MIN: '100000',
    PARLEY_RATE_FRAMES_PER_SEC: '100000',
    PARLEY_XMPP_RATE_STANZAS_PER_SEC: '100000',
    PARLEY_LOG_LEVEL: 'warn',
  };
  delete env.PARLEY_DATABASE_URL;
  delete env.PARLEY_DB;
  const { child, output } = spawnLogged(
    process.execPath,
    // BENCH_PARLEY_NODE_ARGS: extra node flags for the server only, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
    [
      ...(process.env.BENCH_PARLEY_NODE_ARGS ?? '').split(' ').filter(Boolean),
      ...(options.entry === 'bundle'
        ? ['--expose-gc', path.join(options.root, 'packages/cli/dist/parley.mjs')]
        : [path.join(options.root, 'packages/cli/bin/parley.js')]),
      'start',
    ],
    { env, cwd: options.root },
    path.join(dir, 'server.log'),
  );
  const server: ServerUnderTest = {
    name: `parley (${options.synchronous})`,
    port: xmppPort,
    httpPort,
    domain: ctx.domain,
    storage: `SQLite WAL, synchronous=${options.synchronous}: every message committed before it is routed${options.synchronous === 'full' ? ' (fsync per commit, group commit)' : ' (no fsync per commit)'}; archive = history`,
    pid: () => (exited(child) ? undefined : child.pid),
    stop: () => endGroup(child, 15_000),
  };
  try {
    await waitForPort(
      xmppPort,
      90_000,
      () => !exited(child),
      () => `parley: ${output().slice(-2000)}`,
    );
    const base = `http://127.0.0.1:${httpPort}`;
    await mapLimit(ctx.accounts, 8, async (account) => {
      const response = await fetch(`${base}/v1/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: account.username, password: account.password }),
        signal: AbortSignal.timeout(60_000),
      });
      if (response.status !== 201)
        throw new Error(`parley register ${account.username}: HTTP ${response.status} ${await response.text()}`);
    });
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

// ---------------------------------------------------------------- ejabberd

/** Pids whose command line contains `needle` (ours: the needle is unique to this run). */
function pidsWithCmdline(needle: string, comm?: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!cmdline.includes(needle)) continue;
      if (comm && readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== comm) continue;
      out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function ejabberdYml(o: {
  domain: string;
  port: number;
  httpPort: number;
  certFile: string;
  archive: boolean;
  muc: boolean;
}) {
  return `# Generated by bench/src/xmpp/servers.ts for one bench run; loopback only.
hosts:
  - "${o.domain}"
loglevel: warning
certfiles:
  - "${o.certFile}"
define_macro:
  UNUSED: 0
listen:
  - port: ${o.port}
    ip: "127.0.0.1"
    module: ejabberd_c2s
    max_stanza_size: 262144
    shaper: c2s_shaper
    access: c2s
    starttls_required: true
  - port: ${o.httpPort}
    ip: "127.0.0.1"
    module: ejabberd_http
    request_handlers:
      /api: mod_http_api
auth_method: internal
auth_password_format: scram
default_db: mnesia
acl:
  loopback:
    ip:
      - 127.0.0.0/8
access_rules:
  c2s:
    allow: all
api_permissions:
  "bench on loopback":
    from:
      - ejabberd_ctl
      - mod_http_api
    who:
      acl: loopback
    what: "*"
# Raised for the bench: the packaged default shapes each client to 3000 B/s.
shaper_rules:
  c2s_shaper: none
  max_user_sessions: 10
  max_user_offline_messages: 5000
modules:
  mod_blocking: {}
  mod_caps: {}
  mod_carboncopy: {}
  mod_disco: {}
  mod_offline:
    access_max_user_messages: max_user_offline_messages
  mod_ping: {}
  mod_privacy: {}
  mod_roster: {}
  mod_stream_mgmt: {}
${o.archive ? '  mod_mam:\n    db_type: mnesia\n    default: always\n' : ''}${o.muc ? EJABBERD_MUC : ''}${o.muc && o.archive ? EJABBERD_MUC_ARCHIVE : ''}`;
}

/** XEP-0045 at conference.<domain> (bench:xmpp-muc): rooms of up to 2000 occupants (a room's default is 200: past it a join gets resource-constraint). */
const EJABBERD_MUC = `  mod_muc:
    host: "conference.@HOST@"
    access_create: all
    max_users: 2000
    max_users_presence: 2000
    max_user_conferences: 10
    history_size: 20
    default_room_options:
      max_users: 2000
`;
/** Rooms archive every message (mod_mam serves rooms whose `mam` option is on), as Parley keeps every post. */
const EJABBERD_MUC_ARCHIVE = `      mam: true
`;

export async function startEjabberd(
  ctx: StartContext,
  options: { archive: boolean; muc?: boolean },
): Promise<ServerUnderTest> {
  const dir = path.join(ctx.dir, 'ejabberd');
  const spool = path.join(dir, 'spool');
  const logs = path.join(dir, 'logs');
  mkdirSync(spool, { recursive: true });
  mkdirSync(logs, { recursive: true });
  const [port, httpPort] = [await freePort(), await freePort()];
  const tag = path.basename(ctx.dir).replace(/[^a-zA-Z0-9]/g, '');
  const node = `bench${tag}@localhost`;
  const cookie = `c${tag}${Date.now()}`;
  const yml = path.join(dir, 'ejabberd.yml');
  const cfg = path.join(dir, 'ejabberdctl.cfg');
  // ejabberd's certfiles must be readable by the ejabberd user.
  const pem = path.join(dir, 'server.pem');
  writeFileSync(pem, readFileSync(ctx.certFile, 'utf8') + readFileSync(ctx.keyFile, 'utf8'), { mode: 0o600 });
  writeFileSync(
    yml,
    ejabberdYml({
      domain: ctx.domain,
      port,
      httpPort,
      certFile: pem,
      archive: options.archive,
      muc: options.muc ?? false,
    }),
  );
  // Our own ejabberdctl.cfg: the packaged one points EJABBERD_CONFIG_PATH at /etc.
  writeFileSync(
    cfg,
    [
      `ERL_OPTIONS="-env ERL_CRASH_DUMP_BYTES 0 -setcookie ${cookie}"`,
      `EJABBERD_CONFIG_PATH=${yml}`,
      `EJABBERD_PID_PATH=${path.join(dir, 'ejabberd.pid')}`,
      'INET_DIST_INTERFACE=127.0.0.1',
      'ERL_EPMD_ADDRESS=127.0.0.1',
      '',
    ].join('\n'),
  );
  let asUser: { uid?: number; gid?: number; env?: NodeJS.ProcessEnv } = {};
  if (process.getuid?.() === 0) {
    // ejabberdctl run by root switches to the ejabberd user with su, which also drops the
    // open-files limit to 1024 (too few past ~1000 clients): start it as that user ourselves,
    // so that it keeps our limit, and give it the directory.
    const uid = Number(spawnSync('id', ['-u', 'ejabberd']).stdout.toString().trim());
    const gid = Number(spawnSync('id', ['-g', 'ejabberd']).stdout.toString().trim());
    chownSync(ctx.dir, 0, gid);
    spawnSync('chmod', ['0750', ctx.dir]);
    spawnSync('chown', ['-R', `${uid}:${gid}`, dir]);
    asUser = { uid, gid, env: { ...process.env, HOME: '/var/lib/ejabberd', USER: 'ejabberd', LOGNAME: 'ejabberd' } };
  }
  const args = [
    '--config-dir',
    dir,
    '--config',
    yml,
    '--ctl-config',
    cfg,
    '--logs',
    logs,
    '--spool',
    spool,
    '--node',
    node,
  ];
  const { child, output } = spawnLogged(
    EJABBERDCTL,
    [...args, 'foreground'],
    { cwd: dir, ...asUser },
    path.join(dir, 'foreground.log'),
  );
  let beam: number | undefined;
  const beamPid = () => {
    if (beam === undefined) beam = pidsWithCmdline(node, 'beam.smp')[0];
    return beam;
  };
  const server: ServerUnderTest = {
    name: options.archive ? 'ejabberd (mam)' : 'ejabberd',
    port,
    domain: ctx.domain,
    storage: options.archive
      ? 'Mnesia: offline messages (disc copies) and every message archived (mod_mam, default: always); Mnesia writes a disk log, not fsynced per message'
      : 'Mnesia: only offline messages are stored (disc copies, no fsync per message); messages between online users are routed in memory, not stored (mod_mam off, as in the Debian default)',
    pid: () => {
      const pid = beamPid();
      return pid !== undefined && existsSync(`/proc/${pid}`) ? pid : undefined;
    },
    stop: () => endGroup(child, 15_000, () => [beamPid()]),
  };
  try {
    await waitForPort(
      port,
      90_000,
      () => !exited(child),
      () => `ejabberd: ${output().slice(-2000)}`,
    );
    await waitForPort(
      httpPort,
      30_000,
      () => !exited(child),
      () => `ejabberd http: ${output().slice(-2000)}`,
    );
    await mapLimit(ctx.accounts, 8, async (account) => {
      // The same command as `ejabberdctl register` (ejabberd_commands), over mod_http_api:
      // ejabberdctl would start an Erlang VM per user (seconds each).
      const response = await fetch(`http://127.0.0.1:${httpPort}/api/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: account.username, host: ctx.domain, password: account.password }),
        signal: AbortSignal.timeout(60_000),
      });
      if (!response.ok)
        throw new Error(`ejabberd register ${account.username}: HTTP ${response.status} ${await response.text()}`);
    });
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

// ---------------------------------------------------------------- Prosody

function prosodyConfig(o: {
  dir: string;
  domain: string;
  port: number;
  s2sPort: number;
  certFile: string;
  keyFile: string;
  archive: boolean;
  muc: boolean;
}) {
  const q = (s: string) => JSON.stringify(s);
  return `-- Generated by bench/src/xmpp/servers.ts for one bench run; loopback only.
run_as_root = true
daemonize = false
pidfile = ${q(path.join(o.dir, 'prosody.pid'))}
data_path = ${q(path.join(o.dir, 'data'))}
plugin_paths = { }
admins = { }
interfaces = { "127.0.0.1" }
local_interfaces = { "127.0.0.1" }
c2s_ports = { ${o.port} }
s2s_ports = { ${o.s2sPort} }
c2s_require_encryption = true
s2s_require_encryption = true
authentication = "internal_hashed"
storage = "internal"
network_backend = "epoll"
log = { warn = ${q(path.join(o.dir, 'prosody.log'))} }
-- No mod_limits: the packaged config shapes each client to 10 kB/s.
modules_enabled = {
  "roster"; "saslauth"; "tls"; "disco"; "ping"; "blocklist"; "carbons"; "smacks"; "posix";${o.archive ? ' "mam";' : ''}
}
${o.archive ? 'default_archive_policy = true\n' : ''}ssl = { certificate = ${q(o.certFile)}, key = ${q(o.keyFile)} }
VirtualHost ${q(o.domain)}
${o.muc ? `Component ${q(`conference.${o.domain}`)} "muc"\nmax_history_messages = 20\n${o.archive ? 'modules_enabled = { "muc_mam" }\nmuc_log_by_default = true\nmuc_log_all_rooms = true\n' : ''}` : ''}`;
}

export async function startProsody(
  ctx: StartContext,
  options: { archive: boolean; muc?: boolean },
): Promise<ServerUnderTest> {
  const dir = path.join(ctx.dir, 'prosody');
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  const [port, s2sPort] = [await freePort(), await freePort()];
  const cfg = path.join(dir, 'prosody.cfg.lua');
  writeFileSync(
    cfg,
    prosodyConfig({
      dir,
      domain: ctx.domain,
      port,
      s2sPort,
      certFile: ctx.certFile,
      keyFile: ctx.keyFile,
      archive: options.archive,
      muc: options.muc ?? false,
    }),
  );
  // Accounts first (prosodyctl writes the data files; the server reads them at login).
  let done = 0;
  await mapLimit(ctx.accounts, 2, async (account) => {
    const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const p = spawn(PROSODYCTL, ['--config', cfg, 'register', account.username, ctx.domain, account.password], {
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 60_000,
      });
      let out = '';
      p.stdout.on('data', (c: Buffer) => (out += c.toString()));
      p.stderr.on('data', (c: Buffer) => (out += c.toString()));
      p.on('close', (code) => resolve({ code, out }));
    });
    if (result.code !== 0) throw new Error(`prosodyctl register ${account.username}: ${result.out.trim()}`);
    if (++done % 100 === 0) ctx.log(`prosody: registered ${done}/${ctx.accounts.length}`);
  });
  const { child, output } = spawnLogged(
    PROSODY,
    ['--config', cfg, '-F'],
    { cwd: dir },
    path.join(dir, 'foreground.log'),
  );
  const server: ServerUnderTest = {
    name: options.archive ? 'prosody (mam)' : 'prosody',
    port,
    domain: ctx.domain,
    storage: options.archive
      ? 'internal (files): offline messages and every message archived (mod_mam, default_archive_policy = true); appended to files, no fsync'
      : 'internal (files): only offline messages are stored (no fsync); messages between online users are routed in memory, not stored (mod_mam off, as in the Debian default)',
    pid: () => (exited(child) ? undefined : child.pid),
    stop: () => endGroup(child, 15_000),
  };
  try {
    await waitForPort(
      port,
      60_000,
      () => !exited(child),
      () => `prosody: ${output().slice(-2000)}`,
    );
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}
