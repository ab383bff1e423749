#!/usr/bin/env node
// Entry point of the `parley` command: runs the TypeScript sources through tsx so
// that no build step stands between `npm install` and `npm start`.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
