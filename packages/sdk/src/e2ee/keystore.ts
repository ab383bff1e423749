/**
 * Where a device keeps its MLS secrets (signature key, private key packages, group states):
 * a small async key-value interface so that each platform brings its own storage. The SDK
 * ships an in-memory store (tests, short-lived bots) and, for Node, a file store with 0600
 * permissions (`FileKeyStore` from `@parley/sdk/node`); a browser store on IndexedDB comes
 * later. Whoever can read the store can read the device's conversations: keep it private.
 */

/** Async storage of byte values under string keys. Keys use `/` as a separator. */
export interface KeyStore {
  get(key: string): Promise<Uint8Array | undefined>;
  set(key: string, value: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
  /** Every key that starts with `prefix`. */
  keys(prefix: string): Promise<string[]>;
}

/** A {@link KeyStore} in memory: gone when the process ends. */
export class MemoryKeyStore implements KeyStore {
  private readonly map = new Map<string, Uint8Array>();

  get(key: string): Promise<Uint8Array | undefined> {
    const value = this.map.get(key);
    return Promise.resolve(value && value.slice());
  }
  set(key: string, value: Uint8Array): Promise<void> {
    this.map.set(key, value.slice());
    return Promise.resolve();
  }
  delete(key: string): Promise<void> {
    this.map.delete(key);
    return Promise.resolve();
  }
  keys(prefix: string): Promise<string[]> {
    return Promise.resolve([...this.map.keys()].filter((k) => k.startsWith(prefix)));
  }
}
