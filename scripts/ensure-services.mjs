#!/usr/bin/env node
// Brings up the local services the test suite talks to: PostgreSQL and NATS (with JetStream).
//
//   import { ensureServices } from './ensure-services.mjs';
//   const { up, missing } = await ensureServices();
//
//   node scripts/ensure-services.mjs [--strict] [--no-setup] [--timeout=SECONDS]
//
// For each service it checks reachability (TCP connect; for PostgreSQL also `pg_isready` when
// present; for NATS the server's INFO line must say JetStream is on). When a service is not
// reachable and this runs as root, it installs the missing Debian package (apt-get) and starts
// the service, then waits (bounded, with progress messages). Whatever it could not do is said
// plainly. It never throws for a missing service: the caller decides (scripts/test.mjs fails the
// run under CI=true and lets the tests skip otherwise).
//
// Environment:
//   PARLEY_NO_SERVICE_SETUP=1      only detect; never install or start anything
//   PARLEY_SERVICES_TIMEOUT=60     seconds to wait for a started service
//   CI=true                        the CLI exits 1 when a service is missing (as --strict does)
//   PGHOST/PGPORT, NATS_HOST/NATS_PORT are NOT used: the suite expects 127.0.0.1:5432 and :4222.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import { pathToFileURL } from 'node:url';

const HOST = '127.0.0.1';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function which(cmd) {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin', '/usr/bin'])) {
    if (dir && existsSync(`${dir}/${cmd}`)) return `${dir}/${cmd}`;
  }
  return null;
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  return { ok: r.status === 0, status: r.status, out, error: r.error };
}

/** Resolves true when a TCP connection to host:port succeeds within timeoutMs. */
export function tcpReachable(port, host = HOST, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host });
    const done = (ok) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/** Reads the NATS INFO line; resolves the parsed object, or null. */
