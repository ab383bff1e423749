/**
 * Serves the built web app (packages/web/dist, or PARLEY_WEB_DIR) at `/`: hashed
 * assets with year-long immutable caching, index.html with no-cache and a strict
 * Content-Security-Policy, and an SPA fallback so that a reload on any client route
 * gets the app. It must never shadow the API: /v1/*, /healthz and /metrics keep
 * their JSON 404s. When the folder holds no build, the server still runs and `/`
 * explains how to build it. The dist folder is checked per request, so building
 * while the server runs works without a restart.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The CSP of the app's HTML: no inline script, no eval, sockets and fetches to this origin only. */
export const WEB_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' https: data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self' ws: wss:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** packages/web/dist in this repository (this file is packages/server/src/gateways/http/routes-web.ts). */
export function defaultWebDir(): string {
  return fileURLToPath(new URL('../../../../web/dist', import.meta.url));
}

const API_PREFIXES = ['/v1/', '/healthz', '/metrics'];

const missingPage = (dir: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Parley: web app not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
<h1>The Parley web app is not built yet</h1>
<p>The server is running (the API answers under <code>/v1</code>), but there is no web app in
<code>${dir.replace(/[<>&"]/g, '')}</code>.</p>
<p>Run <code>npm run build:web</code> in the repository, then reload this page
(or set <code>PARLEY_WEB_DIR</code> to a folder holding a build).</p>
</body></html>
`;

function isApiPath(urlPath: string): boolean {
  return urlPath === '/v1' || API_PREFIXES.some((prefix) => urlPath === prefix || urlPath.startsWith(prefix));
}

function wantsHtml(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

/** The file under `root` that a URL path names, or undefined (missing, a folder, or outside root). */
function fileFor(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const full = path.resolve(root, `.${decoded}`);
  if (!full.startsWith(root + path.sep)) return undefined;
  try {
    return statSync(full).isFile() ? path.relative(root, full) : undefined;
  } catch {
    return undefined;
  }
}

function sendIndex(reply: FastifyReply): FastifyReply {
  return reply
    .header('cache-control', 'no-cache')
    .header('content-security-policy', WEB_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .type('text/html; charset=utf-8')
    .sendFile('index.html');
}

export async function registerWebRoutes(app: FastifyInstance, webDir: string | null): Promise<void> {
  const root = path.resolve(webDir ?? defaultWebDir());
  await app.register(fastifyStatic, { root, serve: false, cacheControl: false, etag: true, lastModified: true });

  // GET / and GET /* : the web app (every API route is more specific than the wildcard)
  const serve = (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const urlPath = request.url.split('?')[0] ?? '/';
    if (isApiPath(urlPath)) {
      reply.callNotFound();
      return reply;
    }
    if (!existsSync(path.join(root, 'index.html'))) {
      if (!wantsHtml(request)) {
        reply.callNotFound();
        return reply;
      }
      return reply
        .status(503)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(missingPage(root));
    }
    const file = urlPath === '/' ? undefined : fileFor(root, urlPath);
    if (file === 'index.html') return sendIndex(reply);
    if (file !== undefined) {
      // Vite names everything under assets/ by content hash: it never changes under that name.
      const immutable = file.startsWith(`assets${path.sep}`);
      return reply
        .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
        .header('x-content-type-options', 'nosniff')
        .sendFile(file);
    }
    // SPA fallback: a reload on a client route gets the app; other misses stay 404s.
    if (urlPath === '/' || wantsHtml(request)) return sendIndex(reply);
    reply.callNotFound();
    return reply;
  };
  app.get('/', { schema: { hide: true } }, serve);
  app.get('/*', { schema: { hide: true } }, serve);
}
