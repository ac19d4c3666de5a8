import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { PurgeQueueCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildVehicleState, buildVerify, signedHeaders } from '../../bin/cli/sample-events.ts';
import { parseArchiveLine } from '../../lambda/core/archive-record.ts';
import { METRIC, PIPELINE_DEFAULTS } from '../../lambda/core/constants.ts';
import { createIdempotencyStatusReader } from '../../lambda/processor/idempotency.ts';
import { LAMBDA_RUNTIME } from '../../lib/bundling.ts';
import { createProcessorTables } from '../../local/dynamo.ts';
import { CHALLENGE_VECTORS, TEST_AMT, V1_RESPONSE_BODY } from '../fixtures/smartcar-vectors.ts';
import type { AwsCall } from '../helpers/aws-recording-proxy.ts';
import { linesOfRecords } from '../helpers/firehose-stub.ts';
import { type HangingServer, startHangingServer } from '../helpers/hanging-server.ts';
import { SDK_HTTP_WARNING } from '../helpers/output.ts';
import { refusedCalls, tallyCalls, undocumentedCalls, unusedGrants } from './iam-coverage.ts';
import { lambdaNodeFor } from './lambda-node.ts';
import { type HttpDelivery, type RehearsalStage, startRehearsalStage } from './stage.ts';

/**
 * The deployment rehearsal: the bundles `cdk synth` built run as Lambda loads them (a child Node
 * of the runtime's major, CommonJS `require`, only the AWS SDK from outside the bundle, the
 * template's environment) against fauxqs, dynalite and a Secrets Manager stub on loopback, with
 * every AWS request recorded per function and checked against the synthesized IAM policies.
 */

const NODE = lambdaNodeFor(LAMBDA_RUNTIME.name);
const V1 = CHALLENGE_VECTORS[0];
/** Longer than either function's timeout, so a hang shows as the sandbox's timeout, not the test's. */
const PAST_FUNCTION_TIMEOUT_MS = (PIPELINE_DEFAULTS.processorTimeoutSeconds + 15) * 1000;

function signed(payload: Record<string, unknown>): HttpDelivery & { eventId: string } {
  const body = JSON.stringify(payload);
  return { body, headers: signedHeaders(body, TEST_AMT), eventId: String(payload.eventId) };
}

