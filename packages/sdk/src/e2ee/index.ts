/**
 * `@parley/sdk/e2ee`: end-to-end encrypted conversations with MLS (RFC 9420) on ts-mls.
 * A separate entry so that apps without encryption do not load the MLS code. Browser-safe;
 * the Node file keystore is `FileKeyStore` from `@parley/sdk/node`.
 */
export {
  E2eeDevice,
  KEY_PACKAGE_TARGET,
  deviceIdentity,
  unreadableReason,
  type DecryptedMessage,
  type E2eeDeviceOptions,
  type E2eePayload,
} from './device';
export { MemoryKeyStore, type KeyStore } from './keystore';
export { PARLEY_SUITE, PARLEY_SUITE_ID } from './suite';
