import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type {
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';

/** What the receiver accepts: an HTTP API (payload 2.0) or a REST API (1.0) proxy event. */
export type ReceiverEvent = APIGatewayProxyEventV2 | APIGatewayProxyEvent;

/** What the receiver answers (valid for both API types). */
export type ReceiverResult = APIGatewayProxyStructuredResultV2 & { statusCode: number; body: string };

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

/** Outcome of one request, reported to an optional observer (the local pipeline's live stats). */
export interface ReceiverOutcome {
  statusCode: number;
  /** Stable outcome code, e.g. `enqueued`, `verify_answered`, `signature_invalid`. */
  code: string;
  eventType?: string;
  eventId?: string;
  enqueued: boolean;
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
