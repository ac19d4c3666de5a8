import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, type GetCommandInput } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SmokeError } from '../../bin/cli/errors.ts';
import { smokeCommand } from '../../bin/cli/smoke-command.ts';
import { AMT_SECRET_PLACEHOLDER, ROUTES, SERVICE, TABLE_SCHEMA } from '../../lambda/core/constants.ts';
import { STACK_OUTPUTS } from '../../lambda/core/stack-outputs.ts';
import { IDEMPOTENCY_KEY_PREFIX } from '../../lambda/processor/constants.ts';
import { staticAmtProvider } from '../../lambda/receiver/amt-provider.ts';
import { createReceiverHandler } from '../../lambda/receiver/receiver.ts';
import { type LocalHttpServer, startLocalHttpServer } from '../../local/http-server.ts';
import { createLocalLogger, createLocalMetrics } from '../../local/powertools.ts';
import { LocalQuarantineStore } from '../../local/quarantine-store.ts';

/**
 * `npm run smoke -- --stack NAME` against AWS: CloudFormation, Secrets Manager and DynamoDB are
 * mocked (aws-sdk-client-mock; the error paths cannot be had otherwise here). The webhook URL is
 * the real receiver behind the local HTTP API stand-in, with its SQS client mocked.
 */

const STACK = 'SmartcarWebhooks-dev';
const TABLE = 'SmartcarWebhooks-dev-ProcessingIdempotencyTable-ABC123';
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:SmartcarWebhooks-dev-amt-AbCdEf';
const AMT = 'amt-current-0123456789';

/** The id of an eventId's claim in the idempotency table: `<prefix>#` + the eventId. */
function claimId(eventId: string): string {
  return `${IDEMPOTENCY_KEY_PREFIX}#${eventId}`;
}

type TableStage = 'none' | 'in-flight' | 'completed';

/**
 * GetItem answers as the processor's table would give them, one stage per status read (a claim
 * read; the read of the commit it names follows it): no claim; a claim whose commit is not
 * written yet; a claim whose commit lists the event. The last stage repeats.
 */
function tableAnswers(stages: readonly TableStage[]) {
  let claimReads = 0;
  let stage: TableStage = 'none';
  let eventId = '';
  const commitId = 'smartcar-batch#batch-token#0';
  return (input: GetCommandInput) => {
    const id = String(input.Key?.[TABLE_SCHEMA.IDEMPOTENCY.partitionKey] ?? '');
    if (id.startsWith(`${IDEMPOTENCY_KEY_PREFIX}#`)) {
      stage = stages[Math.min(claimReads++, stages.length - 1)] ?? 'none';
      eventId = id.slice(IDEMPOTENCY_KEY_PREFIX.length + 1);
      if (stage === 'none') return {};
      const expiration = Math.floor(Date.now() / 1000) + 3_600;
      return { Item: { id, commit: commitId, leaseUntil: Date.now() + 30_000, expiration } };
    }
    if (id !== commitId || stage !== 'completed') return {};
    return { Item: { id: commitId, done: [eventId], expiration: 9_999_999_999 } };
  };
}

