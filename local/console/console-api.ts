import { timingSafeEqual } from 'node:crypto';
import { type DlqTarget, peekDlq, purgeDlq, redriveDlq } from '../../bin/cli/dlq-operations.ts';
import { localQuarantineSource, requeueQuarantined } from '../../bin/cli/quarantine-operations.ts';
import type { SendKind } from '../../bin/cli/send-plan.ts';
import type { IdempotencyStatusReader } from '../../lambda/core/idempotency-status.ts';
import { redactPersonalData } from '../../lambda/processor/redact.ts';
import { SIGNAL_CATALOGUE } from '../../lib/signal-catalogue.ts';
import { LOCAL_PATHS, LOCAL_TOKEN_HEADER } from '../api/constants.ts';
import type { LocalQuarantineStore } from '../api/quarantine-store.ts';
import type { LocalDeliveryDetail, LocalEventDetail, LocalProcessorState } from '../api/types.ts';
import type { LocalApiAnswer, LocalApiRequest } from '../http-server.ts';
import { isSameLoopbackOrigin } from '../loopback-guard.ts';
import type { DeliveryLog } from './delivery-log.ts';
import { requestedSignals, resendDelivery, SEND_KINDS, type SendTarget, sendSample } from './send-actions.ts';
import { CONSOLE_ASSET_PREFIX, CONSOLE_HEADERS, consoleAsset, consolePage } from './static-files.ts';

/** What the console's API reads and acts on. */
export interface ConsoleApiDeps {
  /** This start's token for state-changing requests. */
  token: string;
  /** The pipeline's port (for the `Origin` check). */
  port: () => number;
  deliveries: DeliveryLog;
  readStatus: IdempotencyStatusReader;
  processor: () => LocalProcessorState;
  /** The console's chart data. */
  metrics: () => unknown;
  dlq: DlqTarget;
  /** The receiver's quarantine, and the queue a requeue sends to. */
  quarantine: { store: LocalQuarantineStore; sqs: DlqTarget['sqs']; queueUrl: string };
  send: () => SendTarget;
}

/** How much of a quarantined body the console shows in its list. */
const QUARANTINE_PREVIEW_CHARS = 400;

/** How many DLQ messages the console lists. */
const DLQ_PAGE = 100;

/**
 * The console and its JSON API: the page at `/`, its files under `/_console/`, reads under
 * `GET /_local/*` and actions under `POST /_local/*`. Every `POST` needs this start's token in
 * the {@link LOCAL_TOKEN_HEADER} header and no foreign `Origin`, so no other site can act
 * through a visitor's browser; answers carry no CORS headers, so no other site can read them.
 *
 * @example
 * ```ts
 * const http = await startLocalHttpServer({ ..., handleLocal: createConsoleApi(deps) });
 * ```
 */
