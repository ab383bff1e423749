/**
 * Generates docs/configuration.md from the config schema. `npm run docs:config`
 * rewrites the file; config.test.ts fails when it is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configKeys, type ConfigKey } from './schema';

function describeDefault(key: ConfigKey): string {
  if (key.default === null) return '(none)';
  return `\`${String(key.default)}\``;
}

function describeAllowed(key: ConfigKey): string {
  switch (key.kind) {
    case 'int':
      return `${key.min}..${key.max}`;
    case 'enum':
      return key.values.map((v) => `\`${v}\``).join(', ');
    case 'string':
      return 'text';
  }
}

export function renderConfigDocs(): string {
  const rows = Object.values(configKeys as Record<string, ConfigKey>).map(
    (key) => `| \`${key.env}\` | ${describeDefault(key)} | ${describeAllowed(key)} | ${key.doc} |`,
  );
  return [
    '# Configuration',
    '',
    '<!-- Generated from packages/server/src/config/schema.ts by `npm run docs:config`. Do not edit by hand. -->',
    '',
    'Parley reads its configuration from environment variables at start-up and refuses to start, listing every',
    'problem, when a value is malformed or out of range.',
    '',
    '| variable | default | allowed | meaning |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

export const configDocsPath = fileURLToPath(new URL('../../../../docs/configuration.md', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(configDocsPath, renderConfigDocs());
  process.stdout.write(`wrote ${configDocsPath}\n`);
}
