import { setTimeout as sleep } from 'node:timers/promises';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLocalSqsClient, queueDepth } from '../../local/api/sqs-client.ts';
import { createPoller, type SqsBatchHandler } from '../../local/poller.ts';
import { createPipelineQueues } from '../../local/sqs.ts';
import { startSqsEmulator } from '../../local/sqs-emulator.ts';
import type { LocalQueues, SqsEmulator } from '../../local/types.ts';

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** Polls `check` every 50 ms until it is true (bounded). */
async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
}

describe('Lambda-like SQS poller on the real emulator', () => {
  let emulator: SqsEmulator;
  let sqs: SQSClient;
  let queues: LocalQueues;
  let counter = 0;

  beforeAll(async () => {
    emulator = await startSqsEmulator();
    sqs = createLocalSqsClient(emulator.endpoint);
  });

  beforeEach(async () => {
    counter += 1;
    queues = await createPipelineQueues(sqs, {
      visibilityTimeoutSeconds: 1,
      queueName: `poller-${counter}`,
      deadLetterQueueName: `poller-${counter}-dlq`,
    });
  });

  afterAll(async () => {
    sqs?.destroy();
    await emulator?.close();
  });

  function poller(handler: SqsBatchHandler, timeoutSeconds = 5) {
    return createPoller({
      sqs,
      queueUrl: queues.queueUrl,
      queueArn: queues.queueArn,
      handler,
      logger: silent,
      waitTimeSeconds: 1,
      timeoutSeconds,
    });
  }

  it("hands the handler SQS records in Lambda's shape", async () => {
    // Prepare
    const events: SQSEvent[] = [];
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queues.queueUrl,
        MessageBody: '{"eventId":"e-1"}',
        MessageAttributes: {
          eventId: { DataType: 'String', StringValue: 'e-1' },
          receivedAt: { DataType: 'Number', StringValue: '42' },
        },
      }),
    );
    const p = poller(async (event) => {
      events.push(event);
    });

    // Act
    p.start();
    await eventually(() => events.length > 0);
    await p.stop();

    // Assess
    const record = events[0]!.Records[0]!;
    expect(record).toMatchObject({
      body: '{"eventId":"e-1"}',
      eventSource: 'aws:sqs',
      eventSourceARN: queues.queueArn,
      awsRegion: 'us-east-1',
      attributes: { ApproximateReceiveCount: '1' },
      messageAttributes: {
        eventId: { stringValue: 'e-1', dataType: 'String', stringListValues: [], binaryListValues: [] },
        receivedAt: { stringValue: '42', dataType: 'Number' },
      },
    });
    expect(record.md5OfBody).toMatch(/^[0-9a-f]{32}$/);
    expect(record.receiptHandle).not.toBe('');
  });

  it('deletes only the records not in batchItemFailures; the failed one comes back with a higher receive count', async () => {
    // Prepare
    const receives: Record<string, string[]> = {};
    for (const body of ['ok-1', 'bad', 'ok-2'])
      await sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: body }));
    const p = poller(async (event): Promise<SQSBatchResponse> => {
      for (const r of event.Records) {
        const counts = receives[r.body] ?? [];
        counts.push(r.attributes.ApproximateReceiveCount);
        receives[r.body] = counts;
      }
      return {
        batchItemFailures: event.Records.filter((r) => r.body === 'bad').map((r) => ({ itemIdentifier: r.messageId })),
      };
    });

    // Act
    p.start();
    await eventually(async () => (await queueDepth(sqs, queues.deadLetterQueueUrl)) === 1);
    await p.stop();

    // Assess
    expect(receives['ok-1']).toEqual(['1']);
    expect(receives['ok-2']).toEqual(['1']);
    expect(receives.bad).toEqual(['1', '2', '3']);
    expect(await queueDepth(sqs, queues.queueUrl)).toBe(0);
  });

  it('fails the whole batch when the handler throws or names an unknown item, as Lambda does', async () => {
    // Prepare
    let calls = 0;
    await sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: 'x' }));
    const p = poller(async () => {
      calls += 1;
      if (calls === 1) throw new Error('crash');
      if (calls === 2) return { batchItemFailures: [{ itemIdentifier: 'not-in-batch' }] };
      return { batchItemFailures: [] };
    });

    // Act
    p.start();
    await eventually(async () => calls >= 3 && (await queueDepth(sqs, queues.queueUrl)) === 0);
    await p.stop();

    // Assess
    expect(calls).toBe(3);
    expect(await queueDepth(sqs, queues.deadLetterQueueUrl)).toBe(0);
  });

  it('keeps polling through an emulator outage and delivers what was queued once it is back', async () => {
    // Prepare
    const bodies: string[] = [];
    const p = poller(async (event) => {
      for (const r of event.Records) bodies.push(r.body);
    });
    p.start();
    await emulator.stop();
    await sleep(300);

    // Act
    await emulator.start();
    await sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: 'after-outage' }));
    await eventually(() => bodies.includes('after-outage'));

    // Assess
    expect(p.running).toBe(true);
    await p.stop();
    expect(p.running).toBe(false);
  });
});
