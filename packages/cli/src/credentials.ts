/**
 * The tokens of `parley login`, one per server URL, in
 * `<PARLEY_CONFIG_DIR or ~/.config/parley>/credentials.json` (mode 0600: a token
 * is as good as a password until it is revoked). Written atomically so that two
 * commands running at once never leave a half-written file.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CliError } from './errors';

export interface SavedLogin {
  token: string;
  userId: string;
  username: string;
  savedAt: number;
}

type CredentialsFile = Record<string, SavedLogin>;

export function configDir(): string {
  const fromEnv = process.env['PARLEY_CONFIG_DIR'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return path.join(os.homedir(), '.config', 'parley');
}

export function credentialsPath(): string {
  return path.join(configDir(), 'credentials.json');
}

/** Server URLs are keys: normalize them so that `http://h:1/` and `http://h:1` match. */
export function serverKey(url: string): string {
  return url.replace(/\/+$/, '');
}

function readAll(): CredentialsFile {
  let text: string;
  try {
    text = readFileSync(credentialsPath(), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as CredentialsFile;
  } catch {
    throw new CliError(`${credentialsPath()} is not valid JSON`, 'delete it and run `parley login <username>` again');
  }
}

function writeAll(file: CredentialsFile): void {
  const target = credentialsPath();
  mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
  const temp = `${target}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, target);
}

export function loadLogin(serverUrl: string): SavedLogin | undefined {
  return readAll()[serverKey(serverUrl)];
}

export function saveLogin(serverUrl: string, login: SavedLogin): void {
  const file = readAll();
  file[serverKey(serverUrl)] = login;
  writeAll(file);
}

export function forgetLogin(serverUrl: string): boolean {
  const file = readAll();
  const key = serverKey(serverUrl);
  if (!(key in file)) return false;
  delete file[key];
  writeAll(file);
  return true;
}