/** The JSON lines (Powertools logs, EMF) of an invocation's stdout. */
function jsonLines(lines: readonly string[]): Array<Record<string, unknown>> {
  return lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe(`Deployment rehearsal: the synthesized bundles under ${NODE.description}`, () => {
  let stage: RehearsalStage;

  beforeAll(async () => {
    stage = await startRehearsalStage({ amt: TEST_AMT });
    console.info(`[rehearsal] functions run under ${NODE.description}`);
  }, 300_000);

  afterAll(async () => {
    await stage?.close();
  });

  /** The eventId's status as the bundled processor left it in the table (its Powertools record). */
  async function idempotencyStatus(eventId: string): Promise<string | undefined> {
    const readStatus = createIdempotencyStatusReader({
      dynamodb: stage.dynamo.client,
      tableName: stage.deployment.resolver.resolve(
        stage.deployment.functions.processor.rawEnvironment.IDEMPOTENCY_TABLE_NAME,
      ),
    });
    return readStatus(eventId);
  }

  it('loads each bundle like the Lambda runtime: the template handler, a CommonJS index.js, nothing but the SDK outside it', () => {
    // Prepare
    const { receiver, processor } = stage.deployment.functions;

    // Act
    const loaded = [stage.receiver, stage.processor].map((sandbox) => ({
      nodeVersion: sandbox.nodeVersion,
      initErrors: sandbox.initLogs.stderr,
    }));

    // Assess
    expect([receiver.spec.runtime, processor.spec.runtime]).toEqual([LAMBDA_RUNTIME.name, LAMBDA_RUNTIME.name]);
    expect([receiver.spec.handler, processor.spec.handler]).toEqual(['index.handler', 'index.handler']);
    expect(loaded).toEqual([
      { nodeVersion: NODE.version, initErrors: [] },
      { nodeVersion: NODE.version, initErrors: [] },
    ]);
  });

  it('answers a signed VERIFY with the HMAC of the challenge', async () => {
    // Prepare
    const delivery = signed(buildVerify({ challenge: V1.challenge }));

    // Act
    const { result, error } = await stage.deliver(delivery);

    // Assess
    expect(error).toBeUndefined();
    expect(result?.statusCode).toBe(200);
    expect(result?.body).toBe(V1_RESPONSE_BODY);
  });

  it('accepts a signed VEHICLE_STATE (200), and the processor asset completes its idempotency record', async () => {
    // Prepare
    await stage.sqs.send(new PurgeQueueCommand({ QueueUrl: stage.queueUrl }));
    const delivery = signed(buildVehicleState({ vehicleId: 'veh-rehearsal-1' }));

    // Act
    const received = await stage.deliver(delivery);
    const [batch] = await stage.pollQueue();

    // Assess
    expect(received.result?.statusCode).toBe(200);
    expect(received.result?.body).toBe('{"status":"accepted"}');
    expect(batch?.error).toBeUndefined();
    expect(batch?.result).toEqual({ batchItemFailures: [] });
    expect(await idempotencyStatus(delivery.eventId)).toBe('COMPLETED');
  });

  it("archives the delivery through the template's Firehose stream, byte for byte, before its handler runs", async () => {
    // Prepare
    await stage.sqs.send(new PurgeQueueCommand({ QueueUrl: stage.queueUrl }));
    const delivery = signed(buildVehicleState({ vehicleId: 'veh-rehearsal-archive' }));
    const streamName = stage.deployment.resolver.resolve<string>(
      stage.deployment.functions.processor.rawEnvironment.ARCHIVE_STREAM_NAME,
    );

    // Act
    await stage.deliver(delivery);
    const [batch] = await stage.pollQueue();

    // Assess
    expect(batch?.result).toEqual({ batchItemFailures: [] });
    const archived = linesOfRecords(stage.firehose.records.get(streamName) ?? []).map((line) => parseArchiveLine(line));
    expect(archived.filter((line) => line.eventId === delivery.eventId)).toEqual([
      expect.objectContaining({ eventType: 'VEHICLE_STATE', route: 'data', body: delivery.body }),
    ]);
  });

  it('treats the same delivery again as a duplicate: 200, and the handler does not run twice', async () => {
    // Prepare
    await stage.sqs.send(new PurgeQueueCommand({ QueueUrl: stage.queueUrl }));
    const delivery = signed(buildVehicleState({ vehicleId: 'veh-rehearsal-2' }));
    await stage.deliver(delivery);
    await stage.pollQueue();
    const stateTableArn = stage.deployment.resolver.getAtt(
      stage.deployment.logicalIdOf('AWS::DynamoDB::Table', '/VehicleStateTable/'),
      'Arn',
    );

    // Act
    const again = await stage.deliver(delivery);
    const callsBefore = stage.calls.length;
    const [batch] = await stage.pollQueue();
    const duringDuplicate = stage.calls.slice(callsBefore);

    // Assess
    expect(again.result?.statusCode).toBe(200);
    expect(batch?.result).toEqual({ batchItemFailures: [] });
    const lines = jsonLines(batch?.stdout ?? []);
    expect(lines.find((line) => line.message === 'Batch done')).toMatchObject({ duplicate: 1, processed: 0 });
    expect(lines.some((line) => line[METRIC.DUPLICATE_EVENT] === 1)).toBe(true);
    expect(duringDuplicate.filter((call) => call.resource === stateTableArn)).toEqual([]);
    expect(await idempotencyStatus(delivery.eventId)).toBe('COMPLETED');
  });

  it("stores a signed body the queue cannot take under quarantine/ of the template's bucket, byte for byte, then answers 200", async () => {
    // Prepare: signed, but no event type (a 400 that Smartcar retried, then dropped, before the quarantine).
    const body = JSON.stringify({ eventId: 'evt-rehearsal-quarantine', meta: { deliveryId: 'dlv-rehearsal-q' } });
    const bucket = stage.deployment.resolver.resolve<string>(
      stage.deployment.functions.receiver.rawEnvironment.QUARANTINE_BUCKET_NAME,
    );

    // Act
    const { result, error } = await stage.deliver({ body, headers: signedHeaders(body, TEST_AMT) });

    // Assess
    expect(error).toBeUndefined();
    expect(result?.statusCode).toBe(200);
    expect(result?.body).toBe('{"status":"quarantined"}');
    const stored = [...(stage.s3.buckets.get(bucket) ?? new Map<string, Buffer>()).entries()];
    expect(stored.map(([key, bytes]) => [key.split('/').slice(0, 2).join('/'), bytes.toString('utf8')])).toEqual([
      ['quarantine/missing_event_type', body],
    ]);
    expect(stage.calls.filter((call) => call.action === 's3:PutObject').map((call) => call.function)).toEqual([
      'receiver',
    ]);
  });

  it('fails the record and releases its idempotency key when the business handler fails', async () => {
    // Prepare: the vehicle-state table is gone, so the VEHICLE_STATE handler's write fails.
    await stage.sqs.send(new PurgeQueueCommand({ QueueUrl: stage.queueUrl }));
    const processorEnv = stage.deployment.functions.processor.rawEnvironment;
    const tables = {
      idempotencyTableName: stage.deployment.resolver.resolve<string>(processorEnv.IDEMPOTENCY_TABLE_NAME),
      vehicleStateTableName: stage.deployment.resolver.resolve<string>(processorEnv.VEHICLE_STATE_TABLE_NAME),
    };
    await stage.dynamo.client.send(new DeleteTableCommand({ TableName: tables.vehicleStateTableName }));
    const delivery = signed(buildVehicleState({ vehicleId: 'veh-rehearsal-3' }));

    // Act
    await stage.deliver(delivery);
    const [batch] = await stage.pollQueue();
    await createProcessorTables(stage.dynamo.client, tables);

    // Assess
    const failed = batch?.result?.batchItemFailures ?? [];
    expect(failed).toHaveLength(1);
    expect(await idempotencyStatus(delivery.eventId)).toBeUndefined();
    const releases = stage.calls.filter((call: AwsCall) => call.action === 'dynamodb:DeleteItem');
    expect(releases.length).toBeGreaterThan(0);
  });

  describe.concurrent('against a dependency that accepts the connection and never answers', () => {
    const hanging: HangingServer[] = [];

    afterAll(async () => {
      await Promise.all(hanging.map((server) => server.close()));
    });

    async function hangingServer(): Promise<HangingServer> {
      const server = await startHangingServer();
      hanging.push(server);
      return server;
    }

    it("answers 503 enqueue_failed inside the receiver's timeout when SQS hangs", {
      timeout: PAST_FUNCTION_TIMEOUT_MS,
    }, async ({ expect }) => {
      // Prepare
      const sqs = await hangingServer();
      const receiver = await stage.startInstance('receiver', { SQS: sqs.url });
      const delivery = signed(buildVehicleState({ vehicleId: 'veh-rehearsal-hanging-sqs' }));

      // Act
      const { result, error, durationMs, stdout, stderr } = await stage.deliver(delivery, receiver);

      // Assess
      expect(error).toBeUndefined();
      expect(result?.statusCode).toBe(503);
      expect(result?.body).toBe('{"error":"enqueue_failed"}');
      expect(durationMs).toBeLessThan(stage.deployment.functions.receiver.spec.timeoutSeconds * 1000);
      expect(sqs.connections).toBeGreaterThan(0);
      expect([...stdout, ...stderr].filter((line) => line.includes(SDK_HTTP_WARNING))).toEqual([]);
    });

    it("fails every record it could not store inside the processor's timeout when DynamoDB hangs", {
      timeout: PAST_FUNCTION_TIMEOUT_MS,
    }, async ({ expect }) => {
      // Prepare
      const dynamodb = await hangingServer();
      const processor = await stage.startInstance('processor', { DYNAMODB: dynamodb.url });
      await stage.sqs.send(new PurgeQueueCommand({ QueueUrl: stage.queueUrl }));
      const deliveries = ['a', 'b'].map((tag) =>
        signed(buildVehicleState({ vehicleId: `veh-rehearsal-hanging-dynamodb-${tag}` })),
      );
      for (const delivery of deliveries) await stage.deliver(delivery);

      // Act
      const [batch] = await stage.pollQueue(processor);

      // Assess
      expect(batch?.error).toBeUndefined();
      expect(batch?.durationMs).toBeLessThan(stage.deployment.functions.processor.spec.timeoutSeconds * 1000);
      const records = batch?.event.Records.map((record) => record.messageId) ?? [];
      expect(records.length).toBeGreaterThan(0);
      expect(batch?.result?.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(records.sort());
      expect(dynamodb.connections).toBeGreaterThan(0);
      expect(
        [...(batch?.stdout ?? []), ...(batch?.stderr ?? [])].filter((line) => line.includes(SDK_HTTP_WARNING)),
      ).toEqual([]);
      for (const delivery of deliveries) expect(await idempotencyStatus(delivery.eventId)).toBeUndefined();
    });
  });

  describe('IAM coverage of what the bundles really called', () => {
    it("finds every recorded call allowed by the calling function's role and the resource's policy", () => {
      // Prepare
      const observed = tallyCalls(stage.calls);
      console.info(
        `[rehearsal] ${stage.invocations} invocations; AWS calls:\n${observed
          .map(
            (use) =>
              `  ${use.function}${use.via ? ` (${use.via})` : ''}  ${use.action}  ${use.resource}  x${use.count}`,
          )
          .join('\n')}`,
      );

      // Act
      const refused = refusedCalls(stage.deployment, stage.calls);

      // Assess
      expect(observed.map((use) => use.function).sort()).toContain('receiver');
      expect(observed.map((use) => use.function).sort()).toContain('processor');
      expect(refused).toEqual([]);
    });

    it('finds every recorded call in the grant table, for the caller that made it', () => {
      // Prepare: the calls of every scenario above.

      // Act
      const undocumented = undocumentedCalls(stage.deployment, stage.calls);

      // Assess
      expect(undocumented).toEqual([]);
    });

    it('used every granted action, except what only the Lambda service does with the role (each with its reason)', () => {
      // Prepare: the calls of every scenario above.

      // Act
      const unused = unusedGrants(stage.deployment, stage.calls);
      console.info(
        `[rehearsal] granted, never called in the rehearsal:\n${unused
          .map(
            (u) =>
              `  ${u.function}  ${u.action}  ${u.resource}  (${u.grant?.caller ?? 'NOT IN THE TABLE'}: ${u.grant?.usedBy ?? '-'})`,
          )
          .join('\n')}`,
      );

      // Assess
      const unexplained = unused.filter((u) => u.grant?.caller !== 'lambda-service' || !u.grant.usedBy);
      expect(unexplained).toEqual([]);
    });
  });
});