function natsInfo(port, host = HOST, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host });
    let buf = '';
    const done = (v) => {
      sock.destroy();
      resolve(v);
    };
    sock.setTimeout(timeoutMs, () => done(null));
    sock.once('error', () => done(null));
    sock.on('data', (d) => {
      buf += d.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl === -1) return;
      const line = buf.slice(0, nl).trim();
      if (!line.startsWith('INFO ')) return done(null);
      try {
        done(JSON.parse(line.slice(5)));
      } catch {
        done(null);
      }
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Service definitions

const SERVICES = {
  postgres: {
    label: 'PostgreSQL',
    port: 5432,
    aptPackage: 'postgresql',
    installed: () => !!which('pg_ctlcluster') && pgVersions().length > 0,
    async check() {
      if (!(await tcpReachable(5432))) return { ok: false, why: `nothing accepts connections on ${HOST}:5432` };
      const pgIsReady = which('pg_isready');
      if (pgIsReady) {
        const r = run(pgIsReady, ['-h', HOST, '-p', '5432', '-t', '3']);
        if (!r.ok) return { ok: false, why: `pg_isready: ${r.out || `exit ${r.status}`}` };
      }
      return { ok: true };
    },
    startCommand: () => `pg_ctlcluster --skip-systemctl-redirect ${pgVersions().at(-1) ?? '<version>'} main start`,
    start() {
      const versions = pgVersions();
      if (versions.length === 0) return { ok: false, out: 'no cluster under /etc/postgresql' };
      const version = versions.at(-1);
      return run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start']);
    },
  },
  nats: {
    label: 'NATS (JetStream)',
    port: 4222,
    aptPackage: 'nats-server',
    installed: () => existsSync('/usr/sbin/nats-server'),
    async check() {
      if (!(await tcpReachable(4222))) return { ok: false, why: `nothing accepts connections on ${HOST}:4222` };
      const info = await natsInfo(4222);
      if (!info) return { ok: false, why: `${HOST}:4222 does not answer like a NATS server` };
      if (!info.jetstream)
        return {
          ok: false,
          fatal: true,
          why: `NATS ${info.version ?? ''} on ${HOST}:4222 runs without JetStream (restart it with -js)`,
        };
      return { ok: true, detail: `nats-server ${info.version}` };
    },
    startCommand: () =>
      'start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log',
    start() {
      try {
        mkdirSync('/var/lib/nats-server', { recursive: true });
      } catch {
        /* start-stop-daemon will report */
      }
      return run('start-stop-daemon', [
        '--start',
        '--oknodo',
        '--background',
        '--exec',
        '/usr/sbin/nats-server',
        '--',
        '-a',
        HOST,
        '-p',
        '4222',
        '-js',
        '-sd',
        '/var/lib/nats-server',
        '-l',
        '/var/log/nats-server.log',
      ]);
    },
  },
};

function pgVersions() {
  try {
    return readdirSync('/etc/postgresql')
      .filter((v) => existsSync(`/etc/postgresql/${v}/main`))
      .sort((a, b) => Number(a) - Number(b));
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL set-up after a fresh install: trust auth on loopback, role root, databases test/root
// (what the machines of this project have). Only the pg_hba.conf edit is limited to a cluster
// this script installed itself; creating the missing role/databases is harmless and idempotent.

function pgAsPostgres(sql, log) {
  // Over the unix socket as the postgres OS user: peer auth works on a fresh Debian cluster.
  const r = run('runuser', ['-u', 'postgres', '--', 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-Atc', sql], {
    cwd: '/',
  });
  if (!r.ok) log(`  ! psql as postgres failed: ${r.out}`);
  return r;
}

function trustLoopback(log) {
  const version = pgVersions().at(-1);
  const file = `/etc/postgresql/${version}/main/pg_hba.conf`;
  try {
    const text = readFileSync(file, 'utf8');
    if (/^\s*host\s+all\s+all\s+127\.0\.0\.1\/32\s+trust/m.test(text)) return;
    const head =
      '# added by parley scripts/ensure-services.mjs (test machine): trust on loopback\n' +
      'local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n';
    writeFileSync(file, head + text);
    const r = run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'reload']);
    log(r.ok ? `  set trust auth on loopback in ${file}` : `  ! reload after editing ${file} failed: ${r.out}`);
  } catch (e) {
    log(`  ! could not set trust auth in ${file}: ${e.message}`);
  }
}

function provisionPostgres({ freshInstall, log }) {
  if (!isRoot || !which('psql') || !which('runuser')) return;
  if (freshInstall) trustLoopback(log);
  const roles = pgAsPostgres(`select rolname from pg_roles where rolname = 'root'`, log);
  if (!roles.ok) return;
  if (roles.out.trim() !== 'root') {
    if (pgAsPostgres('create role root superuser login', log).ok) log('  created PostgreSQL role root');
  }
  const dbs = pgAsPostgres(`select datname from pg_database`, log);
  if (!dbs.ok) return;
  const have = new Set(dbs.out.split('\n').map((s) => s.trim()));
  for (const db of ['test', 'root']) {
    if (!have.has(db) && pgAsPostgres(`create database ${db}`, log).ok) log(`  created PostgreSQL database ${db}`);
  }
}

// ---------------------------------------------------------------------------------------------

let aptUpdated = false;

function aptInstall(packages, log) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const opts = { env, stdio: ['ignore', 'inherit', 'inherit'], encoding: 'utf8' };
  if (!aptUpdated) {
    log('  apt-get update ...');
    const u = spawnSync('apt-get', ['update', '-q'], opts);
    if (u.status !== 0) log('  ! apt-get update failed; trying the install anyway');
    aptUpdated = true;
  }
  log(`  apt-get install -y ${packages.join(' ')} ...`);
  const r = spawnSync('apt-get', ['install', '-y', '-q', ...packages], opts);
  return r.status === 0;
}

async function waitFor(svc, timeoutMs, log) {
  const started = Date.now();
  let lastReport = started;
  let last;
  for (;;) {
    last = await svc.check();
    if (last.ok || last.fatal) return last;
    const now = Date.now();
    if (now - started >= timeoutMs) return last;
    if (now - lastReport >= 5000) {
      log(
        `  waiting for ${svc.label} (${Math.round((now - started) / 1000)}s/${Math.round(timeoutMs / 1000)}s): ${last.why}`,
      );
      lastReport = now;
    }
    await sleep(500);
  }
}

/**
 * Makes sure the services are up. Returns { up: string[], missing: {name, reason}[], actions: string[] }.
 * Options: names (default all), setup (install/start allowed; default true unless
 * PARLEY_NO_SERVICE_SETUP=1), timeoutMs, log.
 */
