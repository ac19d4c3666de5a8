import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { QuarantineStore } from '../../core/quarantine-layout.ts';
import type { AmtProvider } from './amt.ts';
import type { ReceiverOutcome } from './outcome.ts';

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
