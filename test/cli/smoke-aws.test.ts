import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient, GetItemCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SmokeError } from '../../bin/cli/errors.ts';
import { smokeCommand } from '../../bin/cli/smoke-command.ts';
import { AMT_SECRET_PLACEHOLDER, ROUTES, SERVICE, TABLE_SCHEMA } from '../../lambda/core/constants.ts';
import { createReceiverHandler } from '../../lambda/receiver/receiver.ts';
import { staticAmtProvider } from '../../lambda/receiver/signature-check.ts';
import { STACK_OUTPUTS } from '../../lib/stack-outputs.ts';
import { type LocalHttpServer, startLocalHttpServer } from '../../local/http-server.ts';
import { createLocalLogger, createLocalMetrics } from '../../local/powertools.ts';
import { LocalQuarantineStore } from '../../local/quarantine-store.ts';
import { powertoolsKey } from '../processor/helpers/idempotency-key.ts';

/**
 * `npm run smoke -- --stack NAME` against AWS: CloudFormation, Secrets Manager and DynamoDB are
 * mocked (aws-sdk-client-mock; the error paths cannot be had otherwise here). The webhook URL is
 * the real receiver behind the local HTTP API stand-in, with its SQS client mocked.
 */

const STACK = 'SmartcarWebhooks-dev';
const TABLE = 'SmartcarWebhooks-dev-ProcessingIdempotencyTable-ABC123';
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:SmartcarWebhooks-dev-amt-AbCdEf';
const AMT = 'amt-current-0123456789';

describe('npm run smoke -- --stack (AWS SDK mocked)', () => {
  const enqueue = new SQSClient({ region: 'eu-west-1' });
  const sqsMock = mockClient(enqueue);
  const cloudFormation = new CloudFormationClient({ region: 'eu-west-1' });
  const cfnMock = mockClient(cloudFormation);
  const secretsManager = new SecretsManagerClient({ region: 'eu-west-1' });
  const secretsMock = mockClient(secretsManager);
  const dynamodb = new DynamoDBClient({ region: 'eu-west-1' });
  const dynamoMock = mockClient(dynamodb);
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

  it('passes when the processor records the event COMPLETED, reading its Powertools key consistently, never printing the AMT', async () => {
    // Prepare: no record yet, then in progress, then completed.
    dynamoMock
      .on(GetItemCommand)
      .resolvesOnce({})
      .resolvesOnce({ Item: { id: { S: 'k' }, status: { S: 'INPROGRESS' } } })
      .resolves({ Item: { id: { S: 'k' }, status: { S: 'COMPLETED' } } });

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
    expect(dynamoMock).toHaveReceivedCommandWith(GetItemCommand, {
      TableName: TABLE,
      ConsistentRead: true,
      Key: { [TABLE_SCHEMA.IDEMPOTENCY.partitionKey]: { S: powertoolsKey(eventId) } },
    });
    const enqueued = sqsMock
      .commandCalls(SendMessageCommand)
      .map((c) => JSON.parse(c.args[0].input.MessageBody!) as { meta: { mode: string } });
    expect(enqueued.map((body) => body.meta.mode)).toEqual(['TEST']);
  });

  it('fails (exit 1) at once, naming the table and the Region, when the idempotency table does not exist', async () => {
    // Prepare
    dynamoMock
      .on(GetItemCommand)
      .rejects(new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} }));

    // Act
    const code = await smokeCommand(['--stack', STACK], { write, clients });

    // Assess
    expect(code).toBe(1);
    expect(output).toContain(`FAIL  processed`);
    expect(output).toContain(
      `The idempotency table ${TABLE} does not exist in eu-west-1; is --region the stack's Region?`,
    );
    expect(dynamoMock).toHaveReceivedCommandTimes(GetItemCommand, 1);
  });

  it('fails (exit 1) after --timeout with the last status and where to look, when the event is never completed', async () => {
    // Prepare
    dynamoMock.on(GetItemCommand).resolves({ Item: { id: { S: 'k' }, status: { S: 'INPROGRESS' } } });

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
    dynamoMock.on(GetItemCommand).resolves({ Item: { id: { S: 'k' }, status: { S: 'COMPLETED' } } });

    // Act
    const code = await smokeCommand(['--stack', STACK, '--amt', AMT], { write, clients });

    // Assess
    expect(code).toBe(0);
    expect(output).toContain('(AMT from --amt)');
    expect(secretsMock).not.toHaveReceivedCommand(GetSecretValueCommand);
  });
});