export async function ensureServices(options = {}) {
  const {
    names = Object.keys(SERVICES),
    setup = process.env.PARLEY_NO_SERVICE_SETUP !== '1',
    timeoutMs = Number(process.env.PARLEY_SERVICES_TIMEOUT ?? 60) * 1000,
    log = (msg) => console.log(msg),
  } = options;

  const up = [];
  const missing = [];
  const actions = [];

  // First pass: what is already up. Install everything missing in one apt-get call.
  const state = {};
  for (const name of names) {
    const svc = SERVICES[name];
    if (!svc) throw new Error(`unknown service ${name}`);
    state[name] = await svc.check();
  }
  const toInstall = names.filter((n) => !state[n].ok && !state[n].fatal && !SERVICES[n].installed());
  let installedNow = new Set();
  if (toInstall.length > 0) {
    const pkgs = toInstall.map((n) => SERVICES[n].aptPackage);
    if (!setup) {
      log(`  not installed: ${pkgs.join(' ')} (PARLEY_NO_SERVICE_SETUP=1: not installing)`);
    } else if (!isRoot) {
      log(
        `  not installed: ${pkgs.join(' ')} — not root, so not installing. Run: sudo apt-get install -y ${pkgs.join(' ')}`,
      );
    } else if (!which('apt-get')) {
      log(`  not installed: ${pkgs.join(' ')} — no apt-get on this machine`);
    } else if (aptInstall(pkgs, log)) {
      installedNow = new Set(toInstall);
      actions.push(`installed ${pkgs.join(' ')}`);
    } else {
      log(`  ! apt-get install ${pkgs.join(' ')} failed`);
    }
  }

  for (const name of names) {
    const svc = SERVICES[name];
    let st = state[name];
    if (installedNow.has(name)) st = await svc.check(); // the package's postinst may have started it
    if (!st.ok && !st.fatal) {
      if (!svc.installed()) {
        st = { ok: false, why: `package ${svc.aptPackage} is not installed` };
      } else if (!setup) {
        st = { ...st, why: `${st.why} (PARLEY_NO_SERVICE_SETUP=1: not starting it)` };
      } else if (!isRoot) {
        st = { ...st, why: `${st.why}; not root, so not starting it. Run as root: ${svc.startCommand()}` };
      } else {
        log(`  starting ${svc.label}: ${svc.startCommand()}`);
        const r = svc.start();
        if (!r.ok) log(`  ! start command failed (exit ${r.status ?? r.error?.message}): ${r.out}`);
        else actions.push(`started ${name}`);
        st = await waitFor(svc, timeoutMs, log);
        if (!st.ok) st = { ...st, why: `${st.why} (still, ${Math.round(timeoutMs / 1000)}s after starting it)` };
      }
    }
    if (st.ok && name === 'postgres' && setup) provisionPostgres({ freshInstall: installedNow.has(name), log });
    if (st.ok) {
      up.push(name);
      log(`  ok       ${svc.label} on ${HOST}:${svc.port}${st.detail ? ` (${st.detail})` : ''}`);
    } else {
      missing.push({ name, reason: st.why });
      log(`  MISSING  ${svc.label}: ${st.why}`);
    }
  }
  return { up, missing, actions };
}

// ---------------------------------------------------------------------------------------------
// CLI

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const strict = args.includes('--strict') || process.env.CI === 'true';
  const opts = {};
  if (args.includes('--no-setup')) opts.setup = false;
  const t = args.find((a) => a.startsWith('--timeout='));
  if (t) opts.timeoutMs = Number(t.slice('--timeout='.length)) * 1000;
  if (args.includes('--help') || args.includes('-h')) {
    console.log('usage: node scripts/ensure-services.mjs [--strict] [--no-setup] [--timeout=SECONDS]');
    process.exit(0);
  }
  const { up, missing } = await ensureServices(opts);
  console.log(`PARLEY_TEST_SERVICES=${up.join(',')}`);
  if (missing.length > 0) {
    console.log(
      `${strict ? 'error' : 'warning'}: not available: ${missing.map((m) => m.name).join(', ')}` +
        (strict ? '' : ' (tests that need it will be skipped)'),
    );
    process.exit(strict ? 1 : 0);
  }
}
