/**
 * The MLS working group's interoperability test vectors (RFC 9420), run against the ts-mls
 * version Parley pins, for the one cipher suite Parley uses (suite 1,
 * MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519: see ./suite.ts). The vectors are copied into
 * packages/sdk/test-vectors/ (see its SOURCE.md); manifest.json records how many cases of each
 * suite the original files hold, and what was sampled. Cases of other suites are counted and
 * printed, never silently dropped.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  acceptAll,
  bytesToBase64,
  decodeMlsMessage,
  encodeMlsMessage,
  joinGroup,
  makePskIndex,
  processMessage,
  type ClientState,
  type MLSMessage,
} from 'ts-mls';
import { decodeRatchetTree, encodeRatchetTree } from 'ts-mls/ratchetTree.js';
import { makeKeyPackageRef } from 'ts-mls/keyPackage.js';
import { decryptGroupSecrets, decryptGroupInfo } from 'ts-mls/welcome.js';
import { verifyGroupInfoSignature, verifyGroupInfoConfirmationTag } from 'ts-mls/groupInfo.js';
import { afterAll, describe, expect, test } from 'vitest';
import { PARLEY_SUITE_ID, suiteImpl } from './suite';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test-vectors');

interface ManifestEntry {
  casesBySuite: Record<string, number>;
  kept: number;
  sample?: string;
}
const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as {
  files: Record<string, ManifestEntry>;
};

function load<T>(file: string): T[] {
  return JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as T[];
}
const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
function mls(s: string): MLSMessage {
  const decoded = decodeMlsMessage(hex(s), 0);
  if (!decoded) throw new Error('not an MLSMessage');
  return decoded[0];
}

afterAll(() => {
  // What did not run, said out loud (unsupported suites are counted, not hidden).
  const lines = Object.entries(manifest.files).map(([file, entry]) => {
    const other = Object.entries(entry.casesBySuite)
      .filter(([suite]) => suite !== String(PARLEY_SUITE_ID) && suite !== 'any')
      .map(([suite, n]) => `suite ${suite}: ${n}`);
    const sample = entry.sample ? ` (${entry.sample})` : '';
    return `${file}: ran ${entry.kept}${sample}; not run, suite not used by Parley: ${other.join(', ') || 'none'}`;
  });
  process.stdout.write(`MLS test vectors, suite ${PARLEY_SUITE_ID}\n  ${lines.join('\n  ')}\n`);
});

test('the repository holds every suite-1 case the manifest counts (sampling is declared, not silent)', () => {
  for (const [file, entry] of Object.entries(manifest.files)) {
    const cases = load<{ cipher_suite?: number }>(file);
    expect(cases.length, file).toBe(entry.kept);
    expect(cases.every((c) => c.cipher_suite === undefined || c.cipher_suite === PARLEY_SUITE_ID)).toBe(true);
    const suite1 = entry.casesBySuite[String(PARLEY_SUITE_ID)];
    if (suite1 !== undefined && entry.sample === undefined) expect(entry.kept, file).toBe(suite1);
  }
});

interface PassiveCase {
  cipher_suite: number;
  external_psks: { psk_id: string; psk: string }[];
  key_package: string;
  signature_priv: string;
  encryption_priv: string;
  init_priv: string;
  welcome: string;
  ratchet_tree: string | null;
  initial_epoch_authenticator: string;
  epochs: { proposals: string[]; commit: string; epoch_authenticator: string }[];
}

/** RFC 9420 as a passive client meets it: join from a Welcome, then every proposal and commit. */
async function runPassive(c: PassiveCase): Promise<void> {
  const cs = await suiteImpl();
  const keyPackage = mls(c.key_package);
  const welcome = mls(c.welcome);
  if (keyPackage.wireformat !== 'mls_key_package' || welcome.wireformat !== 'mls_welcome') {
    throw new Error('unexpected wire formats');
  }
  const psks: Record<string, Uint8Array> = {};
  for (const p of c.external_psks) psks[bytesToBase64(hex(p.psk_id))] = hex(p.psk);
  const tree = c.ratchet_tree ? decodeRatchetTree(hex(c.ratchet_tree), 0)?.[0] : undefined;
  let state: ClientState = await joinGroup(
    welcome.welcome,
    keyPackage.keyPackage,
    {
      initPrivateKey: hex(c.init_priv),
      hpkePrivateKey: hex(c.encryption_priv),
      signaturePrivateKey: hex(c.signature_priv),
    },
    makePskIndex(undefined, psks),
    cs,
    tree,
  );
  expect(toHex(state.keySchedule.epochAuthenticator)).toBe(c.initial_epoch_authenticator);
  for (const [i, epoch] of c.epochs.entries()) {
    for (const raw of [...epoch.proposals, epoch.commit]) {
      const message = mls(raw);
      if (message.wireformat !== 'mls_public_message' && message.wireformat !== 'mls_private_message') {
        throw new Error(`epoch ${i}: a ${message.wireformat} where a proposal or commit was expected`);
      }
      state = (await processMessage(message, state, makePskIndex(state, psks), acceptAll, cs)).newState;
    }
    expect(toHex(state.keySchedule.epochAuthenticator), `epoch ${i}`).toBe(epoch.epoch_authenticator);
  }
}

