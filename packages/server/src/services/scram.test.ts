import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { expect, it } from 'vitest';
import { deriveScram, verifyScramProof } from './scram';

// RFC 7677 section 3 test vector: user "user", password "pencil".
it('derives keys and verifies the RFC 7677 SCRAM-SHA-256 exchange', async () => {
  const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
  const credential = await deriveScram('pencil', 'SCRAM-SHA-256', salt, 4096);
  const authMessage =
    'n=user,r=rOprNGfwEbeRWgbNEkqO,' +
    'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,' +
    'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
  const proof = Buffer.from('dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=', 'base64');
  expect(verifyScramProof(credential, authMessage, proof)).toBe('6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
  proof[0] = (proof[0] ?? 0) ^ 1;
  expect(verifyScramProof(credential, authMessage, proof)).toBeNull();
});

it('SCRAM-SHA-1 keys match a direct computation', async () => {
  const salt = Buffer.from('salt');
  const credential = await deriveScram('secret', 'SCRAM-SHA-1', salt, 4096);
  const salted = pbkdf2Sync('secret', salt, 4096, 20, 'sha1');
  const clientKey = createHmac('sha1', salted).update('Client Key').digest();
  expect(credential.storedKey).toBe(createHash('sha1').update(clientKey).digest('base64'));
});
