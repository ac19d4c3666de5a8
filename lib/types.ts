import type { LogLevel as PowertoolsLogLevel } from '@aws-lambda-powertools/logger/types';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { ALARM_DEFAULTS } from './alarm-defaults.ts';
import type { FrontDoor } from './constructs/ingress-types.ts';

/** Alarm thresholds by alarm; each alarm fires when its statistic is greater than its threshold. */
export type AlarmThresholds = { -readonly [K in keyof typeof ALARM_DEFAULTS]: number };

/** Powertools log levels accepted by the stack, upper case as `POWERTOOLS_LOG_LEVEL` is documented. */
export type LogLevel = Uppercase<PowertoolsLogLevel>;

/** The pipeline's parts that the alarms and the dashboard watch. */
export interface MonitoredResources {
  /** CloudWatch namespace of the custom metrics (per stage). */
  readonly metricsNamespace: string;
  /** The front door (requests, latency, 4xx, 5xx), whichever `ingress` chose. */
  readonly frontDoor: FrontDoor;
  /** The receiver function. */
  readonly receiver: IFunction;
  /** The processor function. */
  readonly processor: IFunction;
  /** The main queue. */
  readonly queue: IQueue;
  /** The dead-letter queue. */
  readonly deadLetterQueue: IQueue;
  /** The event types drawn and added up by type (`SmartcarWebhookReceiver`'s checked `eventTypes`). */
  readonly eventTypes: readonly string[];
}

/**
 * `-c encryptionKey=...`: which KMS key protects the pipeline's data at rest.
 * - `aws-managed` (default): SSE-SQS queues, DynamoDB's AWS-owned key, CloudWatch Logs' own
 *   encryption, an unencrypted-at-the-SNS-level alarm topic, the secret on `aws/secretsmanager`;
 * - `create`: the stack creates one customer managed key (rotation on) and uses it for all of them;
 * - a key ARN: the same with a key you own (its key policy is yours: README "Encryption").
 */
export type EncryptionKeySetting = 'aws-managed' | 'create' | `arn:${string}`;
