import { Duration, Names, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Queue, QueueProps } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV, PIPELINE_DEFAULTS, SERVICE } from '../../lambda/core/constants.ts';
import { DEFAULT_LOG_LEVEL, PROCESSOR_DEFAULTS, RESOURCE_DEFAULTS } from '../defaults.ts';
import { InvalidPropsError } from '../errors.ts';
import { overrideProps } from '../override-props.ts';
import { type FunctionOverrides, FunctionWithLogGroup } from './function-with-log-group.ts';
import { processingQueues } from './processing-queues.ts';
import { idempotencyTable, vehicleStateTable } from './processing-tables.ts';
import { queueSettings } from './queue-settings.ts';

/** Properties of {@link Processing}. */
export interface ProcessingProps {
  /** CloudWatch namespace of the custom metrics (per stage). */
  readonly metricsNamespace: string;
  /**
   * Processor memory in MB.
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Processor timeout. The queue's visibility timeout is six times this.
   * @default Duration.seconds(PIPELINE_DEFAULTS.processorTimeoutSeconds) (30 s)
   */
  readonly timeout?: Duration;
  /**
   * Records per invocation.
   * @default PIPELINE_DEFAULTS.batchSize (10)
   */
  readonly batchSize?: number;
  /**
   * How long the event source waits to fill a batch.
   * @default Duration.seconds(0)
   */
  readonly maxBatchingWindow?: Duration;
  /**
   * Most concurrent processor invocations the event source starts (2–1000).
   * @default 20
   */
  readonly maxConcurrency?: number;
  /**
   * Receives before SQS moves a message to the DLQ; also given to the processor so it can
   * count the last attempt.
   * @default PIPELINE_DEFAULTS.maxReceiveCount (3)
   */
  readonly maxReceiveCount?: number;
  /**
   * How far past its delivery's receipt a signal's `oemUpdatedAt` (or an error report's
   * `deliveredAt`) is believed, in seconds: a later one is ordered at the receipt plus this and
   * counted (`FutureSignal`), so a wrong OEM clock cannot freeze a signal.
   * @default PIPELINE_DEFAULTS.futureToleranceSeconds (900)
   */
  readonly futureToleranceSeconds?: number;
  /**
   * Powertools log level.
   * @default 'INFO'
   */
  readonly logLevel?: string;
  /**
   * Retention of the processor's log group.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * What happens to the tables, queues and log group when the stack is deleted.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Customer managed key for both queues and both tables (`-c encryptionKey`).
   * @default - SSE-SQS queues, tables on DynamoDB's AWS-owned key
   */
  readonly encryptionKey?: IKey;
  /**
   * The processor's entry file, exporting `handler` (your own business handlers).
   * @default lambda/processor/index.ts (the example handlers)
   */
  readonly entry?: string;
  /** `NodejsFunction` props merged over the processor's. @default - none */
  readonly functionProps?: FunctionOverrides;
  /** Queue props merged over the main queue's (its DLQ stays the construct's). @default - none */
  readonly queueProps?: Partial<Omit<QueueProps, 'deadLetterQueue'>>;
  /** Queue props merged over the DLQ's. @default - none */
  readonly deadLetterQueueProps?: Partial<QueueProps>;
  /**
   * Create the example handlers' vehicle-state table (and the processor's grant and variable for
   * it). Without it, `entry` must be a handler that keeps no vehicle state.
   * @default true
   */
  readonly vehicleStateStore?: boolean;
}

/** Default props of `Processing`. */
export const PROCESSING_PROPS_DEFAULTS = {
  memorySize: PROCESSOR_DEFAULTS.memoryMb,
  timeout: Duration.seconds(PIPELINE_DEFAULTS.processorTimeoutSeconds),
  batchSize: PIPELINE_DEFAULTS.batchSize,
  maxBatchingWindow: Duration.seconds(PROCESSOR_DEFAULTS.maxBatchingWindowSeconds),
  maxConcurrency: PROCESSOR_DEFAULTS.maxConcurrency,
  maxReceiveCount: PIPELINE_DEFAULTS.maxReceiveCount,
  futureToleranceSeconds: PIPELINE_DEFAULTS.futureToleranceSeconds,
  logLevel: DEFAULT_LOG_LEVEL,
  vehicleStateStore: true,
  ...RESOURCE_DEFAULTS,
} as const satisfies Partial<ProcessingProps>;

/**
 * The durable half of the pipeline: the main queue and its DLQ, the processor Lambda fed by
 * the queue with partial batch responses, and the processor's two DynamoDB tables.
 *
 * Secure defaults: both queues SSE-SQS and TLS-only, 1 MiB messages set explicitly (the
 * attribute still defaults to 256 KiB), visibility timeout six times the processor timeout
 * (AWS guidance, so a record is never redelivered while a slow batch still runs), DLQ kept
 * 14 days; tables on-demand, encrypted at rest, with TTL and point-in-time recovery.
 *
 * @example
 * ```ts
 * const processing = new Processing(this, 'Processing', { metricsNamespace: 'SmartcarWebhooks/dev' });
 * new ReceiverFunction(this, 'Receiver', { queue: processing.queue, ... });
 * ```
 */
