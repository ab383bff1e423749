/**
 * The build half of the installable app (docs/notifications.md), a Vite plugin: it
 * renders the PNG icons from one SVG drawing (sharp), writes the web app manifest, and
 * compiles pwa/service-worker.ts into /sw.js with the list of this build's files to
 * cache and a version hash of them (a new build is a new worker, which replaces the
 * old cache). Runs at build time only; the dev server has no service worker.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { transformWithOxc, type Plugin } from 'vite';

const BLUE = '#1d4ed8';
const BUBBLE = 'M18 20h28a6 6 0 0 1 6 6v12a6 6 0 0 1-6 6H32l-10 8v-8h-4a6 6 0 0 1-6-6V26a6 6 0 0 1 6-6z';

/** The app's icon: the speech bubble on a rounded blue square (the favicon's drawing). */
const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="16" fill="${BLUE}"/><path d="${BUBBLE}" fill="#fff"/></svg>`;
/** Maskable: full-bleed background, the bubble inside the central 80% safe zone. */
const MASKABLE = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="${BLUE}"/><g transform="translate(9.6 9.6) scale(0.7)"><path d="${BUBBLE}" fill="#fff"/></g></svg>`;
/** The status-bar badge: the shape alone (Android draws it as a white mask). */
const BADGE = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="8 12 48 44"><path d="${BUBBLE}" fill="#fff"/></svg>`;

export const ICONS = [
  { file: 'icons/icon-192.png', svg: ICON, size: 192, purpose: 'any' },
  { file: 'icons/icon-512.png', svg: ICON, size: 512, purpose: 'any' },
  { file: 'icons/maskable-192.png', svg: MASKABLE, size: 192, purpose: 'maskable' },
  { file: 'icons/maskable-512.png', svg: MASKABLE, size: 512, purpose: 'maskable' },
  { file: 'icons/apple-touch-icon.png', svg: MASKABLE, size: 180, purpose: null },
  { file: 'icons/badge-96.png', svg: BADGE, size: 96, purpose: null },
] as const;

export const MANIFEST = {
  name: 'Parley',
  short_name: 'Parley',
  description: 'Chat with your people, on your own server.',
  id: '/',
  start_url: '/',
  scope: '/',
  display: 'standalone',
  background_color: '#ffffff',
  theme_color: BLUE,
  icons: ICONS.filter((icon) => icon.purpose !== null).map((icon) => ({
    src: `/${icon.file}`,
    sizes: `${icon.size}x${icon.size}`,
    type: 'image/png',
    purpose: icon.purpose,
  })),
};

export function pwaShell(workerSource: string): Plugin {
  return {
    name: 'parley-pwa-shell',
    apply: 'build',
    enforce: 'post',
    async generateBundle(_options, bundle) {
      for (const icon of ICONS) {
        const png = await sharp(Buffer.from(icon.svg), { density: 72 * (icon.size / 64) * 2 })
          .resize(icon.size, icon.size)
          .png()
          .toBuffer();
        this.emitFile({ type: 'asset', fileName: icon.file, source: png });
      }
      this.emitFile({
        type: 'asset',
        fileName: 'manifest.webmanifest',
        source: `${JSON.stringify(MANIFEST, null, 2)}\n`,
      });
      // Everything the app may load, plus the shell itself ('/' is index.html) and the icons.
      const files = Object.keys(bundle).filter((name) => !name.endsWith('.map') && name !== 'index.html');
      const precache = [
        '/',
        '/manifest.webmanifest',
        '/favicon.svg',
        ...ICONS.map((icon) => `/${icon.file}`),
        ...files.map((name) => `/${name}`),
      ];
      const unique = [...new Set(precache)].sort();
      const version = createHash('sha256').update(unique.join('\n')).digest('hex').slice(0, 16);
      const compiled = await transformWithOxc(await readFile(workerSource, 'utf8'), 'service-worker.ts', {
        lang: 'ts',
      });
      const source = `const PARLEY_PRECACHE = ${JSON.stringify(unique)};\nconst PARLEY_VERSION = ${JSON.stringify(version)};\n${compiled.code}`;
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
  };
}
