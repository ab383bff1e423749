/** @parley/server: start a server (`startServer`, `runServer`) or use its services directly (the CLI's admin commands). */
export { startServer, runServer, openAdmin, type Admin, type RunningServer, type StartOptions } from './main';
export { loadConfig, ConfigError } from './config/load';
export { StartupError } from './startup-error';
export type { Config } from './config/schema';
export { AppError } from './domain/errors';
/** For tools that prepare data in bulk before starting a server on it (bench/): `startServer(config, { store })`. */
export { createStore, type StoreOptions } from './store/create-store';
export type { Store } from './ports/store';
