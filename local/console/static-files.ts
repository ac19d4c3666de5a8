import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { LocalApiAnswer } from '../http-server.ts';

/** Where the page's own files are (plain HTML, CSS and ES modules: nothing to build). */
const PAGE_DIR = new URL('./page/', import.meta.url).pathname;

/** uPlot's browser build and stylesheet, served from node_modules (`npm ci` is the whole set-up). */
const UPLOT_DIR = dirname(createRequire(import.meta.url).resolve('uplot/dist/uPlot.iife.min.js'));

/** URL path of the page's files. */
export const CONSOLE_ASSET_PREFIX = '/_console/';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** Files the console may serve, by URL name: nothing else on disk is reachable. */
const FILES: Record<string, string> = {
  'vendor/uPlot.iife.min.js': join(UPLOT_DIR, 'uPlot.iife.min.js'),
  'vendor/uPlot.min.css': join(UPLOT_DIR, 'uPlot.min.css'),
};

/**
 * Headers of every console answer: no caching (the page changes with the code), no framing
 * (clickjacking), scripts only from this origin.
 */
export const CONSOLE_HEADERS = {
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'content-security-policy':
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
} as const;

/**
 * The console page, with this start's token for state-changing requests in a `<meta>` tag
 * (a page on another origin cannot read it: no CORS headers here).
 *
 * @example
 * ```ts
 * const answer = await consolePage(token);
 * ```
 */
export async function consolePage(token: string): Promise<LocalApiAnswer> {
  const html = await readFile(join(PAGE_DIR, 'index.html'), 'utf8');
  return answer('.html', html.replace('__LOCAL_TOKEN__', token));
}

/**
 * A file of the page under {@link CONSOLE_ASSET_PREFIX}, or `undefined` (404) for any other name.
 *
 * @example
 * ```ts
 * await consoleAsset('app.js'); // local/console/page/app.js
 * ```
 */
export async function consoleAsset(name: string): Promise<LocalApiAnswer | undefined> {
  const file = FILES[name] ?? (/^[a-z-]+\.(js|css)$/.test(name) ? join(PAGE_DIR, name) : undefined);
  if (!file) return undefined;
  try {
    return answer(file.slice(file.lastIndexOf('.')), await readFile(file));
  } catch {
    return undefined;
  }
}

function answer(extension: string, body: string | Buffer): LocalApiAnswer {
  return {
    statusCode: 200,
    headers: { 'content-type': TYPES[extension] ?? 'application/octet-stream', ...CONSOLE_HEADERS },
    body,
  };
}
