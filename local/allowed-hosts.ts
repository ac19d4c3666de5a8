import { UsageError } from '../bin/cli/errors.ts';
import { isLoopbackHost } from './loopback-guard.ts';

/**
 * `npm start -- --allow-host NAME`: the host names a tunnel (ngrok, cloudflared) forwards in
 * `Host`, which may reach the webhook routes and nothing else. Everything else on the local
 * server stays loopback-only (`local/loopback-guard.ts`).
 */

/** One DNS label: letters, digits and inner dashes, at most 63 characters. */
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOST_WITH_PORT = new RegExp(`^${LABEL}(?:\\.${LABEL})*(?::(\\d{1,5}))?$`, 'i');

/**
 * Reads the repeatable `--allow-host` values: each an exact host name with an optional `:port`,
 * as a tunnel puts it in `Host`. Returns them lower-cased (the match ignores case) and without
 * repeats; none when the flag is absent.
 *
 * @throws {UsageError} for an empty value, a URL (scheme or path), a wildcard, a bad port, or a
 *   loopback name (those reach everything already).
 * @example
 * ```ts
 * allowHostOption(['Abc.ngrok.app', 'abc.ngrok.app:8443'], '--allow-host'); // ['abc.ngrok.app', 'abc.ngrok.app:8443']
 * allowHostOption(['https://abc.ngrok.app'], '--allow-host'); // throws: a host name, not a URL
 * ```
 */
export function allowHostOption(values: readonly string[] | undefined, name: string): string[] {
  const hosts = (values ?? []).map((value) => checkedHost(value, name));
  return [...new Set(hosts)];
}

/**
 * True when a request's `Host` header is one of `allowed` (from {@link allowHostOption}):
 * the same name, case aside, and the same port or none, exactly.
 *
 * @example
 * ```ts
 * isAllowedHost('ABC.ngrok.app', ['abc.ngrok.app']); // true
 * isAllowedHost('abc.ngrok.app:3000', ['abc.ngrok.app']); // false: not the same Host
 * isAllowedHost('evil.example', ['abc.ngrok.app']); // false
 * ```
 */
export function isAllowedHost(host: string | undefined, allowed: readonly string[]): boolean {
  return host !== undefined && allowed.includes(host.trim().toLowerCase());
}

function checkedHost(value: string, name: string): string {
  const host = value.trim().toLowerCase();
  const example = `such as ${name} abc.ngrok.app`;
  if (host === '') throw new UsageError(`${name} needs a host name, ${example}`);
  if (host.includes('://')) {
    throw new UsageError(`${name} takes a host name, not a URL: got "${value}"; pass ${hostOfUrl(host) ?? 'its host'}`);
  }
  if (host.includes('*')) throw new UsageError(`${name} takes one exact host name, not a wildcard: got "${value}"`);
  if (host.includes('/')) {
    throw new UsageError(`${name} takes a host name without a path: got "${value}"; pass ${host.split('/')[0]}`);
  }
  const match = HOST_WITH_PORT.exec(host);
  const port = match?.[1] === undefined ? undefined : Number(match[1]);
  const hostName = port === undefined ? host : host.slice(0, host.lastIndexOf(':'));
  if (!match || hostName.length > 253 || (port !== undefined && (port < 1 || port > 65_535))) {
    throw new UsageError(`${name} must be a host name with an optional :port, ${example}, got "${value}"`);
  }
  if (isLoopbackHost(host)) {
    throw new UsageError(`${name} ${value}: loopback names reach everything already; pass the tunnel's host name`);
  }
  return host;
}

function hostOfUrl(url: string): string | undefined {
  try {
    return new URL(url).host || undefined;
  } catch {
    return undefined;
  }
}