describe('npm run smoke -- --stack (AWS SDK mocked)', () => {
  const enqueue = new SQSClient({ region: 'eu-west-1' });
  const sqsMock = mockClient(enqueue);
  const cloudFormation = new CloudFormationClient({ region: 'eu-west-1' });
  const cfnMock = mockClient(cloudFormation);
  const secretsManager = new SecretsManagerClient({ region: 'eu-west-1' });
  const secretsMock = mockClient(secretsManager);
  const dynamodb = new DynamoDBClient({ region: 'eu-west-1' });
  // The status reader reads through a DocumentClient built from `dynamodb`: mock that class.
  const dynamoMock = mockClient(DynamoDBDocumentClient);
  const clients = { cloudFormation, secretsManager, dynamodb };
  let api: LocalHttpServer;
  let output = '';
  const write = (text: string): void => {
    output += text;
  };

  beforeAll(async () => {
    const receiver = createReceiverHandler({
      queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/main',
      sqs: enqueue,
      amt: staticAmtProvider({ current: AMT }),
      quarantine: new LocalQuarantineStore(),
      logger: createLocalLogger(SERVICE.RECEIVER, 'ERROR'),
      metrics: createLocalMetrics(SERVICE.RECEIVER),
    });
    api = await startLocalHttpServer({
      port: 0,
      routes: [ROUTES.DATA_PATH],
      invoke: receiver,
      logger: { error: () => undefined },
    });
  });

  afterAll(async () => {
    await api?.close();
  });

  beforeEach(() => {
    output = '';
    for (const mock of [sqsMock, cfnMock, secretsMock, dynamoMock]) mock.reset();
    sqsMock.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    cfnMock.on(DescribeStacksCommand, { StackName: STACK }).resolves({
      Stacks: [
        {
          StackName: STACK,
          CreationTime: new Date(0),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [
            { OutputKey: STACK_OUTPUTS.WEBHOOK_URL, OutputValue: `${api.url}${ROUTES.DATA_PATH}` },
            { OutputKey: STACK_OUTPUTS.AMT_SECRET_ARN, OutputValue: SECRET_ARN },
            { OutputKey: STACK_OUTPUTS.IDEMPOTENCY_TABLE_NAME, OutputValue: TABLE },
          ],
        },
      ],
    });
    // The rotation form: the smoke test signs with `current`, as the receiver answers VERIFY.
    secretsMock
      .on(GetSecretValueCommand, { SecretId: SECRET_ARN })
      .resolves({ SecretString: JSON.stringify({ current: AMT, previous: 'amt-old' }) });
  });

  /** The eventId of the VEHICLE_STATE the receiver enqueued. */
  function enqueuedEventId(): string {
    const sent = sqsMock
      .commandCalls(SendMessageCommand)
      .map((c) => JSON.parse(c.args[0].input.MessageBody!) as { eventType: string; eventId: string });
    return sent.find((body) => body.eventType === 'VEHICLE_STATE')!.eventId;
  }

  it('passes when the processor records the event COMPLETED, reading its claim consistently, never printing the AMT', async () => {
    // Prepare: no claim yet, then in flight, then completed.
    dynamoMock.on(GetCommand).callsFake(tableAnswers(['none', 'in-flight', 'completed']));

    // Act
    const code = await smokeCommand(['--stack', STACK], { write, clients });

    // Assess
    expect(code).toBe(0);
    expect(output).toMatch(
      /^ok +VERIFY .*\n^ok +VEHICLE_STATE .*\n.*\n^ok +processed +\d+\.\d ms {2}COMPLETED by the processor \(3 reads\)$/m,
    );
    expect(output).toContain("(AMT from the stack's secret)");
    expect(output).not.toContain(AMT);
    const eventId = enqueuedEventId();
    expect(dynamoMock).toHaveReceivedCommandWith(GetCommand, {
      TableName: TABLE,
      ConsistentRead: true,
      Key: { [TABLE_SCHEMA.IDEMPOTENCY.partitionKey]: claimId(eventId) },
    });
    const enqueued = sqsMock
      .commandCalls(SendMessageCommand)
      .map((c) => JSON.parse(c.args[0].input.MessageBody!) as { meta: { mode: string } });
    expect(enqueued.map((body) => body.meta.mode)).toEqual(['TEST']);
  });

  it('fails (exit 1) at once, naming the table and the Region, when the idempotency table does not exist', async () => {
    // Prepare
    dynamoMock
      .on(GetCommand)
      .rejects(new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} }));

    // Act
    const code = await smokeCommand(['--stack', STACK], { write, clients });

    // Assess
    expect(code).toBe(1);
    expect(output).toContain(`FAIL  processed`);
    expect(output).toContain(
      `The idempotency table ${TABLE} does not exist in eu-west-1; is --region the stack's Region?`,
    );
    expect(dynamoMock).toHaveReceivedCommandTimes(GetCommand, 1);
  });

  it('fails (exit 1) after --timeout with the last status and where to look, when the event is never completed', async () => {
    // Prepare
    dynamoMock.on(GetCommand).callsFake(tableAnswers(['in-flight']));

    // Act
    const code = await smokeCommand(['--stack', STACK, '--timeout', '1'], { write, clients });

    // Assess
    expect(code).toBe(1);
    expect(output).toMatch(
      new RegExp(
        `^FAIL +processed .*not COMPLETED within 1\\.0 s \\(last: INPROGRESS, \\d+ reads\\); see the processor's log group and npm run dlq -- list --stack ${STACK}$`,
        'm',
      ),
    );
    expect(output).toContain('FAIL: 1 of 3 steps did not hold');
  });

  it('refuses to start while the secret still holds the placeholder, pointing to the README', async () => {
    // Prepare
    secretsMock.on(GetSecretValueCommand).resolves({ SecretString: AMT_SECRET_PLACEHOLDER });

    // Act
    const error = await smokeCommand(['--stack', STACK], { write, clients }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(SmokeError);
    expect((error as Error).message).toMatch(
      /holds no usable AMT .*put the AMT in it first \(README "Put the AMT in the secret"\), or pass --amt$/,
    );
    expect(sqsMock).not.toHaveReceivedCommand(SendMessageCommand);
  });

  it('signs with --amt without reading the secret', async () => {
    // Prepare
    dynamoMock.on(GetCommand).callsFake(tableAnswers(['completed']));

    // Act
    const code = await smokeCommand(['--stack', STACK, '--amt', AMT], { write, clients });

    // Assess
    expect(code).toBe(0);
    expect(output).toContain('(AMT from --amt)');
    expect(secretsMock).not.toHaveReceivedCommand(GetSecretValueCommand);
  });
});
