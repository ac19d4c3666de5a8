import { setTimeout as sleep } from 'node:timers/promises';
import {
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DlqTarget, redriveDlq } from '../../bin/cli/dlq-operations.ts';
import { MESSAGE_ATTRIBUTE } from '../../lambda/core/constants.ts';
import { createLocalSqsClient } from '../../local/api/sqs-client.ts';
import { createPipelineQueues } from '../../local/sqs.ts';
import { startSqsEmulator } from '../../local/sqs-emulator.ts';
import type { LocalQueues, SqsEmulator } from '../../local/types.ts';

/**
 * Issue #19.6, "DLQ walk": a filtered redrive walks the whole DLQ. On a large DLQ the walk lasts
 * longer than the time a received message stays hidden; messages received early then reappear
 * while the walk goes on. The walk must still end only at the DLQ's end, redrive every matching
 * message exactly once, and delete each with a receipt handle that is still valid.
 *
 * The emulator answers in microseconds where AWS answers in tens of milliseconds, so the walker's
 * client is slowed to AWS-like receive latency: 3,000 messages then take over 30 s to walk.
 */

const MESSAGES = 3_000;
const MATCHING_EVERY = 3; // every third message is a VEHICLE_ERROR: 1,000 to redrive
const RECEIVE_LATENCY_MS = 110;

let emulator: SqsEmulator;
let sqs: SQSClient;
let slowSqs: SQSClient;
let queues: LocalQueues;

/** A client whose every ReceiveMessage answer arrives `latencyMs` late, as over a WAN to AWS. */
function withReceiveLatency(client: SQSClient, latencyMs: number): SQSClient {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'ReceiveMessageCommand') await sleep(latencyMs);
      return result;
    },
    { step: 'initialize', name: 'receiveLatency' },
  );
  return client;
}

function deadLetter(i: number): SendMessageBatchRequestEntry {
  const eventType = i % MATCHING_EVERY === 0 ? 'VEHICLE_ERROR' : 'VEHICLE_STATE';
  const eventId = `evt-${String(i).padStart(5, '0')}`;
  return {
    Id: String(i % 10),
    MessageBody: JSON.stringify({ eventId, eventType, data: {} }),
    MessageAttributes: {
      [MESSAGE_ATTRIBUTE.EVENT_ID]: { DataType: 'String', StringValue: eventId },
      [MESSAGE_ATTRIBUTE.EVENT_TYPE]: { DataType: 'String', StringValue: eventType },
    },
  };
}

/** Every message visible in a queue, received once and left hidden. */
async function drainEventIds(queueUrl: string): Promise<string[]> {
  const ids: string[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 600 }),
    );
    if (Messages.length === 0) return ids.sort();
    ids.push(...Messages.map((m: Message) => JSON.parse(m.Body!).eventId as string));
  }
}

beforeAll(async () => {
  emulator = await startSqsEmulator();
  sqs = createLocalSqsClient(emulator.endpoint);
  slowSqs = withReceiveLatency(createLocalSqsClient(emulator.endpoint), RECEIVE_LATENCY_MS);
  queues = await createPipelineQueues(sqs, { visibilityTimeoutSeconds: 30 });
  for (let i = 0; i < MESSAGES; i += 10) {
    const entries = Array.from({ length: 10 }, (_v, j) => deadLetter(i + j));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: queues.deadLetterQueueUrl, Entries: entries }));
  }
});

afterAll(async () => {
  sqs?.destroy();
  slowSqs?.destroy();
  await emulator?.close();
});

describe('a filtered redrive of a large DLQ (issue #19.6)', () => {
  it('redrives exactly the matching messages once each, though the walk outlasts the hold, and leaves the rest visible in the DLQ', async () => {
    // Prepare
    const target: DlqTarget = {
      sqs: slowSqs,
      queueUrl: queues.queueUrl,
      deadLetterQueueUrl: queues.deadLetterQueueUrl,
      supportsMoveTask: false,
    };
    const ids = Array.from({ length: MESSAGES }, (_v, i) => JSON.parse(deadLetter(i).MessageBody!).eventId as string);
    const matching = ids.filter((_id, i) => i % MATCHING_EVERY === 0);
    const others = ids.filter((_id, i) => i % MATCHING_EVERY !== 0);
    const started = Date.now();

    // Act: holds of 10 s, so the walk (over 30 s) has to extend them.
    const result = await redriveDlq(target, { eventType: 'VEHICLE_ERROR' }, { holdSeconds: 10 });
    const walkMs = Date.now() - started;

    // Assess
    expect(walkMs).toBeGreaterThan(30_000);
    expect(result).toEqual({ mode: 'manual', moved: matching.length, kept: others.length });
    expect(await drainEventIds(queues.queueUrl)).toEqual(matching);
    expect(await drainEventIds(queues.deadLetterQueueUrl)).toEqual(others);
  }, 180_000);
});
