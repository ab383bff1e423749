/** The part of `http_ece` (RFC 8188 / RFC 8291 encrypted content encoding) the push tests use. */
declare module 'http_ece' {
  import type { ECDH } from 'node:crypto';
  interface EceParams {
    version: 'aes128gcm' | 'aesgcm';
    privateKey?: ECDH;
    authSecret?: string;
    dh?: string;
  }
  const ece: { decrypt(buffer: Buffer, params: EceParams): Buffer; encrypt(buffer: Buffer, params: EceParams): Buffer };
  export default ece;
}
