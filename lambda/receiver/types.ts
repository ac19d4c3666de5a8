// Every type of the receiver, in one place (as Powertools keeps its `types.ts`).
import type { Logger } from '@aws-lambda-powertools/logger';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import type {
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type { AmtTokens } from '../core/amt-secret.ts';
import type { RouteKind } from '../core/constants.ts';
import type { QuarantineReason } from '../core/quarantine-layout.ts';
import type { SdkClientConnection } from '../core/sdk-client.ts';
import type { OUTCOME_CODE } from './constants.ts';

export type { AmtTokens } from '../core/amt-secret.ts';

import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { QuarantineStore } from '../core/quarantine-layout.ts';

/**
 * What the receiver accepts: an HTTP API (payload 2.0) or REST API (1.0) proxy event, or a Lambda
 * Function URL event (the 2.0 shape, with `routeKey: '$default'`: the route comes from `rawPath`).
 *
 * @example
 * ```ts
 * const event: ReceiverEvent = { version: '2.0', routeKey: '$default', rawPath: '/webhooks/smartcar', ... };
 * ```
 */
export type ReceiverEvent = APIGatewayProxyEventV2 | APIGatewayProxyEvent;

/**
 * What the receiver answers: valid for both API Gateway payload versions and Function URLs.
 *
 * @example
 * ```ts
 * const result: ReceiverResult = { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"status":"accepted"}' };
 * ```
 */
export type ReceiverResult = APIGatewayProxyStructuredResultV2 & { statusCode: number; body: string };

/**
 * The receiver function: usable as the Lambda handler itself (the context is optional and unused).
 *
 * @example
 * ```ts
 * const handler: ReceiverHandler = createReceiverHandler(deps);
 * const { statusCode } = await handler(event);
 * ```
 */
export type ReceiverHandler = (event: ReceiverEvent, context?: Context) => Promise<ReceiverResult>;

/**
 * What the receiver needs from any of the event shapes it accepts (see `normalizeRequest`).
 *
 * @example
 * ```ts
 * const request: NormalizedRequest = normalizeRequest(event, '/webhooks/smartcar/errors');
 * ```
 */
export interface NormalizedRequest {
  /** Uppercase HTTP method, or `undefined` if the event carries none. */
  method: string | undefined;
  route: RouteKind;
  /** The front door's request id, to correlate with its access log. */
  requestId: string | undefined;
  /** The `SC-Signature` value, `undefined` when absent or sent more than once with different values. */
  signature: string | undefined;
  /** Size of the raw body in bytes, known before decoding it. */
  bodyBytes: number;
  /** The body as sent on the wire (still base64 when `isBase64Encoded`). */
  body: string;
  isBase64Encoded: boolean;
}

/**
 * The raw bytes that were signed, and the same bytes as text for JSON.parse and SQS.
 *
 * @example
 * ```ts
 * const { bytes, text }: RawBody = readRawBody(request);
 * ```
 */
export interface RawBody {
  bytes: Buffer;
  text: string;
}

/**
 * One of the stable outcome codes in `OUTCOME_CODE`.
 *
 * @example
 * ```ts
 * const code: OutcomeCode = 'signature_invalid';
 * ```
 */
export type OutcomeCode = (typeof OUTCOME_CODE)[keyof typeof OUTCOME_CODE];

/**
 * Outcome of one request, reported to an optional observer (the local pipeline's live stats).
 *
 * @example
 * ```ts
 * const onOutcome = (outcome: ReceiverOutcome) => stats.count(outcome.code, outcome.route);
 * ```
 */
export interface ReceiverOutcome {
  statusCode: number;
  /** Stable outcome code, e.g. `enqueued`, `verify_answered`, `signature_invalid` (`OUTCOME_CODE`). */
  code: OutcomeCode;
  eventType?: string;
  eventId?: string;
  enqueued: boolean;
  /**
   * The `SC-Signature` matched an AMT (current or previous) before the outcome was decided: the
   * request came from Smartcar, so a 4xx refuses a real delivery (`SignedDeliveryRefused`).
   */
  signed: boolean;
  /** Which callback route the request came in on. */
  route: RouteKind;
  /** Size of the raw body in bytes (0 when it was not read, e.g. a 405). */
  bodyBytes: number;
}

/**
 * Extra, safe fields for the request's log line: ids, sizes, hashes and error names. Never the
 * AMT, a signature, or the body.
 *
 * @example
 * ```ts
 * const details: LogDetails = { deliveryId: 'dlv-1', messageId: 'm-1' };
 * ```
 */
export type LogDetails = Record<string, string | number | boolean | string[] | undefined>;

/**
 * What every decision may carry besides its code.
 *
 * @example
 * ```ts
 * const fields: DecisionFields = { eventType: 'VEHICLE_STATE', eventId: 'evt-1', details: { deliveryId: 'dlv-1' } };
 * ```
 */
export interface DecisionFields {
  eventType?: string;
  eventId?: string;
  /** Set by the pipeline when the signature matched; see `ReceiverOutcome.signed`. */
  signed?: boolean;
  details?: LogDetails;
  /** Accepted without an age check (no readable `meta.deliveredAt`): counted as `DeliveryAgeUnchecked`. */
  ageUnchecked?: boolean;
}

/**
 * How one request ended, before it is answered and reported. Each step of the pipeline returns
 * one. Only a VERIFY answer carries its own response; every other outcome's response follows from
 * its code (`respond`), so a code can never be answered with the wrong status.
 *
 * @example
 * ```ts
 * const refused: Decision = { code: 'signature_invalid', details: { signatureCheck: 'missing' } };
 * const answered: Decision = { code: 'verify_answered', response: verifyResponse(body), eventType: 'VERIFY' };
 * ```
 */
export type Decision =
  | (DecisionFields & { code: typeof OUTCOME_CODE.VERIFY_ANSWERED; response: ReceiverResult })
  | (DecisionFields & { code: Exclude<OutcomeCode, typeof OUTCOME_CODE.VERIFY_ANSWERED> });

/**
 * Source of the AMT; implementations cache and rate-limit refetches.
 *
 * @example
 * ```ts
 * const amt: AmtProvider = staticAmtProvider('amt');
 * const { current } = await amt.get();
 * ```
 */
export interface AmtProvider {
  /** Cached tokens; fetches when the cache is empty or expired. Throws when the secret cannot be read. */
  get(): Promise<AmtTokens>;
  /**
   * Called after a signature mismatch: refetches if the last fetch is older than the refetch
   * interval and returns the (possibly new) tokens, or `undefined` when a refetch is not allowed yet.
   */
  refreshAfterMismatch(): Promise<AmtTokens | undefined>;
}

/**
 * Options of the Secrets Manager-backed {@link AmtProvider}.
 *
 * @example
 * ```ts
 * const options: SecretsManagerAmtProviderOptions = { secretId: 'smartcar/amt', client: new SecretsManagerClient({}) };
 * ```
 */
export interface SecretsManagerAmtProviderOptions {
  /** ARN or name of the secret. */
  secretId: string;
  client: SecretsManagerClient;
  /** How long fetched tokens are trusted. @default PIPELINE_DEFAULTS.amtCacheSeconds */
  cacheSeconds?: number;
  /**
   * Least time between two fetches triggered by a signature mismatch, and how long a "not
   * configured" answer is remembered. @default PIPELINE_DEFAULTS.amtRefetchMinIntervalSeconds
   */
  refetchMinIntervalSeconds?: number;
  /**
   * How long a failed read is remembered when no tokens were fetched before (requests meanwhile
   * get 503 without a call). @default AMT_UNAVAILABLE_RETRY_SECONDS (5)
   */
  unavailableRetrySeconds?: number;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
  /** Told when stale tokens are served because a refresh failed. */
  logger?: Pick<Logger, 'warn'>;
}

/**
 * Everything the receiver needs, built once per container (or once per local pipeline).
 *
 * @example
 * ```ts
 * const deps: ReceiverDependencies = { queueUrl, sqs: createReceiverSqsClient(), amt: staticAmtProvider('amt'), logger, metrics };
 * ```
 */
export interface ReceiverDependencies {
  queueUrl: string;
  sqs: SQSClient;
  amt: AmtProvider;
  /**
   * Where a signed body that cannot be processed normally is stored before it is answered
   * (`docs/quarantine.md`): S3 in AWS (`createS3QuarantineStore`), a folder in `npm start`.
   */
  quarantine: QuarantineStore;
  logger: Logger;
  metrics: Metrics;
  /** @default PIPELINE_DEFAULTS.maxBodyBytes */
  maxBodyBytes?: number;
  /** Requests on this path are tagged `route=error`. @default ROUTES.ERROR_PATH */
  errorCallbackPath?: string;
  /**
   * A signed delivery whose `meta.deliveredAt` is further than this from `now()`, in either
   * direction, is refused as `stale_delivery`; 0 turns the check off.
   * @default PIPELINE_DEFAULTS.deliveryToleranceSeconds
   */
  deliveryToleranceSeconds?: number;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
  onOutcome?: (outcome: ReceiverOutcome) => void;
}

/**
 * {@link ReceiverDependencies} with every default applied, once, when the handler is built: the
 * steps read settings from here instead of each repeating a default.
 *
 * @example
 * ```ts
 * const resolved: ResolvedReceiverDependencies = { ...deps, now: Date.now, maxBodyBytes: 1_048_576, ... };
 * ```
 */
export type ResolvedReceiverDependencies = ReceiverDependencies &
  Required<Pick<ReceiverDependencies, 'now' | 'maxBodyBytes' | 'errorCallbackPath' | 'deliveryToleranceSeconds'>>;

/**
 * The receiver's settings, read from the environment by `loadReceiverConfig`.
 *
 * @example
 * ```ts
 * const config: ReceiverConfig = loadReceiverConfig(process.env);
 * ```
 */
export interface ReceiverConfig {
  queueUrl: string;
  amtSecretId: string;
  /** The bucket of the quarantine (`docs/quarantine.md`). */
  quarantineBucketName: string;
  maxBodyBytes: number;
  amtCacheSeconds: number;
  errorCallbackPath: string;
  /** Replay window on `meta.deliveredAt`, in seconds; 0 turns the check off. */
  deliveryToleranceSeconds: number;
}

/**
 * A signed delivery `classifySignedBody` found ready for the queue: what gets persisted.
 *
 * @example
 * ```ts
 * const delivery: SignedDelivery = { request, raw, verdict, receivedAt: Date.now() };
 * ```
 */
export interface SignedDelivery {
  request: NormalizedRequest;
  raw: RawBody;
  verdict: Extract<SignedBodyVerdict, { kind: 'deliver' }>;
  /** Epoch ms: the same instant as the `receivedAt` attribute. */
  receivedAt: number;
}

/**
 * What the attributes of one persisted delivery say about it.
 *
 * @example
 * ```ts
 * const delivery: Delivery = { eventType: 'VEHICLE_STATE', eventId: 'evt-1', route: 'data', receivedAt: Date.now() };
 * ```
 */
export interface Delivery {
  eventType: string;
  eventId?: string;
  deliveryId?: string;
  route: RouteKind;
  /** Epoch milliseconds. */
  receivedAt: number;
}

/**
 * Options of {@link createS3QuarantineStore}.
 *
 * @example
 * ```ts
 * const options: S3QuarantineStoreOptions = { bucket: process.env.QUARANTINE_BUCKET_NAME! };
 * ```
 */
export interface S3QuarantineStoreOptions {
  bucket: string;
  /**
   * The client to use (tests: a path-style client for a loopback stand-in).
   * @default - the receiver's own (`loadReceiverS3Client`), built on the first quarantine
   */
  client?: S3Client;
  /** Where the default client sends its requests. @default - the SDK's usual configuration */
  connection?: SdkClientConnection;
  /** Unique part of each key. @default randomUUID */
  uuid?: () => string;
}

/**
 * A signed body the queue cannot take, and why.
 *
 * @example
 * ```ts
 * const refused: QuarantineCandidate = { route: 'data', raw, reason: 'not_utf8', receivedAt: Date.now() };
 * ```
 */
export interface QuarantineCandidate {
  route: RouteKind;
  raw: RawBody;
  reason: QuarantineReason;
  /** Epoch ms when the receiver got it. */
  receivedAt: number;
  /** The parsed body, when it parsed. */
  envelope?: Extract<Envelope, { kind: 'event' }>;
}

/**
 * What one parse of the body tells the receiver.
 *
 * @example
 * ```ts
 * const envelope: Envelope = parseEnvelope(raw.text);
 * if (envelope.kind === 'verify') answer(envelope.challenge);
 * ```
 */
export type Envelope =
  /** Not JSON, or JSON that is not an object (array, string, number, null). */
  | { kind: 'invalid' }
  /** A 4.0 `eventType: VERIFY` or legacy 2.0 `eventName: verify`; `challenge` when it is a string. */
  | { kind: 'verify'; challenge: string | undefined; eventId?: string; deliveryId?: string }
  /**
   * Anything else; `eventType` is missing when neither `eventType` nor legacy `eventName` is a
   * non-empty string. `deliveredAt` is `meta.deliveredAt` as sent (number, string, or anything),
   * for the delivery-age check.
   */
  | { kind: 'event'; eventType: string | undefined; eventId?: string; deliveryId?: string; deliveredAt?: unknown };

/**
 * The signature check's verdict, with what a user needs to debug a mismatch.
 *
 * @example
 * ```ts
 * const check: SignatureCheck = { tokens, failure: 'mismatch', refetched: true };
 * ```
 */
export interface SignatureCheck {
  /** The token the signature was made with; absent when no token matched. */
  matchedToken?: string;
  /** The tokens that were tried; absent when the header was missing or malformed. */
  tokens?: AmtTokens;
  /** Why no token matched. */
  failure?: 'missing' | 'malformed' | 'mismatch';
  refetched: boolean;
}

/**
 * What a signed body is, decided without any I/O: the one place that says which bodies go to the
 * queue, so the receiver and `npm run dlq -- quarantine requeue` can never disagree.
 *
 * @example
 * ```ts
 * const verdict: SignedBodyVerdict = classifySignedBody(raw, options);
 * if (verdict.kind === 'quarantine') await quarantine.put({ reason: verdict.reason, ... });
 * ```
 */
export type SignedBodyVerdict =
  /** A VERIFY challenge, answered by `challenge.ts`. */
  | { kind: 'verify'; envelope: Extract<Envelope, { kind: 'verify' }> }
  /** Outside the replay window: refused, never stored (see `docs/quarantine.md`). */
  | { kind: 'stale'; envelope: EventEnvelope; age: Extract<DeliveryAge, { verdict: 'stale' | 'future' }> }
  /** Authentic but not processable as it is: stored in the quarantine. */
  | { kind: 'quarantine'; reason: QuarantineReason; envelope?: EventEnvelope }
  /** Ready for the queue: the exact text and attributes of the one SendMessage. */
  | {
      kind: 'deliver';
      envelope: EventEnvelope;
      eventType: string;
      attributes: Record<string, MessageAttributeValue>;
      /** `missing` or `unreadable` when `meta.deliveredAt` could not be checked. */
      ageUnchecked?: 'missing' | 'unreadable';
    };

/**
 * What {@link classifySignedBody} needs besides the body.
 *
 * @example
 * ```ts
 * const options: ClassifyOptions = { isBase64Encoded: false, route: 'data', receivedAt: Date.now(), toleranceMs: 900_000, maxBodyBytes: 1_048_576 };
 * ```
 */
export interface ClassifyOptions {
  /** The body came base64-encoded: only then can its bytes be other than UTF-8. */
  isBase64Encoded: boolean;
  route: RouteKind;
  /** Epoch ms: the `receivedAt` attribute, and the clock of the replay window. */
  receivedAt: number;
  /** Replay window in ms; 0 turns it off (a requeue: the window was checked when it arrived). */
  toleranceMs: number;
  maxBodyBytes: number;
}

/**
 * What the age check concluded about one delivery.
 *
 * @example
 * ```ts
 * const age: DeliveryAge = checkDeliveryAge(envelope.deliveredAt, Date.now(), 900_000);
 * if (age.verdict === 'stale') refuse(age.ageMs);
 * ```
 */
export type DeliveryAge =
  /** Within the tolerance: accepted. */
  | { verdict: 'fresh'; deliveredAt: number; ageMs: number }
  /** Older than the tolerance: refused. */
  | { verdict: 'stale'; deliveredAt: number; ageMs: number }
  /** Further in the future than the tolerance: refused (`ageMs` is negative). */
  | { verdict: 'future'; deliveredAt: number; ageMs: number }
  /** No `meta.deliveredAt` (legacy 2.0 shapes): accepted as before, and counted. */
  | { verdict: 'missing' }
  /**
   * A `meta.deliveredAt` that is no plausible time (see `epochMs`: not a number or date, or before
   * 2001-09-09): accepted and counted (see {@link checkDeliveryAge}).
   */
  | { verdict: 'unreadable' }
  /** The check is turned off (tolerance 0). */
  | { verdict: 'unchecked' };

export type EventEnvelope = Extract<Envelope, { kind: 'event' }>;
