import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load';
import { configDocsPath, readmePath, renderConfigDocs, renderReadme } from './generate-docs';

describe('loadConfig', () => {
  it('has working defaults: SQLite under data/', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ db: 'sqlite', port: 8080, maxMessageBytes: 16384, sqlitePath: 'data/parley.db' });
  });

  it('reads PARLEY_* variables', () => {
    const config = loadConfig({
      PARLEY_PORT: '9000',
      PARLEY_DB: 'POSTGRES',
      PARLEY_DATABASE_URL: 'postgres://x@127.0.0.1/db',
    });
    expect(config).toMatchObject({ port: 9000, db: 'postgres', databaseUrl: 'postgres://x@127.0.0.1/db' });
  });

  it('takes a job lease shorter than a link preview may take (main.ts bounds the preview by half the lease)', () => {
    const shortLease = { PARLEY_JOB_LEASE_MS: '2000', PARLEY_WEBHOOK_TIMEOUT_MS: '700' };
    expect(loadConfig(shortLease)).toMatchObject({ jobLeaseMs: 2000, linkPreviewTimeoutMs: 5000 });
  });

  it('lists every bad value at once, with what was expected', () => {
    let error: unknown;
    try {
      loadConfig({
        PARLEY_PORT: 'eighty',
        PARLEY_MAX_MESSAGE_BYTES: '0',
        PARLEY_DB: 'mysql',
        PARLEY_LOG_LEVEL: 'loud',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('PARLEY_PORT=eighty is not an integer');
    expect(problems).toContain('PARLEY_MAX_MESSAGE_BYTES=0 is out of range');
    expect(problems).toContain('PARLEY_DB=mysql is not one of: sqlite, postgres');
    expect(problems).toContain('PARLEY_LOG_LEVEL=loud');
  });

  it('checks rules between keys', () => {
    expect(() => loadConfig({ PARLEY_MAX_MESSAGE_BYTES: '65536' })).toThrow(/PARLEY_MAX_FRAME_BYTES/);
    expect(() => loadConfig({ PARLEY_DB: 'postgres' })).toThrow(/PARLEY_DATABASE_URL/);
    expect(() => loadConfig({ PARLEY_VAPID_PUBLIC_KEY: 'B'.repeat(87) })).toThrow(/set together/);
    expect(() => loadConfig({ PARLEY_VAPID_SUBJECT: 'admin@example.org' })).toThrow(/PARLEY_VAPID_SUBJECT/);
    expect(() => loadConfig({ PARLEY_PG_SCHEMA: 'drop table' })).toThrow(/PARLEY_PG_SCHEMA/);
    expect(() => loadConfig({ PARLEY_ASSISTANT_BASE_URL: 'http://127.0.0.1:8081/v1' })).toThrow(
      /needs PARLEY_ASSISTANT_MODEL/,
    );
    expect(() => loadConfig({ PARLEY_ASSISTANT_BASE_URL: 'ftp://x', PARLEY_ASSISTANT_MODEL: 'm' })).toThrow(
      /not an http\(s\) URL/,
    );
    expect(() => loadConfig({ PARLEY_ASSISTANT_MAX_ANSWER_TOKENS: '3000' })).toThrow(/at most half/);
    // A job gives up on its own (the webhook schedule) before the dead letters take it.
    expect(() => loadConfig({ PARLEY_JOB_MAX_ATTEMPTS: '14' })).toThrow(/PARLEY_JOB_MAX_ATTEMPTS=14 must exceed/);
    expect(() => loadConfig({ PARLEY_RATE_LIMIT_BACKEND: 'postgres' })).toThrow(
      /PARLEY_RATE_LIMIT_BACKEND=postgres needs/,
    );
  });

  it('reads the trusted proxies and refuses what is not an address or range', () => {
    const config = loadConfig({ PARLEY_TRUSTED_PROXIES: '10.0.0.0/8, loopback, 2001:db8::1' });
    expect(config.trustedProxies).toBe('10.0.0.0/8, loopback, 2001:db8::1');
    expect(() => loadConfig({ PARLEY_TRUSTED_PROXIES: '10.0.0.0/8,haproxy.internal' })).toThrow(
      /PARLEY_TRUSTED_PROXIES=.*haproxy\.internal/,
    );
  });
});

it('docs/configuration.md and the README table are generated from the schema (run `npm run docs:config` after changing it)', () => {
  expect(readFileSync(configDocsPath, 'utf8')).toBe(renderConfigDocs());
  const readme = readFileSync(readmePath, 'utf8');
  expect(readme).toBe(renderReadme(readme));
});
