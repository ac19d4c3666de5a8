import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { RouteKind } from '../core/constants.ts';
import type { OUTCOME_CODE } from './constants.ts';
import type {
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';

/** What the receiver accepts: an HTTP API (payload 2.0) or a REST API (1.0) proxy event. */
export type ReceiverEvent = APIGatewayProxyEventV2 | APIGatewayProxyEvent;

/** What the receiver answers (valid for both API types). */
export type ReceiverResult = APIGatewayProxyStructuredResultV2 & { statusCode: number; body: string };

/** The receiver function: usable as the Lambda handler itself (the context is optional and unused). */
export type ReceiverHandler = (event: ReceiverEvent, context?: Context) => Promise<ReceiverResult>;

/** The AMT(s) currently accepted: `current`, and `previous` during a rotation window. */
export interface AmtTokens {
  current: string;
  previous?: string;
}

/** Source of the AMT; implementations cache and rate-limit refetches. */
export interface AmtProvider {
  /** Cached tokens; fetches when the cache is empty or expired. Throws when the secret cannot be read. */
  get(): Promise<AmtTokens>;
  /**
   * Called after a signature mismatch: refetches if the last fetch is older than the refetch
   * interval and returns the (possibly new) tokens, or `undefined` when a refetch is not allowed yet.
   */
  refreshAfterMismatch(): Promise<AmtTokens | undefined>;
}

/** Options of the Secrets Manager-backed {@link AmtProvider}. */
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

/** The receiver's settings, read from the environment by `loadReceiverConfig`. */
export interface ReceiverConfig {
  queueUrl: string;
  amtSecretId: string;
  maxBodyBytes: number;
  amtCacheSeconds: number;
  errorCallbackPath: string;
}

/** One of the stable outcome codes in `OUTCOME_CODE`. */
export type OutcomeCode = (typeof OUTCOME_CODE)[keyof typeof OUTCOME_CODE];

/** Outcome of one request, reported to an optional observer (the local pipeline's live stats). */
export interface ReceiverOutcome {
  statusCode: number;
  /** Stable outcome code, e.g. `enqueued`, `verify_answered`, `signature_invalid` (`OUTCOME_CODE`). */
  code: OutcomeCode;
  eventType?: string;
  eventId?: string;
  enqueued: boolean;
  /** Which callback route the request came in on. */
  route: RouteKind;
  /** Size of the raw body in bytes (0 when it was not read, e.g. a 405). */
  bodyBytes: number;
}

/** Everything the receiver needs, built once per container (or once per local pipeline). */
export interface ReceiverDependencies {
  queueUrl: string;
  sqs: SQSClient;
  amt: AmtProvider;
  logger: Logger;
  metrics: Metrics;
  /** @default PIPELINE_DEFAULTS.maxBodyBytes */
  maxBodyBytes?: number;
  /** Requests on this path are tagged `route=error`. @default ROUTES.ERROR_PATH */
  errorCallbackPath?: string;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
  onOutcome?: (outcome: ReceiverOutcome) => void;
}
