import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, beforeEach, vi } from 'vitest';
import { MESSAGE_ATTRIBUTE, SERVICE } from '../../../lambda/core/constants.ts';
import { CompactLogFormatter } from '../../../lambda/core/log-formatter.ts';
import { redactPersonalData } from '../../../lambda/processor/redact.ts';
import type { ProcessorDependencies, ProcessorOutcome } from '../../../lambda/processor/types.ts';

/** An SQS record carrying `body` (an object is serialised), as Lambda's event source delivers it. */
export function sqsRecord(
  body: string | Record<string, unknown>,
  options: { messageId?: string; receiveCount?: number; receivedAt?: number } = {},
): SQSRecord {
  return {
    messageId: options.messageId ?? randomUUID(),
    receiptHandle: `rh-${randomUUID()}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: String(options.receiveCount ?? 1),
      SentTimestamp: String(Date.now()),
      SenderId: 'AIDALOCAL',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes:
      options.receivedAt === undefined
        ? {}
        : { [MESSAGE_ATTRIBUTE.RECEIVED_AT]: { dataType: 'Number', stringValue: String(options.receivedAt) } },
    md5OfBody: 'unused',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:events',
    awsRegion: 'us-east-1',
  };
}

/** An SQS event with the given records. */
export function sqsEvent(...records: SQSRecord[]): SQSEvent {
  return { Records: records };
}

/** A Lambda context with `remainingMs` left. */
export function lambdaContext(remainingMs = 30_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'processor',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:processor',
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: '/aws/lambda/processor',
    logStreamName: 'stream',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * A Lambda context whose remaining time runs down to `deadline` (epoch ms), as Lambda's does: what
 * Powertools Idempotency reads when it marks a record INPROGRESS.
 */
export function lambdaContextUntil(deadline: number): Context {
  return { ...lambdaContext(), getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) };
}

/** Fresh, unique table names so tests sharing one emulator never see each other's items. */
export function tableNames(): { idempotencyTableName: string; vehicleStateTableName: string } {
  const suffix = randomUUID().slice(0, 8);
  return { idempotencyTableName: `idem-${suffix}`, vehicleStateTableName: `state-${suffix}` };
}

/** Processor dependencies on a real emulator, with outcomes collected. */
export function processorDeps(
  dynamodb: DynamoDBClient,
  names: { idempotencyTableName: string; vehicleStateTableName: string },
  overrides: Partial<ProcessorDependencies> = {},
): ProcessorDependencies & { outcomes: ProcessorOutcome[] } {
  const outcomes: ProcessorOutcome[] = [];
  return {
    logger: new Logger({
      serviceName: SERVICE.PROCESSOR,
      logLevel: 'DEBUG',
      jsonReplacerFn: redactPersonalData,
      logFormatter: new CompactLogFormatter(),
    }),
    metrics: new Metrics({ namespace: 'Test', serviceName: SERVICE.PROCESSOR }),
    dynamodb,
    ...names,
    onOutcome: (outcome) => outcomes.push(outcome),
    ...overrides,
    outcomes,
  };
}

/** Everything written to stdout (Powertools logs and EMF lines), parsed. */
export interface CapturedOutput {
  lines(): Record<string, unknown>[];
  /** EMF lines: metric name -> values, with the dimension sets of their line. */
  metrics(): Array<{ dimensions: string[][]; values: Record<string, unknown> }>;
  /** Sum of a metric over every EMF line, optionally only lines with this dimension value. */
  metricTotal(name: string, filter?: Record<string, string>): number;
  raw(): string;
}

/**
 * Captures stdout, where Powertools writes logs and EMF (outside POWERTOOLS_DEV). Restored by
 * `vi.restoreAllMocks()`.
 */
export function captureStdout(): CapturedOutput {
  const chunks: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  });
  const lines = (): Record<string, unknown>[] =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const metrics = (): Array<{ dimensions: string[][]; values: Record<string, unknown> }> =>
    lines()
      .filter((line) => '_aws' in line)
      .map((line) => {
        const aws = line._aws as { CloudWatchMetrics: Array<{ Dimensions: string[][] }> };
        return { dimensions: aws.CloudWatchMetrics[0]?.Dimensions ?? [], values: line };
      });
  return {
    lines,
    metrics,
    metricTotal: (name, filter = {}) =>
      metrics()
        .filter(({ values }) => Object.entries(filter).every(([key, value]) => values[key] === value))
        .flatMap(({ values }) => values[name])
        .reduce<number>((sum, value) => sum + (typeof value === 'number' ? value : 0), 0),
    raw: () => chunks.join(''),
  };
}

/**
 * Keeps a test file's processor output off the console: captures stdout before each test (see
 * {@link captureStdout}) and restores it after.
 *
 * @example
 * ```ts
 * useQuietStdout(); // at the top of the file or a describe block
 * ```
 */
export function useQuietStdout(): void {
  beforeEach(() => {
    captureStdout();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
}
