#!/usr/bin/env node
// `npm start` runs this first (root "prestart", ADR 0015): bundles the `parley` command (CLI,
// server, SDK, protocol: Parley's own TypeScript) into one JavaScript file with esbuild, so that
// the server runs on plain node without a TypeScript loader (whose thread and transformed module
// texts cost about half of a fresh server's memory). npm dependencies stay external and load from
// node_modules as usual. A source map is written beside the bundle (not loaded by default: see
// docs/operations.md). Rebuilt only when a source is newer than the bundle; tests and development
// keep running the sources through tsx.
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'packages', 'cli', 'dist');
const outfile = path.join(outdir, 'parley.mjs');
const sources = ['cli', 'server', 'sdk', 'protocol'].flatMap((p) => [
  path.join(root, 'packages', p, 'src'),
  path.join(root, 'packages', p, 'package.json'),
]);
sources.push(fileURLToPath(import.meta.url), path.join(root, 'package-lock.json'));

function newest(entry) {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const name of readdirSync(entry)) latest = Math.max(latest, newest(path.join(entry, name)));
  return latest;
}

/**
 * npm packages bundled too: pure ESM spread over hundreds of small modules (typebox about 700,
 * kysely about 260), each of which costs node a module record, a namespace and a linking job
 * when loaded separately; bundled, esbuild also drops what Parley does not import.
 */
const BUNDLED = ['typebox', 'kysely'];

const builtAt = existsSync(outfile) ? statSync(outfile).mtimeMs : 0;
if (process.argv.includes('--if-stale') && builtAt >= Math.max(...sources.map(newest))) process.exit(0);

/** node_modules/<name> (or node_modules/@scope/name) that holds a resolved file. */
function packageDir(file) {
  const parts = file.split(path.sep);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return null;
  return parts.slice(0, at + (parts[at + 1]?.startsWith('@') ? 3 : 2)).join(path.sep);
}

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [path.join(root, 'packages', 'cli', 'src', 'main.ts')],
  outdir,
  // Code splitting keeps every dynamic import() lazy: what the sources load only when configured
  // (PostgreSQL, NATS, S3, sharp, the certificate generator) stays out of a default start.
  splitting: true,
  entryNames: 'parley',
  chunkNames: '[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  sourcesContent: false,
  // Not minified, so names stay as written (stack traces read as the source) without keepNames,
  // whose __name() gives every closure its own property store: about 250 bytes for each of the
  // ~18 closures an XMPP session makes (docs/performance.md).
  logLevel: 'warning',
  banner: { js: '// Built by scripts/build-server.mjs from packages/*/src (ADR 0015). Do not edit.' },
  plugins: [
    {
      name: 'npm-dependencies-external',
      setup(b) {
        // Parley's workspace packages (TypeScript) are bundled; every npm package stays external.
        b.onResolve({ filter: /^[^./]/ }, async (args) => {
          if (args.path.startsWith('@parley/') || args.pluginData === 'inner') return undefined;
          if (BUNDLED.some((name) => args.path === name || args.path.startsWith(`${name}/`))) return undefined;
          if (args.path.startsWith('node:')) return { path: args.path, external: true };
          const found = await b.resolve(args.path, {
            kind: args.kind,
            resolveDir: args.resolveDir,
            importer: args.importer,
            pluginData: 'inner',
          });
          if (found.errors.length > 0 || !found.path || !path.isAbsolute(found.path)) {
            return { path: args.path, external: true };
          }
          // The same package as node would find from the bundle's folder: keep the bare name.
          const fromOut = await b.resolve(args.path, {
            kind: args.kind,
            resolveDir: path.dirname(outdir),
            pluginData: 'inner',
          });
          if (fromOut.errors.length === 0 && packageDir(fromOut.path) === packageDir(found.path)) {
            return { path: args.path, external: true };
          }
          // A copy nested under one workspace (packages/x/node_modules): point at that file.
          let rel = path.relative(outdir, found.path).split(path.sep).join('/');
          if (!rel.startsWith('.')) rel = `./${rel}`;
          return { path: rel, external: true };
        });
      },
    },
  ],
});
