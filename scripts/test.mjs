#!/usr/bin/env node
// `npm test`: the whole suite, from a fresh machine, in one command.
//
//   npm test                      services, type check, lint, format check, vitest, e2e
//   npm test -- packages/sdk      the same; extra arguments go to `vitest run`
//
// Steps, in order; the first failure stops the run with a non-zero exit:
//   1. services   scripts/ensure-services.mjs: PostgreSQL and NATS up (installs/starts them as root).
//                 A missing service fails the run under CI=true; otherwise its tests skip.
//   2. typecheck  tsc -p tsconfig.json
//   3. lint       eslint .
//   4. format     prettier --check .
//   5. vitest     vitest run [extra args]          (unit + integration)
//   6. cluster    npm run test:cluster              (three nodes, NATS and haproxy; skipped when extra
//                                                    args pick a subset, or without that script)
//   7. e2e        npm run test:e2e                  (only when package.json has that script)
// Child processes get PARLEY_TEST_SERVICES=<the services that are up>, e.g. "postgres,nats".
// The last lines are a one-line summary of the steps and vitest's counts as "N passed, N failed".

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureServices } from './ensure-services.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

const ci = process.env.CI === 'true' || process.env.CI === '1';
const extraArgs = process.argv.slice(2);
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const hasE2e = Boolean(pkg.scripts?.['test:e2e']);
const hasCluster = Boolean(pkg.scripts?.['test:cluster']);
const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
const bold = (s) => (useColor ? `\x1b[1m${s}\x1b[0m` : s);
const red = (s) => (useColor ? `\x1b[31m${s}\x1b[0m` : s);
const green = (s) => (useColor ? `\x1b[32m${s}\x1b[0m` : s);

const fmt = (ms) => (ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms / 1000)}s`);

/** Runs a package binary from node_modules/.bin with this same Node (so a Node 24 run stays on 24). */
function binCommand(name, args) {
  const bin = path.join(root, 'node_modules', '.bin', name);
  if (!existsSync(bin)) return null;
  const target = realpathSync(bin);
  const head = readFileSync(target, 'utf8').slice(0, 200);
  if (/\.(c|m)?js$/.test(target) || /^#!.*\bnode\b/.test(head)) return [process.execPath, [target, ...args]];
  return [bin, args];
}

function npmCommand(args) {
  const npmCli = process.env.npm_execpath;
  if (npmCli && /\.(c|m)?js$/.test(npmCli) && existsSync(npmCli)) return [process.execPath, [npmCli, ...args]];
  return ['npm', args];
}

function runChild(cmd, args, env) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['inherit', 'inherit', 'inherit'], env });
    const forward = (sig) => child.kill(sig);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('error', (err) => {
      console.error(red(`could not start ${cmd}: ${err.message}`));
      resolve(127);
    });
    child.on('close', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(signal ? 128 + (signal === 'SIGINT' ? 2 : 15) : (code ?? 1));
    });
  });
}

const results = []; // { name, ms, status: 'ok' | 'FAILED' | 'skipped', note }
const startAll = Date.now();
let counts = null;
const scratch = mkdtempSync(path.join(tmpdir(), 'parley-test-'));

function finish(code) {
  const total = Date.now() - startAll;
  const steps = results.map((r) => `${r.name} ${r.status === 'ok' ? fmt(r.ms) : r.status}`).join(', ');
  const failed = results.find((r) => r.status === 'FAILED');
  console.log('');
  const line =
    `parley test: ${failed ? `FAILED at ${failed.name}` : 'OK'} in ${fmt(total)}` +
    ` [${steps}] node ${process.version}; services: ${process.env.PARLEY_TEST_SERVICES || 'none'}`;
  console.log(bold(failed ? red(line) : green(line)));
  if (counts) {
    // Plain closing line, "N passed, N failed[, N skipped]", read by CI.
    console.log(
      `vitest: ${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`,
    );
  }
  rmSync(scratch, { recursive: true, force: true });
  process.exit(code);
}

async function step(index, total, name, fn) {
  console.log('');
  console.log(bold(`==> [${index}/${total}] ${name}`));
  const t0 = Date.now();
  let outcome;
  try {
    outcome = await fn();
  } catch (err) {
    console.error(red(`${name}: ${err?.stack ?? err}`));
    outcome = { code: 1 };
  }
  const ms = Date.now() - t0;
  if (outcome.skipped) {
    results.push({ name, ms, status: 'skipped' });
    console.log(`<== ${name}: skipped (${outcome.skipped})`);
    return;
  }
  const ok = outcome.code === 0;
  results.push({ name, ms, status: ok ? 'ok' : 'FAILED' });
  console.log(
    ok ? green(`<== ${name}: ok (${fmt(ms)})`) : red(`<== ${name}: FAILED (exit ${outcome.code}, ${fmt(ms)})`),
  );
  if (outcome.message) console.log(red(outcome.message));
  if (!ok) finish(outcome.code || 1);
}

function tool(name, args) {
  return async () => {
    const command = binCommand(name, args);
    if (!command) return { code: 1, message: `node_modules/.bin/${name} is missing: run \`npm ci\` first` };
    console.log(`$ ${name} ${args.join(' ')}`);
    return { code: await runChild(command[0], command[1], process.env) };
  };
}

