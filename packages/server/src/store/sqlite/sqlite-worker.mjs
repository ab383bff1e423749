// Entry point of the store's SQLite worker thread (worker-dialect.ts). A worker
// thread does not inherit the tsx loader that the main thread registered (ADR
// 0004: TypeScript sources run without a build step), so it registers its own
// before loading the TypeScript body.
import { register } from 'tsx/esm/api';

register();
await import('./sqlite-worker.ts');