export function createConsoleApi(
  deps: ConsoleApiDeps,
): (request: LocalApiRequest) => Promise<LocalApiAnswer | undefined> {
  // A peek holds DLQ messages for a moment: one DLQ operation at a time, so a redrive never
  // misses messages the page's refresh is holding.
  let dlqTurn: Promise<unknown> = Promise.resolve();
  const serially = <T>(operation: () => Promise<T>): Promise<T> => {
    const run = dlqTurn.then(operation, operation);
    dlqTurn = run.catch(() => undefined);
    return run;
  };
  const reads: Record<string, (request: LocalApiRequest) => Promise<unknown> | unknown> = {
    [LOCAL_PATHS.DELIVERIES]: ({ query }) =>
      deps.deliveries.list({
        ...(query.get('type') ? { eventType: query.get('type')! } : {}),
        ...(query.get('status') ? { status: query.get('status')! } : {}),
        ...(query.get('vehicle') ? { vehicle: query.get('vehicle')! } : {}),
        ...(query.get('limit') ? { limit: Math.max(1, Number(query.get('limit')) || 1) } : {}),
      }),
    [LOCAL_PATHS.PROCESSOR]: () => deps.processor(),
    [LOCAL_PATHS.METRICS]: () => deps.metrics(),
    [LOCAL_PATHS.SIGNALS]: () => SIGNAL_CATALOGUE.map(({ code, group, name, doc }) => ({ code, group, name, doc })),
    [LOCAL_PATHS.DLQ]: async () =>
      (await serially(() => peekDlq(deps.dlq, { max: DLQ_PAGE }))).map((entry) => {
        const lastError = deps.deliveries.lastError(entry.eventId);
        return lastError ? { ...entry, lastError } : entry;
      }),
  };
  reads[LOCAL_PATHS.QUARANTINE] = async () =>
    (await deps.quarantine.store.list()).map(({ body, ...entry }) => ({
      ...entry,
      bytes: body.length,
      preview: previewOf(body),
    }));
  const actions: Record<string, (body: Record<string, unknown>) => Promise<unknown>> = {
    [LOCAL_PATHS.QUARANTINE_REQUEUE]: async (body) => {
      const source = localQuarantineSource(deps.quarantine.store);
      const keys = Array.isArray(body.keys)
        ? body.keys.map(String)
        : (await source.list()).map((summary) => summary.key);
      return requeueQuarantined(source, deps.quarantine, keys);
    },
    [LOCAL_PATHS.DLQ_REDRIVE]: async (body) => {
      const eventIds = Array.isArray(body.eventIds) ? body.eventIds.map(String) : [];
      return serially(() => redriveDlq(deps.dlq, eventIds.length ? { eventIds } : {}));
    },
    [LOCAL_PATHS.DLQ_PURGE]: async () => {
      await serially(() => purgeDlq(deps.dlq));
      return { purged: true };
    },
    [LOCAL_PATHS.SEND]: async (body) => {
      const kind = String(body.kind) as SendKind;
      if (!SEND_KINDS.includes(kind)) return badRequest(`kind must be one of ${SEND_KINDS.join(', ')}`);
      const signals = requestedSignals(body.signals);
      if (signals.invalid) return badRequest(signals.invalid);
      return sendSample(kind, deps.send(), kind === 'state' ? signals.codes : undefined);
    },
    [LOCAL_PATHS.RESEND]: async (body) => {
      const delivery = deps.deliveries.delivery(String(body.id));
      return delivery ? resendDelivery(delivery, deps.send()) : notFound();
    },
  };

  return async (request) => {
    const { method, path } = request;
    if (method === 'GET' && path === '/') return consolePage(deps.token);
    if (method === 'GET' && path.startsWith(CONSOLE_ASSET_PREFIX))
      return consoleAsset(path.slice(CONSOLE_ASSET_PREFIX.length));
    if (method === 'GET' && reads[path]) return json(200, await reads[path](request));
    if (method === 'GET' && path.startsWith(`${LOCAL_PATHS.DELIVERIES}/`)) {
      const eventId = decode(path.slice(LOCAL_PATHS.DELIVERIES.length + 1));
      const detail = eventId === undefined ? undefined : await eventDetail(deps, eventId);
      return detail ? json(200, detail) : json(404, { message: 'Not Found' });
    }
    const action = actions[path];
    if (!action) return undefined;
    if (method !== 'POST') return json(405, { message: 'Use POST' });
    if (
      !tokenMatches(header(request, LOCAL_TOKEN_HEADER), deps.token) ||
      !isSameLoopbackOrigin(header(request, 'origin'), deps.port())
    ) {
      return json(403, {
        message: `Forbidden: state-changing requests need the ${LOCAL_TOKEN_HEADER} the console page carries`,
      });
    }
    let body: Record<string, unknown> = {};
    try {
      if (request.body.length > 0) body = JSON.parse(request.body.toString('utf8')) as Record<string, unknown>;
    } catch {
      return json(400, { message: 'The body must be JSON' });
    }
    const result = await action(body);
    return isAnswer(result) ? result : json(200, result);
  };
}

async function eventDetail(deps: ConsoleApiDeps, eventId: string): Promise<LocalEventDetail | undefined> {
  const [status, history] = [await deps.readStatus(eventId), deps.deliveries.event(eventId)];
  if (!status && !history) return undefined;
  const detail: LocalEventDetail = {
    eventId,
    status: status ?? 'NONE',
    processing: history?.processing ?? (status === 'COMPLETED' ? 'processed' : 'queued'),
    steps: history?.steps ?? [],
    attempts: history?.attempts ?? [],
    deliveries: (history?.deliveries ?? []).map(redactBody),
  };
  if (history?.lastError) detail.lastError = history.lastError;
  return detail;
}

/** The start of a quarantined body as the console lists it: redacted like any body when it is JSON. */
function previewOf(body: Buffer): string {
  const text = body.toString('utf8');
  let shown = text;
  try {
    shown = JSON.stringify(JSON.parse(text), redactPersonalData);
  } catch {
    // Not JSON (often the very reason it is quarantined): shown as it is, cut.
  }
  return shown.length > QUARANTINE_PREVIEW_CHARS ? `${shown.slice(0, QUARANTINE_PREVIEW_CHARS)}…` : shown;
}

/** The body as the console shows it: VINs and locations `[REDACTED]`, as in the logs (re-send uses the original). */
function redactBody(delivery: LocalDeliveryDetail): LocalDeliveryDetail {
  try {
    return { ...delivery, requestBody: JSON.stringify(JSON.parse(delivery.requestBody), redactPersonalData) };
  } catch {
    return delivery;
  }
}

const ANSWER = Symbol('answer');

function json(statusCode: number, value: unknown): LocalApiAnswer {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...CONSOLE_HEADERS },
    body: JSON.stringify(value),
  };
}

function badRequest(message: string): LocalApiAnswer & { [ANSWER]: true } {
  return { ...json(400, { message }), [ANSWER]: true };
}

function notFound(): LocalApiAnswer & { [ANSWER]: true } {
  return { ...json(404, { message: 'No such delivery in the log' }), [ANSWER]: true };
}

function isAnswer(value: unknown): value is LocalApiAnswer {
  return typeof value === 'object' && value !== null && ANSWER in value;
}

/** Constant-time comparison, as for any secret. */
function tokenMatches(given: string | undefined, token: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function header(request: LocalApiRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function decode(segment: string): string | undefined {
  if (segment === '' || segment.includes('/')) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
