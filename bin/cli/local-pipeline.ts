import { LOCAL_PATHS } from '../../local/api/constants.ts';
import type { LocalDeliveryStatus, LocalEndpoints } from '../../local/api/types.ts';
import { CliError, UsageError } from './errors.ts';

/**
 * Asks a running local pipeline where its parts listen (`GET /_local/endpoints`).
 * `otherTargets` names the CLI's other target options for the error message.
 *
 * @example
 * ```ts
 * const { webhookUrl } = await fetchLocalEndpoints('http://127.0.0.1:3000', '--local URL or --stack NAME');
 * ```
 */
export async function fetchLocalEndpoints(
  url: string,
  otherTargets = '--local URL, --stack NAME or --queue-url/--dlq-url',
): Promise<LocalEndpoints> {
  let response: Response;
  try {
    response = await fetch(new URL(LOCAL_PATHS.ENDPOINTS, url), { signal: AbortSignal.timeout(5_000) });
  } catch {
    throw new UsageError(`No local pipeline answers at ${url}: start it with npm start, or pass ${otherTargets}`);
  }
  if (!response.ok)
    throw new UsageError(`${url} is not a local pipeline (${LOCAL_PATHS.ENDPOINTS} answered ${response.status})`);
  return (await response.json()) as LocalEndpoints;
}

/**
 * What a running local pipeline knows of one event (`GET /_local/deliveries/{eventId}`):
 * `undefined` when it knows nothing (404). Fields beyond `eventId` may be absent.
 *
 * @throws CliError when the pipeline stops answering or answers with another error.
 * @example
 * ```ts
 * const delivery = await fetchLocalDelivery('http://127.0.0.1:3000', 'evt-1');
 * delivery?.lastError?.message; // 'boom'
 * ```
 */
export async function fetchLocalDelivery(
  baseUrl: string,
  eventId: string,
): Promise<Partial<LocalDeliveryStatus> | undefined> {
  const url = new URL(`${LOCAL_PATHS.DELIVERIES}/${encodeURIComponent(eventId)}`, baseUrl);
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  } catch (error) {
    throw new CliError(`The local pipeline at ${baseUrl} stopped answering`, { cause: error });
  }
  if (response.status === 404) return undefined;
  if (!response.ok)
    throw new CliError(`${url.pathname} answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  return (await response.json()) as Partial<LocalDeliveryStatus>;
}
