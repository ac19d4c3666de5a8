import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildVehicleState } from '../../bin/cli/sample-events.ts';
import { SDK_RETRY_BACKOFF_MS, type SdkClientSettings, worstCaseCallMs } from '../../lambda/core/sdk-client.ts';
import { createArchiveFirehoseClient, createProcessorDynamoClient } from '../../lambda/processor/clients.ts';
import {
  ARCHIVE_DEADLINE_MS,
  DYNAMODB_CALLS_PER_RECORD,
  DYNAMODB_CLIENT_SETTINGS,
  FIREHOSE_CLIENT_SETTINGS,
} from '../../lambda/processor/constants.ts';
import { createProcessorHandler } from '../../lambda/processor/processor.ts';
import {
  createReceiverSecretsClient,
  createReceiverSqsClient,
  loadReceiverS3Client,
} from '../../lambda/receiver/clients.ts';
import { S3_CLIENT_SETTINGS, SECRETS_CLIENT_SETTINGS, SQS_CLIENT_SETTINGS } from '../../lambda/receiver/constants.ts';
import { localDynamoConnection } from '../../local/dynamo.ts';
import { captureOutput } from '../helpers/output.ts';
import { useDynamo } from '../processor/helpers/dynamo.ts';
import { lambdaContext, processorDeps, sqsEvent, sqsRecord } from '../processor/helpers/factories.ts';
import { resourceByPrefix, templateFor } from './helpers.ts';

/** Room left for everything that is not an SDK call (init, HMAC, parsing, logging). */
const marginMs = (timeoutMs: number): number => Math.max(1_000, timeoutMs * 0.1);

/** The `Timeout` the synthesized stack gives a function, in ms. */
function functionTimeoutMs(prefix: 'ReceiverFunction' | 'ProcessingProcessorFunction'): number {
  const { properties } = resourceByPrefix(templateFor(), 'AWS::Lambda::Function', prefix);
  return Number(properties.Timeout) * 1000;
}

/** The SDK's retry strategy interface (RetryStrategyV2), as much of it as is used here. */
interface RetryStrategy {
  acquireInitialRetryToken(scope: string): Promise<unknown>;
  refreshRetryTokenForRetry(token: unknown, error: { errorType: string }): Promise<unknown>;
}

