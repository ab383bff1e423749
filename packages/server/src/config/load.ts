/**
 * Reads configuration from environment variables, validates every value against
 * its key's bounds, and fails with one message listing every problem and the fix.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseOutboundAllow } from '../net/safe-fetch';
import { compileProxyTrust, parseTrustedProxies } from '../net/client-address';
import { configKeys, type Config, type ConfigKey } from './schema';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee the configuration table in README.md.`,
    );
    this.name = 'ConfigError';
  }
}

function parseKey(key: ConfigKey, raw: string | undefined, problems: string[]): unknown {
  if (raw === undefined || raw === '') return key.default;
  switch (key.kind) {
    case 'int': {
      if (!/^-?\d+$/.test(raw.trim())) {
        problems.push(`${key.env}=${raw} is not an integer (expected ${key.min}..${key.max})`);
        return key.default;
      }
      const value = Number(raw);
      if (value < key.min || value > key.max)
        problems.push(`${key.env}=${raw} is out of range (expected ${key.min}..${key.max})`);
      return value;
    }
    case 'enum': {
      const value = raw.trim().toLowerCase();
      if (!key.values.includes(value)) problems.push(`${key.env}=${raw} is not one of: ${key.values.join(', ')}`);
      return value;
    }
    case 'string':
      return raw;
  }
}

/** Loads and validates configuration; `overrides` win over the environment (used by tests and the CLI). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const problems: string[] = [];
  const config = {} as Record<string, unknown>;
  for (const [name, key] of Object.entries(configKeys) as [keyof Config, ConfigKey][]) {
    config[name] = name in overrides ? overrides[name] : parseKey(key, env[key.env], problems);
  }
  const result = config as Config;
  if (result.maxFrameBytes < result.maxMessageBytes + 2048) {
    problems.push(
      `PARLEY_MAX_FRAME_BYTES (${result.maxFrameBytes}) must be at least PARLEY_MAX_MESSAGE_BYTES + 2048 (${result.maxMessageBytes + 2048})`,
    );
  }
  if (result.db === 'postgres' && !result.databaseUrl) {
    problems.push('PARLEY_DB=postgres needs PARLEY_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/parley)');
  }
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(result.pgSchema)) {
    problems.push(`PARLEY_PG_SCHEMA=${result.pgSchema} must be a lower-case SQL identifier`);
  }
  if (result.storage === 's3' && !result.s3Bucket) {
    problems.push('PARLEY_STORAGE=s3 needs PARLEY_S3_BUCKET (and PARLEY_S3_ENDPOINT for a non-AWS store)');
  }
  if (result.fileLinkSecret !== null && result.fileLinkSecret.length < 32) {
    problems.push('PARLEY_FILE_LINK_SECRET must have at least 32 characters');
  }
  if (result.busUrl !== null && !/^nats:\/\/[^\s]+$/.test(result.busUrl.split(',')[0]?.trim() ?? '')) {
    problems.push(`PARLEY_BUS_URL=${result.busUrl} must be nats://host:port (comma-separated for several)`);
  }
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(result.busPrefix)) {
    problems.push(`PARLEY_BUS_PREFIX=${result.busPrefix} must be 1 to 32 letters, digits, '-' or '_'`);
  }
  if (result.busUrl !== null && result.db === 'sqlite') {
    problems.push('PARLEY_BUS_URL (a cluster) needs a shared store: set PARLEY_DB=postgres and PARLEY_DATABASE_URL');
  }
  if (result.nodeId !== null && !/^[A-Za-z0-9_-]{1,32}$/.test(result.nodeId)) {
    problems.push(`PARLEY_NODE_ID=${result.nodeId} must be 1 to 32 letters, digits, '-' or '_'`);
  }
  if (result.rateLimitBackend === 'postgres' && result.db !== 'postgres') {
    problems.push('PARLEY_RATE_LIMIT_BACKEND=postgres needs PARLEY_DB=postgres (the limits live in its database)');
  }
  if (result.turnUrls !== null && (result.turnSecret === null || result.turnSecret.length < 16)) {
    problems.push('PARLEY_TURN_URLS needs PARLEY_TURN_SECRET (coturn static-auth-secret, at least 16 characters)');
  }
  if (result.turnRelayOnly === 'on' && result.turnUrls === null) {
    problems.push('PARLEY_TURN_RELAY_ONLY=on needs PARLEY_TURN_URLS (a relay to send every call through)');
  }
  for (const [env, list] of [
    ['PARLEY_TURN_URLS', result.turnUrls],
    ['PARLEY_STUN_URLS', result.stunUrls],
  ] as const) {
    for (const url of list === null ? [] : list.split(',').map((u) => u.trim())) {
      if (!/^(stun|stuns|turn|turns):[^\s,]+$/.test(url)) {
        problems.push(`${env}: ${url} is not a stun:, stuns:, turn: or turns: URL`);
      }
    }
  }
  try {
    compileProxyTrust(parseTrustedProxies(result.trustedProxies));
  } catch (error) {
    problems.push(
      `PARLEY_TRUSTED_PROXIES=${result.trustedProxies} is not a list of addresses, CIDR ranges, loopback, linklocal or uniquelocal (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  try {
    compileProxyTrust(parseOutboundAllow(result.outboundAllow));
  } catch (error) {
    problems.push(
      `PARLEY_OUTBOUND_ALLOW=${result.outboundAllow} is not a list of addresses, CIDR ranges, loopback, linklocal or uniquelocal (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (result.jobLeaseMs <= result.webhookTimeoutMs) {
    problems.push(
      `PARLEY_JOB_LEASE_MS=${result.jobLeaseMs} must exceed PARLEY_WEBHOOK_TIMEOUT_MS=${result.webhookTimeoutMs} (a delivery must end within its lease)`,
    );
  }
  if ((result.vapidPublicKey === null) !== (result.vapidPrivateKey === null)) {
    problems.push('PARLEY_VAPID_PUBLIC_KEY and PARLEY_VAPID_PRIVATE_KEY are set together or not at all');
  }
  if (!/^(mailto:|https:\/\/)/.test(result.vapidSubject)) {
    problems.push(`PARLEY_VAPID_SUBJECT=${result.vapidSubject} must be a mailto: address or an https: URL`);
  }
  if (result.jobMaxAttempts <= result.webhookMaxAttempts) {
    problems.push(
      `PARLEY_JOB_MAX_ATTEMPTS=${result.jobMaxAttempts} must exceed PARLEY_WEBHOOK_MAX_ATTEMPTS=${result.webhookMaxAttempts} (a delivery gives up on its own first)`,
    );
  }
  if (result.assistantBaseUrl !== null) {
    if (result.assistantModel === null) problems.push('PARLEY_ASSISTANT_BASE_URL needs PARLEY_ASSISTANT_MODEL');
    if (!/^https?:\/\/[^\s]+$/.test(result.assistantBaseUrl)) {
      problems.push(`PARLEY_ASSISTANT_BASE_URL=${result.assistantBaseUrl} is not an http(s) URL`);
    }
  }
  if (result.assistantMaxAnswerTokens * 2 > result.assistantMaxContextTokens) {
    problems.push(
      `PARLEY_ASSISTANT_MAX_ANSWER_TOKENS=${result.assistantMaxAnswerTokens} must be at most half of PARLEY_ASSISTANT_MAX_CONTEXT_TOKENS=${result.assistantMaxContextTokens}`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  result.nodeId ??= `n${randomBytes(6).toString('hex')}`;
  result.sqlitePath ??= path.join(result.dataDir, 'parley.db');
  result.filesDir ??= path.join(result.dataDir, 'files');
  return result;
}
