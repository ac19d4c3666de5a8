import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { errorLinesOf, processorLogErrors, withLastErrors } from '../../bin/cli/dlq-errors.ts';
import { resolveTarget } from '../../bin/cli/dlq-target.ts';
import { CliError } from '../../bin/cli/errors.ts';
import { STACK_OUTPUTS } from '../../lib/stack-outputs.ts';
import {
  type CloudWatchLogsStub,
  type StubLogEvent,
  startCloudWatchLogsStub,
} from '../helpers/cloudwatch-logs-stub.ts';

const LOG_GROUP = '/aws/lambda/SmartcarWebhooks-dev-Processor';
const T0 = Date.parse('2026-01-01T00:00:00.000Z');

/** Factory: a processor log line as Powertools writes it when a record fails. */
function failureLine(eventId: string, message: string, timestamp: number): StubLogEvent {
  return {
    timestamp,
    message: JSON.stringify({
      level: 'ERROR',
      message: 'Event processing failed',
      service: 'smartcar-processor',
      timestamp: new Date(timestamp).toISOString(),
      messageId: 'm-1',
      eventId,
      eventType: 'VEHICLE_STATE',
      attempt: 1,
      error: { name: 'TypeError', location: 'file.ts:1', message, stack: 'TypeError: ...' },
    }),
  };
}

/** Factory: a DLQ entry as `peekDlq` returns it. */
function entry(eventId: string, sentAt = new Date(T0).toISOString()) {
  return {
    messageId: `m-${eventId}`,
    eventType: 'VEHICLE_STATE',
    eventId,
    vehicleId: 'veh-1',
    receiveCount: 3,
    sentAt,
  };
}

describe('dlq list --errors against CloudWatch Logs (real SDK, loopback stub)', () => {
  let stub: CloudWatchLogsStub;
  let logs: CloudWatchLogsClient;
  const manyIds = Array.from({ length: 15 }, (_, i) => `evt-many-${i}`);

  beforeAll(async () => {
    stub = await startCloudWatchLogsStub(
      {
        [LOG_GROUP]: [
          failureLine('evt-1', 'first failure', T0 + 1_000),
          failureLine('evt-1', 'Cannot read properties of undefined', T0 + 60_000),
          failureLine('evt-2', 'too old to be searched', T0 - 60_000),
          {
            timestamp: T0 + 2_000,
            message: JSON.stringify({ level: 'INFO', message: 'Batch done', eventId: 'evt-2' }),
          },
          ...manyIds.map((id, i) => failureLine(id, `failure ${i}`, T0 + i)),
        ],
      },
      { pageSize: 2 },
    );
    logs = new CloudWatchLogsClient({
      endpoint: stub.url,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 's' },
    });
  });

  afterAll(async () => {
    logs?.destroy();
    await stub?.close();
  });

  afterEach(() => {
    stub.requests.length = 0;
  });

  it("finds each eventId's latest ERROR line from the oldest message's receipt on, and none for an id without one", async () => {
    // Act
    const entries = await withLastErrors([entry('evt-1'), entry('evt-2')], processorLogErrors(logs, LOG_GROUP));

    // Assess
    expect(entries[0]!.lastError).toEqual({
      name: 'TypeError',
      message: 'Cannot read properties of undefined',
      at: new Date(T0 + 60_000).toISOString(),
    });
    expect(entries[1]!.lastError).toBeUndefined();
    expect(stub.requests[0]).toMatchObject({
      logGroupName: LOG_GROUP,
      startTime: T0,
      filterPattern: errorLinesOf(['evt-1', 'evt-2']),
    });
  });

  it('follows nextToken and splits many eventIds over several filter patterns, each under the 1,024-character limit', async () => {
    // Act
    const errors = await processorLogErrors(logs, LOG_GROUP)(manyIds, T0);

    // Assess
    expect([...errors.keys()].sort()).toEqual([...manyIds].sort());
    expect(errors.get('evt-many-14')?.message).toBe('failure 14');
    const patterns = new Set(stub.requests.map((r) => r.filterPattern));
    expect(patterns.size).toBe(2);
    for (const pattern of patterns) expect(pattern!.length).toBeLessThanOrEqual(1_024);
    expect(stub.requests.some((r) => r.nextToken)).toBe(true);
  });

  it('says the log group does not exist in the Region instead of failing with the SDK error', async () => {
    // Act
    const error = await processorLogErrors(logs, '/aws/lambda/other')(['evt-1'], T0).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(CliError);
    expect((error as Error).message).toBe(
      "Could not search the processor's log group /aws/lambda/other: it does not exist in this Region (is --region the stack's Region?). Without --errors, list works as before.",
    );
  });
});

describe('dlq list --errors: finding the log group and denied access (SDK mocked)', () => {
  // Mocked only inside this block: mockClient patches every client of the class.
  let cfnMock: ReturnType<typeof mockClient>;
  let logsMock: ReturnType<typeof mockClient>;

  beforeAll(() => {
    cfnMock = mockClient(CloudFormationClient);
    logsMock = mockClient(CloudWatchLogsClient);
  });

  afterAll(() => {
    cfnMock.restore();
    logsMock.restore();
  });

  it("reads the stack's ProcessorLogGroupName output only with --errors, so an older stack still lists without it", async () => {
    // Prepare
    const outputs = [
      { OutputKey: STACK_OUTPUTS.QUEUE_URL, OutputValue: 'https://sqs.eu-west-1.amazonaws.com/1/main' },
      { OutputKey: STACK_OUTPUTS.DEAD_LETTER_QUEUE_URL, OutputValue: 'https://sqs.eu-west-1.amazonaws.com/1/dlq' },
    ];
    cfnMock.on(DescribeStacksCommand).resolves({
      Stacks: [{ StackName: 'S', CreationTime: new Date(), StackStatus: 'CREATE_COMPLETE', Outputs: outputs }],
    });
    const sqs = new SQSClient({ region: 'eu-west-1' });

    // Act
    const plain = await resolveTarget(
      { kind: 'stack', stackName: 'S', region: 'eu-west-1' },
      { cloudFormation: new CloudFormationClient({}), sqs },
    );
    const withErrors = await resolveTarget(
      { kind: 'stack', stackName: 'S', region: 'eu-west-1', errors: true },
      { cloudFormation: new CloudFormationClient({}), sqs },
    ).catch((e: unknown) => e);

    // Assess
    expect(plain.lastErrors).toBeUndefined();
    expect((withErrors as Error).message).toBe(
      "Stack S has no output ProcessorLogGroupName; is it this project's stack?",
    );
    plain.close();
  });

  it('says which permission is missing when FilterLogEvents is denied', async () => {
    // Prepare
    logsMock
      .on(FilterLogEventsCommand)
      .rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));

    // Act
    const error = await processorLogErrors(new CloudWatchLogsClient({ region: 'eu-west-1' }), LOG_GROUP)(
      ['evt-1'],
      T0,
    ).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(CliError);
    expect((error as Error).message).toContain('access denied: your credentials need logs:FilterLogEvents on it');
  });
});
