/** docs/protocol.md must describe every frame, event and error code this package defines. */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { ClientFrameSchemas, ERROR_CODES, EventSchemas } from './index';

const doc = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');

it('documents every client frame, server event and error code', () => {
  const names = [...Object.keys(ClientFrameSchemas), ...Object.keys(EventSchemas), ...Object.keys(ERROR_CODES)];
  const missing = names.filter((name) => !doc.includes(`\`${name}\``));
  expect(missing).toEqual([]);
});

it('gives each error code the status and retryability of the registry', () => {
  for (const [code, spec] of Object.entries(ERROR_CODES)) {
    const row = new RegExp(
      `\\|\\s*\`${code}\`\\s*\\|\\s*${spec.status}\\s*\\|\\s*${spec.retryable ? 'yes' : 'no'}\\s*\\|`,
    );
    expect(doc).toMatch(row);
  }
});
