/**
 * @parley/protocol: the wire contract between Parley servers and clients. No I/O,
 * no Node or DOM APIs: the server validates with these schemas, the SDK takes its
 * types from them, and docs/protocol.md describes them.
 */
export * from './version';
export * from './errors';
export * from './ids';
export * from './models';
export * from './files';
export * from './e2ee';
export * from './calls';
export * from './group-calls';
export * from './frames';
export * from './http';
export * from './validate';
export * from './permissions';
export * from './text-rules';
export * from './admin';
export * from './admin-console';
export * from './bots';
export * from './push';
export * from './components';
export * from './interactions';
export * from './retention';
export * from './export';
export * from './favourites';
export * from './presend-hooks';
