/**
 * The STARTTLS certificate: the configured PEM pair, or for development a
 * self-signed certificate for the XMPP domain, generated once (with the pure-JS
 * `selfsigned` package, so it works offline) and kept in the data directory.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { Logger } from '../../ports/logger';

export interface TlsOptions {
  certFile: string | null;
  keyFile: string | null;
  dataDir: string;
  domain: string;
}

export async function loadTlsContext(options: TlsOptions, logger: Logger): Promise<SecureContext> {
  if (options.certFile && options.keyFile) {
    return createSecureContext({ cert: readFileSync(options.certFile), key: readFileSync(options.keyFile) });
  }
  const dir = path.join(options.dataDir, 'xmpp-tls');
  const certFile = path.join(dir, `${options.domain}.crt`);
  const keyFile = path.join(dir, `${options.domain}.key`);
  if (!existsSync(certFile) || !existsSync(keyFile)) {
    // Loaded only to make a certificate (first start): its X.509 code is large and not needed after.
    const { generate } = await import('selfsigned');
    const pems = await generate([{ name: 'commonName', value: options.domain }], {
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: options.domain },
            { type: 2, value: `conference.${options.domain}` },
          ],
        },
      ],
    });
    mkdirSync(dir, { recursive: true });
    writeFileSync(keyFile, pems.private, { mode: 0o600 });
    writeFileSync(certFile, pems.cert);
    logger.warn({ certFile }, 'XMPP: generated a self-signed certificate (set PARLEY_XMPP_TLS_CERT/KEY in production)');
  }
  return createSecureContext({ cert: readFileSync(certFile), key: readFileSync(keyFile) });
}
