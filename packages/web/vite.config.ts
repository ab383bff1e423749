/**
 * Vite configuration of the web app: the production build (dist/, served by the
 * server at `/`) and the dev server with hot reload, which proxies the API and the
 * WebSocket to a Parley server on 127.0.0.1:8080 (`npm start` in another terminal).
 */
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { pwaShell } from './build/pwa-plugin';

const server = process.env.PARLEY_DEV_SERVER ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react(), pwaShell(fileURLToPath(new URL('./src/pwa/service-worker.ts', import.meta.url)))],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The server's CSP forbids inline script: keep Vite from inlining anything into index.html.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    // Libraries that change rarely get chunks of their own, so that a new release of the app
    // does not make browsers download them again; the chat (chat-app) and the tus upload client
    // are loaded by dynamic import, after the first screen.
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: 'typebox', test: /node_modules[\\/]typebox[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      '/v1': { target: server, ws: true, changeOrigin: true },
      '/healthz': { target: server },
    },
  },
});
