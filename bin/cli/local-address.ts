import { LOCAL_ADDRESS, PORT_ENV } from '../../local/api/constants.ts';
import { intOption } from './args.ts';

/**
 * Where the running `npm start` listens: `http://127.0.0.1:$PORT`, the same `PORT` the pipeline
 * reads, else the default port. The commands aim here unless told otherwise.
 *
 * @throws UsageError when `PORT` is not a port number (`PORT=0` picks a free port for `npm start`,
 * which no command can guess).
 * @example
 * ```ts
 * localPipelineUrl({ PORT: '8080' }); // 'http://127.0.0.1:8080'
 * ```
 */
export function localPipelineUrl(env: NodeJS.ProcessEnv = process.env): string {
  const port = intOption(env[PORT_ENV] || undefined, PORT_ENV, { default: LOCAL_ADDRESS.port, min: 1, max: 65_535 });
  return `http://${LOCAL_ADDRESS.host}:${port}`;
}

/**
 * Whether `url` points at this machine (where `npm start` would listen), to word a refusal.
 *
 * @example
 * ```ts
 * isLoopbackUrl(new URL('http://localhost:3000')); // true
 * ```
 */
export function isLoopbackUrl(url: URL): boolean {
  return ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}