/** The backoff before each retry of a real client's strategy, with the jitter at its maximum. */
async function longestBackoffsMs(
  client: { config: { retryStrategy: () => Promise<unknown> } },
  errorType: string,
  retries: number,
): Promise<number[]> {
  const strategy = (await client.config.retryStrategy()) as RetryStrategy;
  const delays: number[] = [];
  const random = vi.spyOn(Math, 'random').mockReturnValue(1 - Number.EPSILON);
  const timer = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((callback: () => void, ms?: number) => {
    delays.push(ms ?? 0);
    callback();
    return 0;
  }) as unknown as typeof setTimeout);
  try {
    let token = await strategy.acquireInitialRetryToken('budget');
    for (let retry = 0; retry < retries; retry++)
      token = await strategy.refreshRetryTokenForRetry(token, { errorType });
  } finally {
    timer.mockRestore();
    random.mockRestore();
  }
  return delays;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('time budget: every SDK call gives up inside the function timeout', () => {
  it('lets the receiver answer 503 itself even when a cold secret fetch and the send both time out on every attempt', () => {
    // Prepare
    const timeoutMs = functionTimeoutMs('ReceiverFunction');

    // Act
    const worstMs = worstCaseCallMs(SECRETS_CLIENT_SETTINGS) + worstCaseCallMs(SQS_CLIENT_SETTINGS);

    // Assess
    expect(worstMs).toBeLessThanOrEqual(timeoutMs - marginMs(timeoutMs));
  });

  it('lets the receiver answer 503 itself even when a cold secret fetch and the quarantine put both time out on every attempt', () => {
    // Prepare
    const timeoutMs = functionTimeoutMs('ReceiverFunction');

    // Act
    const worstMs = worstCaseCallMs(SECRETS_CLIENT_SETTINGS) + worstCaseCallMs(S3_CLIENT_SETTINGS);

    // Assess
    expect(worstMs).toBeLessThanOrEqual(timeoutMs - marginMs(timeoutMs));
  });

  it('lets the processor fail a record itself even when the archive step uses its whole deadline and each DynamoDB call times out on every attempt', () => {
    // Prepare
    const timeoutMs = functionTimeoutMs('ProcessingProcessorFunction');

    // Act
    const worstMs = ARCHIVE_DEADLINE_MS + DYNAMODB_CALLS_PER_RECORD * worstCaseCallMs(DYNAMODB_CLIENT_SETTINGS);

    // Assess
    expect(worstMs).toBeLessThanOrEqual(timeoutMs - marginMs(timeoutMs));
  });

  it.each([
    ['SQS', () => createReceiverSqsClient(), SQS_CLIENT_SETTINGS],
    ['Secrets Manager', () => createReceiverSecretsClient(), SECRETS_CLIENT_SETTINGS],
    ['S3 (quarantine)', () => loadReceiverS3Client(), S3_CLIENT_SETTINGS],
    ['DynamoDB', () => createProcessorDynamoClient(), DYNAMODB_CLIENT_SETTINGS],
    ['Firehose', () => createArchiveFirehoseClient(), FIREHOSE_CLIENT_SETTINGS],
  ] as const)(
    'builds the %s client with the attempts and backoff the budget assumes',
    async (_name, create, settings: SdkClientSettings) => {
      // Prepare
      const client = await create();
      const retries = settings.maxAttempts - 1;
      const bound = (base: number): number[] =>
        Array.from({ length: retries }, (_, retry) => Math.min(base * 2 ** retry, SDK_RETRY_BACKOFF_MS.maxMs));

      // Act
      const maxAttempts = await client.config.maxAttempts();
      const afterTimeouts = await longestBackoffsMs(client, 'TRANSIENT', retries);
      const afterThrottling = await longestBackoffsMs(client, 'THROTTLING', retries);
      client.destroy();

      // Assess
      expect(maxAttempts).toBe(settings.maxAttempts);
      expect(afterTimeouts).toHaveLength(retries);
      afterTimeouts.forEach((delay, retry) => {
        expect(delay).toBeLessThanOrEqual(bound(SDK_RETRY_BACKOFF_MS.baseMs)[retry]!);
      });
      afterThrottling.forEach((delay, retry) => {
        expect(delay).toBeLessThanOrEqual(bound(SDK_RETRY_BACKOFF_MS.throttlingBaseMs)[retry]!);
      });
    },
  );
});

describe('time budget: DYNAMODB_CALLS_PER_RECORD is what one record really costs', () => {
  const emulator = useDynamo();
  let client: DynamoDBClient | undefined;

  afterEach(() => {
    client?.destroy();
  });

  /** The processor on dynalite through the Lambda's client, listing every DynamoDB operation (retries not counted). */
  async function countingProcessor(overrides: Parameters<typeof processorDeps>[2] = {}) {
    const names = await emulator.tables();
    captureOutput();
    client = createProcessorDynamoClient(localDynamoConnection(emulator.dynamo().endpoint));
    const operations: string[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        operations.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'countOperations' },
    );
    return { handler: createProcessorHandler(processorDeps(client, names, overrides)), operations };
  }

  it('makes 4 calls one after another for a processed event', async () => {
    // Prepare
    const { handler, operations } = await countingProcessor();

    // Act
    const response = await handler(sqsEvent(sqsRecord(buildVehicleState())), lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(operations).toEqual(['PutItemCommand', 'GetItemCommand', 'PutItemCommand', 'UpdateItemCommand']);
    expect(operations).toHaveLength(DYNAMODB_CALLS_PER_RECORD);
  });

  it('makes 4 calls one after another when the handler fails after writing', async () => {
    // Prepare
    const { handler, operations } = await countingProcessor({
      handlers: {
        VEHICLE_STATE: async (event, { vehicleState }) => {
          await vehicleState.mergeSignals(event.vehicleId, event.signals, event.eventId);
          throw new Error('business logic failed');
        },
      },
    });

    // Act
    const response = await handler(sqsEvent(sqsRecord(buildVehicleState(), { messageId: 'm-fail' })), lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-fail' }]);
    expect(operations).toEqual(['PutItemCommand', 'GetItemCommand', 'PutItemCommand', 'DeleteItemCommand']);
    expect(operations).toHaveLength(DYNAMODB_CALLS_PER_RECORD);
  });
});
