import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildVehicleState } from '../../bin/cli/sample-events.ts';
import { METRIC } from '../../lambda/core/constants.ts';
import { createProcessorHandler } from '../../lambda/processor/processor.ts';
import { createLocalDynamoClient, createProcessorTables } from '../../local/dynamo.ts';
import { useDynamo } from './helpers/dynamo.ts';
import { captureStdout, lambdaContext, processorDeps, sqsEvent, sqsRecord, tableNames } from './helpers/factories.ts';

const emulator = useDynamo();

beforeEach(() => {
  captureStdout();
});

afterEach(async () => {
  vi.restoreAllMocks();
  await emulator.dynamo().start();
});

describe('processor: a failing dependency loses nothing', () => {
  it('fails every record while DynamoDB is down, and processes them once it is back', async () => {
    // Prepare
    const names = await emulator.tables();
    const dynamodb = createLocalDynamoClient(emulator.dynamo().endpoint, { maxAttempts: 1 });
    const deps = processorDeps(dynamodb, names, { throwOnFullBatchFailure: false });
    const handler = createProcessorHandler(deps);
    const records = [
      sqsRecord(buildVehicleState(), { messageId: 'm1' }),
      sqsRecord(buildVehicleState(), { messageId: 'm2' }),
    ];
    await emulator.dynamo().stop();
    const output = captureStdout();

    // Act
    const duringOutage = await handler(sqsEvent(...records), lambdaContext());
    await emulator.dynamo().start();
    const afterRecovery = await handler(
      sqsEvent(
        ...records.map((record) => ({ ...record, attributes: { ...record.attributes, ApproximateReceiveCount: '2' } })),
      ),
      lambdaContext(),
    );

    // Assess
    expect(duringOutage.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }, { itemIdentifier: 'm2' }]);
    expect(afterRecovery.batchItemFailures).toEqual([]);
    expect(deps.outcomes.map((o) => o.outcome)).toEqual(['failed', 'failed', 'processed', 'processed']);
    expect(output.metricTotal(METRIC.HANDLER_FAILED)).toBe(2);
    dynamodb.destroy();
  });

  it('reports the whole batch as failed while DynamoDB is down, so SQS retries every record', async () => {
    // Prepare
    const names = await emulator.tables();
    const dynamodb = createLocalDynamoClient(emulator.dynamo().endpoint, { maxAttempts: 1 });
    const handler = createProcessorHandler(processorDeps(dynamodb, names));
    await emulator.dynamo().stop();

    // Act
    const response = await handler(sqsEvent(sqsRecord(buildVehicleState(), { messageId: 'only' })), lambdaContext());

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'only' }]);
    dynamodb.destroy();
  });

  it('releases the idempotency key when the state store fails after the key was taken, so the retry runs', async () => {
    // Prepare: the idempotency table exists, the vehicle-state table does not (yet).
    const names = tableNames();
    await createProcessorTables(emulator.dynamo().client, {
      ...names,
      vehicleStateTableName: `${names.idempotencyTableName}-x`,
    });
    const deps = processorDeps(emulator.dynamo().client, names, { throwOnFullBatchFailure: false });
    const handler = createProcessorHandler(deps);
    const payload = buildVehicleState({ vehicleId: 'veh-late-table' });
    const failed = await handler(sqsEvent(sqsRecord(payload, { messageId: 'm' })), lambdaContext());
    await createProcessorTables(emulator.dynamo().client, names);

    // Act
    const retried = await handler(sqsEvent(sqsRecord(payload, { messageId: 'm', receiveCount: 2 })), lambdaContext());

    // Assess
    expect(failed.batchItemFailures).toEqual([{ itemIdentifier: 'm' }]);
    expect(retried.batchItemFailures).toEqual([]);
    expect(deps.outcomes.map((o) => o.outcome)).toEqual(['failed', 'processed']);
    const { Item } = await emulator.dynamo().client.send(
      new GetItemCommand({
        TableName: names.vehicleStateTableName,
        Key: { vehicleId: { S: 'veh-late-table' }, kind: { S: 'SIGNALS' } },
      }),
    );
    expect(Item?.version?.N).toBe('1');
  });
});
