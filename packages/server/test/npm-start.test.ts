/**
 * What `npm start` runs (ADR 0015): the bundle that scripts/build-server.mjs makes of the CLI and
 * the server. It builds, starts, serves HTTP (validators and serializers compiled on first use),
 * WebSocket and XMPP, stops on SIGTERM, and keeps lazy what the sources load only when configured.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { RawClient, registerUser } from './harness';
import { freePort, spawnServer } from './process';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const dist = path.join(root, 'packages/cli/dist');
const dataDir = mkdtempSync(path.join(tmpdir(), 'parley-npm-start-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** npm packages reached through static imports from the bundle's entry (dynamic import() not followed). */
function staticPackages(file: string, seen = new Set<string>(), found = new Set<string>()): Set<string> {
  if (seen.has(file)) return found;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const match of text.matchAll(/^import\s+(?:[^;]*?\s+from\s+)?"([^"]+)";?$/gms)) {
    const spec = match[1]!;
    if (spec.startsWith('./')) staticPackages(path.join(path.dirname(file), spec), seen, found);
    else if (!spec.startsWith('node:')) found.add(spec.replace(/^(\.\.\/)+/, ''));
  }
  return found;
}

it(
  'builds the bundle that npm start runs; it serves HTTP, WebSocket and XMPP and stops on SIGTERM',
  { timeout: 90_000 },
  async () => {
    const build = spawnSync(process.execPath, [path.join(root, 'scripts/build-server.mjs')], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(build.status, build.stderr).toBe(0);

    // Cluster adapters, S3, sharp and the certificate generator stay out of a default start: what
    // `start` loads is the entry and the server chunk it imports, with their static imports.
    const entry = path.join(dist, 'parley.mjs');
    const server = [...readFileSync(entry, 'utf8').matchAll(/await import\("(\.\/[^"]+)"\)/g)].map((m) => m[1]!);
    expect(server.length).toBeGreaterThan(0);
    const seen = new Set<string>();
    const found = staticPackages(entry, seen);
    for (const chunk of server) staticPackages(path.join(dist, chunk), seen, found);
    const reached = [...found];
    for (const lazy of ['pg', '@nats-io', '@aws-sdk', 'sharp', 'selfsigned']) {
      expect(reached.filter((spec) => spec.includes(lazy))).toEqual([]);
    }
    expect(reached.some((spec) => spec.startsWith('fastify'))).toBe(true);

    const [port, xmppPort] = [await freePort(), await freePort()];
    const running = await spawnServer(
      { PARLEY_PORT: String(port), PARLEY_XMPP_PORT: String(xmppPort), PARLEY_DATA_DIR: dataDir },
      60_000,
      ['--expose-gc', path.join(dist, 'parley.mjs')],
    );
    try {
      const url = `http://127.0.0.1:${port}`;
      const { token } = await registerUser(url);
      const me = await fetch(`${url}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(me.status).toBe(200);
      const bad = await fetch(`${url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 42 }),
      });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('bad_request');
      const client = await RawClient.authed(`ws://127.0.0.1:${port}/v1/ws`, token);
      const greeting = await new Promise<string>((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port: xmppPort });
        socket.once('error', reject);
        socket.once('connect', () =>
          socket.write(
            "<stream:stream to='localhost' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>",
          ),
        );
        let text = '';
        socket.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          if (text.includes('</stream:features>')) {
            socket.destroy();
            resolve(text);
          }
        });
      });
      expect(greeting).toContain('starttls');
      running.child.kill('SIGTERM');
      expect((await client.closed).code).toBe(1012);
      expect(await running.exited).toBe(0);
    } finally {
      running.child.kill('SIGKILL');
    }
  },
);