export class Processing extends Construct {
  /** Main queue: the receiver writes, the processor reads. */
  public readonly queue: Queue;
  /** Where records go after `maxReceiveCount` failed receives. */
  public readonly deadLetterQueue: Queue;
  /** The processor function. */
  public readonly function: NodejsFunction;
  /** The processor's log group. */
  public readonly logGroup: LogGroup;
  /** Powertools Idempotency records, one per eventId (see lambda/processor/idempotency.ts). */
  public readonly idempotencyTable: Table;
  /** Latest vehicle state, for the freshness guard and the example handlers (unless `vehicleStateStore` is false). */
  public readonly vehicleStateTable?: Table;
  /** The value used by the redrive policy. */
  public readonly maxReceiveCount: number;

  public constructor(scope: Construct, id: string, userProps: ProcessingProps) {
    super(scope, id);
    const props = overrideProps(PROCESSING_PROPS_DEFAULTS, userProps);
    if (!props.vehicleStateStore && props.entry === undefined) {
      // The example handlers merge every event into that table: without it they fail every record.
      throw new InvalidPropsError(
        'vehicleStateStore',
        'false needs your own processor entry (the example handlers keep vehicle state)',
      );
    }
    const { removalPolicy } = props;
    const timeout = props.functionProps?.timeout ?? props.timeout;
    // The same derivation as the local pipeline's queues (local/sqs.ts).
    const queue = queueSettings({
      processorTimeoutSeconds: timeout.toSeconds(),
      maxReceiveCount: props.maxReceiveCount,
    });
    this.maxReceiveCount = queue.maxReceiveCount;

    const queues = processingQueues(this, {
      settings: queue,
      removalPolicy,
      encryptionKey: props.encryptionKey,
      queueProps: props.queueProps,
      deadLetterQueueProps: props.deadLetterQueueProps,
    });
    this.deadLetterQueue = queues.deadLetterQueue;
    this.queue = queues.queue;

    this.idempotencyTable = idempotencyTable(this, removalPolicy, props.encryptionKey);
    const stateTable = props.vehicleStateStore
      ? vehicleStateTable(this, removalPolicy, props.encryptionKey)
      : undefined;
    this.vehicleStateTable = stateTable;

    const fn = new FunctionWithLogGroup(this, 'Processor', {
      name: 'processor',
      entry: props.entry,
      functionProps: props.functionProps,
      description: 'Smartcar webhook processor: idempotent, freshness-guarded dispatch to handlers',
      memorySize: props.memorySize,
      timeout,
      logRetention: props.logRetention,
      removalPolicy,
      environment: {
        [ENV.IDEMPOTENCY_TABLE_NAME]: this.idempotencyTable.tableName,
        [ENV.IDEMPOTENCY_TTL_SECONDS]: String(PIPELINE_DEFAULTS.idempotencyTtlSeconds),
        ...(stateTable && {
          [ENV.VEHICLE_STATE_TABLE_NAME]: stateTable.tableName,
          [ENV.VEHICLE_STATE_TTL_SECONDS]: String(PIPELINE_DEFAULTS.vehicleStateTtlSeconds),
        }),
        [ENV.MAX_RECEIVE_COUNT]: String(this.maxReceiveCount),
        [ENV.FUTURE_TOLERANCE_SECONDS]: String(props.futureToleranceSeconds),
        [ENV.SERVICE_NAME]: SERVICE.PROCESSOR,
        [ENV.METRICS_NAMESPACE]: props.metricsNamespace,
        [ENV.LOG_LEVEL]: props.logLevel,
      },
    });
    // Powertools Idempotency (DynamoDBPersistenceLayer) calls all four: PutItem takes the
    // INPROGRESS record, GetItem reads a record the refused put did not return, UpdateItem marks
    // it COMPLETED, DeleteItem releases it when a handler throws.
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        resources: [this.idempotencyTable.tableArn],
      }),
    );
    // The vehicle stores read (consistent GetItem) and write (conditional PutItem) one item per
    // vehicle; nothing updates or deletes in place.
    if (stateTable) {
      fn.role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], resources: [stateTable.tableArn] }),
      );
    }

    // The event source mapping polls with the function's role and needs exactly these three
    // (AWS Lambda/SQS guide). SqsEventSource would call queue.grantConsumeMessages, which also
    // grants sqs:ChangeMessageVisibility and sqs:GetQueueUrl that nothing here calls. Same id as
    // SqsEventSource uses, so the mapping's logical id (and the deployed mapping) stay.
    fn.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        resources: [this.queue.queueArn],
      }),
    );
    // With a customer managed key: the event source mapping's ReceiveMessage needs kms:Decrypt
    // (SQS guide, "Configuring a queue to trigger a Lambda function": permissions for encrypted
    // queues), and DynamoDB decrypts the tables' key on the processor's behalf for its item calls.
    props.encryptionKey?.grant(fn.role, 'kms:Decrypt');
    fn.function.addEventSourceMapping(`SqsEventSource:${Names.nodeUniqueId(this.queue.node)}`, {
      eventSourceArn: this.queue.queueArn,
      batchSize: props.batchSize,
      maxBatchingWindow: props.maxBatchingWindow,
      maxConcurrency: props.maxConcurrency,
      reportBatchItemFailures: true,
    });
    Validations.of(fn.function).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        "Invoked by the SQS event source mapping only; failed records go to the queue's redrive DLQ. An async dead-letter target would never receive anything.",
    });
    Validations.of(fn.function).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason:
        "SQS event source mappings have no on-failure destination; the queue's redrive policy (maxReceiveCount) moves failed records to the DLQ.",
    });

    this.function = fn.function;
    this.logGroup = fn.logGroup;
  }
}
