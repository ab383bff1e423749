/**
 * `npm install` on a supported Node prints no EBADENGINE warning: every package the
 * lockfile installs (runtime and development, optional platform binaries aside)
 * accepts the lowest version of each Node line that package.json's `engines`
 * promises. cookie@2 (through fastify's light-my-request) wanted Node 22 and is
 * overridden to cookie@1.1, which has the same API, and @nats-io/nuid@3 (through
 * the NATS client) wanted Node 22 and is overridden to 2.0.3, whose `nuid.next()` is
 * the same (`overrides` in package.json).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

interface Semver {
  satisfies(version: string, range: string): boolean;
  minVersion(range: string): { version: string } | null;
}
interface LockEntry {
  version?: string;
  optional?: boolean;
  engines?: { node?: string };
}

const root = new URL('../../../', import.meta.url);
const require = createRequire(root);
// npm's own range semantics (a dependency of the toolchain, at the top of node_modules).
const semver = require('semver') as Semver;
const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
  packages: Record<string, LockEntry>;
};

/** `^20.19.0 || ^22.13.0 || >=24.0.0` gives 20.19.0, 22.13.0 and 24.0.0. */
const lowest = manifest.engines.node.split('||').map((range) => semver.minVersion(range.trim())!.version);

describe('npm install', () => {
  it.each(lowest)('installs nothing that refuses Node %s', (node) => {
    const refusing = Object.entries(lock.packages)
      .filter(([, entry]) => entry.optional !== true && entry.engines?.node !== undefined)
      .filter(([, entry]) => !semver.satisfies(node, entry.engines!.node!))
      .map(
        ([path, entry]) => `${path.replace(/^.*node_modules\//, '')}@${entry.version} (node ${entry.engines!.node})`,
      );
    expect(refusing).toEqual([]);
  });

  it('promises the three Node lines the README names', () => {
    expect(lowest.map((version) => version.split('.')[0])).toEqual(['20', '22', '24']);
  });
});
