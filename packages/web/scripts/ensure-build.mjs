#!/usr/bin/env node
// `npm start` runs this first (root "prestart"): builds the web app when packages/web/dist is
// missing or older than any of its sources (the app, the SDK and the protocol it bundles), so a
// fresh clone serves a working app and an unchanged tree starts without rebuilding.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const root = path.resolve(web, '../..');
const built = path.join(web, 'dist', 'index.html');
const sources = [
  path.join(web, 'src'),
  path.join(web, 'public'),
  path.join(web, 'index.html'),
  path.join(web, 'vite.config.ts'),
  path.join(web, 'build'),
  path.join(web, 'package.json'),
  path.join(root, 'packages', 'sdk', 'src'),
  path.join(root, 'packages', 'protocol', 'src'),
];

function newest(entry) {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const name of readdirSync(entry)) latest = Math.max(latest, newest(path.join(entry, name)));
  return latest;
}

const builtAt = existsSync(built) ? statSync(built).mtimeMs : 0;
const sourcesAt = Math.max(...sources.map(newest));
if (builtAt >= sourcesAt) process.exit(0);

console.log(builtAt === 0 ? 'Building the web app (first start)...' : 'Web app sources changed: rebuilding...');
const npm = process.env.npm_execpath;
const [cmd, args] =
  npm && /\.(c|m)?js$/.test(npm)
    ? [process.execPath, [npm, 'run', 'build', '-w', '@parley/web']]
    : ['npm', ['run', 'build', '-w', '@parley/web']];
const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  console.error('The web app did not build; the server will start and explain at / how to build it.');
}
