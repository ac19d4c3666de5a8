import { createServer, type Server } from 'node:http';
import { PurgeQueueCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseNdjson } from '../../bin/cli/ndjson.ts';
import { buildVehicleState } from '../../bin/cli/sample-events.ts';
import { MESSAGE_ATTRIBUTE } from '../../lambda/core/constants.ts';
import { LOCAL_PATHS, LOCAL_REGION } from '../../local/api/constants.ts';
import { createLocalSqsClient, queueDepth } from '../../local/api/sqs-client.ts';
import type { LocalDeliveryStatus, LocalEndpoints } from '../../local/api/types.ts';
import { createPipelineQueues } from '../../local/sqs.ts';
import { startSqsEmulator } from '../../local/sqs-emulator.ts';
import type { LocalQueues, SqsEmulator } from '../../local/types.ts';
import { runTs } from '../e2e/support.ts';
import { listenOnLoopback } from '../helpers/loopback.ts';

/**
 * `npm run dlq` in a child process, as a user runs it, against the local pipeline's public
 * contract (local/api): a real SQS emulator behind `/_local/endpoints`, and a
 * `/_local/deliveries/{eventId}` that knows the last error of one event.
 */

const FAILED_ID = 'evt-failed-1';
const LAST_ERROR = { name: 'TypeError', message: "Cannot read properties of undefined (reading 'value')" };

describe('npm run dlq against a local pipeline', () => {
  let emulator: SqsEmulator;
  let sqs: SQSClient;
  let queues: LocalQueues;
  let api: Server;
  let apiUrl: string;
  let apiPort: number;

  beforeAll(async () => {
    emulator = await startSqsEmulator();
    sqs = createLocalSqsClient(emulator.endpoint);
    queues = await createPipelineQueues(sqs, { visibilityTimeoutSeconds: 30 });
    api = createServer((request, response) => {
      const endpoints: LocalEndpoints = {
        url: apiUrl,
        webhookUrl: `${apiUrl}/webhooks/smartcar`,
        errorCallbackUrl: `${apiUrl}/webhooks/smartcar/errors`,
        sqsEndpoint: emulator.endpoint,
        dynamoEndpoint: 'http://127.0.0.1:1',
        region: LOCAL_REGION,
        ...queues,
      };
      const failed: LocalDeliveryStatus = {
        eventId: FAILED_ID,
        status: 'EXPIRED',
        attempts: [{ at: '2026-01-01T00:00:01.000Z', error: LAST_ERROR }],
        lastError: LAST_ERROR,
      };
      const body =
        request.url === LOCAL_PATHS.ENDPOINTS
          ? endpoints
          : request.url === `${LOCAL_PATHS.DELIVERIES}/${FAILED_ID}`
            ? failed
            : undefined;
      response.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body ?? { error: 'not_found' }));
    });
    apiPort = await listenOnLoopback(api);
    apiUrl = `http://127.0.0.1:${apiPort}`;
  });

  beforeEach(async () => {
    await sqs.send(new PurgeQueueCommand({ QueueUrl: queues.deadLetterQueueUrl }));
    await sqs.send(new PurgeQueueCommand({ QueueUrl: queues.queueUrl }));
  });

  afterAll(async () => {
    api?.closeAllConnections();
    await new Promise((resolve) => api?.close(resolve));
    sqs?.destroy();
    await emulator?.close();
  });

  async function putInDlq(eventId: string): Promise<void> {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queues.deadLetterQueueUrl,
        MessageBody: JSON.stringify(buildVehicleState({ eventId, vehicleId: 'veh-1' })),
        MessageAttributes: { [MESSAGE_ATTRIBUTE.EVENT_ID]: { DataType: 'String', StringValue: eventId } },
      }),
    );
  }

  it('lists each message with the last error the pipeline knows, "-" where it knows none, found through PORT', async () => {
    // Prepare
    await putInDlq(FAILED_ID);
    await putInDlq('evt-unknown-2');

    // Act
    const table = await runTs('bin/dlq.ts', ['list'], { env: { PORT: String(apiPort) } });
    const json = await runTs('bin/dlq.ts', ['list', '--json', '--local', apiUrl]);

    // Assess
    expect(table.stderr).toBe('');
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(`local pipeline at ${apiUrl}: 2 message(s) in the DLQ`);
    expect(table.stdout).toMatch(/LAST ERROR\n/);
    const rows = table.stdout.split('\n');
    expect(rows.find((r) => r.includes(FAILED_ID))).toMatch(
      /TypeError: Cannot read properties of undefined \(reading 'value'\)$/,
    );
    expect(rows.find((r) => r.includes('evt-unknown-2'))).toMatch(/ -$/);
    const lines = parseNdjson(json.stdout);
    expect(lines.at(-1)).toMatchObject({ type: 'summary', command: 'list', count: 2 });
    const entries = lines.filter((l) => l.type === 'message') as unknown as Array<{
      eventId: string;
      lastError?: unknown;
    }>;
    expect(entries.find((e) => e.eventId === FAILED_ID)?.lastError).toEqual(LAST_ERROR);
    expect(entries.find((e) => e.eventId === 'evt-unknown-2')).not.toHaveProperty('lastError');
  });

  it('says so (exit 1) when a redrive filter matches nothing, and moves nothing', async () => {
    // Prepare
    await putInDlq(FAILED_ID);

    // Act
    const run = await runTs('bin/dlq.ts', ['redrive', '--event-id', 'no-such-event', '--local', apiUrl]);

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      'No DLQ message matches --event-id no-such-event: nothing moved; 1 message(s) left in the DLQ (npm run dlq -- list shows them).\n',
    );
    expect(await queueDepth(sqs, queues.deadLetterQueueUrl)).toBe(1);
    expect(await queueDepth(sqs, queues.queueUrl)).toBe(0);
  });

  it.each([
    [['list', '--local', 'localhost:3000'], '--local must be an http:// or https:// URL, got "localhost:3000"'],
    [
      ['list', '--queue-url', 'https://sqs/main', '--dlq-url', 'nope'],
      '--dlq-url must be an http:// or https:// URL, got "nope"',
    ],
    [
      ['list', '--queue-url', 'https://sqs/main', '--dlq-url', 'https://sqs/dlq', '--errors'],
      '--errors with --queue-url/--dlq-url needs --log-group NAME',
    ],
    [['redrive', '--errors'], '--errors only applies to list'],
  ])('exits 2 with the usage for %j before contacting anything', async (args, message) => {
    // Act
    const run = await runTs('bin/dlq.ts', args);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('Usage: npm run dlq');
  });

  it('says the pipeline is not running at the address PORT names', async () => {
    // Prepare: a port nothing listens on
    const closed = createServer();
    const port = await listenOnLoopback(closed);
    await new Promise((resolve) => closed.close(resolve));

    // Act
    const run = await runTs('bin/dlq.ts', ['list'], { env: { PORT: String(port) } });

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`No local pipeline answers at http://127.0.0.1:${port}: start it with npm start`);
  });
});