describe.each(['passive-client-welcome.json', 'passive-client-handling-commit.json', 'passive-client-random.json'])(
  '%s',
  (file) => {
    const cases = load<PassiveCase>(file);
    test.each(cases.map((c, i) => [i, c] as const))('case %i', async (_i, c) => {
      await runPassive(c);
    });
  },
);

interface WelcomeCase {
  cipher_suite: number;
  init_priv: string;
  key_package: string;
  signer_pub: string;
  welcome: string;
}

test.each(load<WelcomeCase>('welcome.json').map((c, i) => [i, c] as const))(
  'welcome.json case %i: group secrets decrypt, group info verifies',
  async (_i, c) => {
    const cs = await suiteImpl();
    const kp = mls(c.key_package);
    const welcome = mls(c.welcome);
    if (kp.wireformat !== 'mls_key_package' || welcome.wireformat !== 'mls_welcome') throw new Error('wire format');
    const ref = await makeKeyPackageRef(kp.keyPackage, cs.hash);
    const initKey = await cs.hpke.importPrivateKey(hex(c.init_priv));
    const secrets = await decryptGroupSecrets(initKey, ref, welcome.welcome, cs.hpke);
    if (!secrets) throw new Error('group secrets did not decrypt');
    const zero = new Uint8Array(cs.kdf.size);
    const info = await decryptGroupInfo(welcome.welcome, secrets.joinerSecret, zero, cs);
    if (!info) throw new Error('group info did not decrypt');
    expect(await verifyGroupInfoSignature(info, hex(c.signer_pub), cs.signature)).toBe(true);
    expect(await verifyGroupInfoConfirmationTag(info, secrets.joinerSecret, zero, cs)).toBe(true);
  },
);

const MLS_MESSAGE_FIELDS = [
  'mls_welcome',
  'mls_group_info',
  'mls_key_package',
  'public_message_application',
  'public_message_proposal',
  'public_message_commit',
  'private_message',
];

test.each(load<Record<string, string>>('messages.json').map((c, i) => [i, c] as const))(
  'messages.json case %i: every MLSMessage and the ratchet tree decode and re-encode to the same bytes',
  (_i, c) => {
    for (const field of MLS_MESSAGE_FIELDS) {
      const raw = c[field];
      if (!raw) continue;
      expect(toHex(encodeMlsMessage(mls(raw))), field).toBe(raw);
    }
    const rawTree = c.ratchet_tree ?? '';
    const tree = decodeRatchetTree(hex(rawTree), 0);
    if (!tree) throw new Error('ratchet tree did not decode');
    expect(toHex(encodeRatchetTree(tree[0]))).toBe(rawTree);
  },
);