function readVitestCounts(file) {
  try {
    const r = JSON.parse(readFileSync(file, 'utf8'));
    return {
      passed: r.numPassedTests ?? 0,
      failed: r.numFailedTests ?? 0,
      skipped: (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0),
    };
  } catch {
    return null;
  }
}

const steps = [
  [
    'services',
    async () => {
      const { up, missing } = await ensureServices();
      process.env.PARLEY_TEST_SERVICES = up.join(',');
      console.log(`PARLEY_TEST_SERVICES=${process.env.PARLEY_TEST_SERVICES}`);
      if (missing.length === 0) return { code: 0 };
      const names = missing.map((m) => m.name).join(', ');
      if (ci) {
        return {
          code: 1,
          message: `CI=true: required service(s) not available: ${names}. Tests are not skipped in CI; fix the machine (see above).`,
        };
      }
      console.log(
        `warning: not available: ${names}; the tests that need it will be SKIPPED (under CI=true this fails).`,
      );
      return { code: 0 };
    },
  ],
  ['typecheck', tool('tsc', ['-p', 'tsconfig.json'])],
  ['lint', tool('eslint', ['.'])],
  ['format', tool('prettier', ['--check', '.'])],
  [
    'vitest',
    async () => {
      const args = ['run'];
      // A JSON report on the side gives the closing "N passed, N failed" line, unless the
      // caller chose reporters or an output file.
      const ownReporter = extraArgs.some((a) => a.startsWith('--reporter') || a.startsWith('--outputFile'));
      const jsonFile = path.join(scratch, 'vitest.json');
      if (!ownReporter) args.push('--reporter=default', '--reporter=json', `--outputFile.json=${jsonFile}`);
      args.push(...extraArgs);
      const command = binCommand('vitest', args);
      if (!command) return { code: 1, message: 'node_modules/.bin/vitest is missing: run `npm ci` first' };
      console.log(`$ vitest ${['run', ...extraArgs].join(' ')}`);
      const code = await runChild(command[0], command[1], process.env);
      if (!ownReporter) counts = readVitestCounts(jsonFile);
      return { code };
    },
  ],
  [
    'cluster',
    async () => {
      if (!hasCluster) return { skipped: 'no test:cluster script in package.json' };
      if (extraArgs.length > 0) return { skipped: 'a subset was asked for (extra vitest arguments)' };
      console.log('$ npm run test:cluster');
      const [cmd, args] = npmCommand(['run', 'test:cluster']);
      return { code: await runChild(cmd, args, process.env) };
    },
  ],
  [
    'e2e',
    async () => {
      if (!hasE2e) return { skipped: 'no test:e2e script in package.json' };
      console.log('$ npm run test:e2e');
      const [cmd, args] = npmCommand(['run', 'test:e2e']);
      return { code: await runChild(cmd, args, process.env) };
    },
  ],
];

console.log(
  bold(`parley test: node ${process.version}, ${ci ? 'CI=true (missing services fail the run)' : 'local run'}`) +
    (extraArgs.length ? `, vitest args: ${extraArgs.join(' ')}` : ''),
);
const active = steps.filter(([name]) => name !== 'e2e' || hasE2e);
for (const [i, [name, fn]] of active.entries()) await step(i + 1, active.length, name, fn);
finish(0);
