import {
  CreateQueueCommand,
  type Message,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createLocalSqsClient } from '../../local/api/sqs-client.ts';
import { startSqsEmulator } from '../../local/sqs-emulator.ts';

/** A real SQS emulator (fauxqs, in process, loopback only) with one queue and a client that reaches it. */
export interface TestQueue {
  queueUrl: string;
  sqs: SQSClient;
  /** Receives (and leaves in flight) everything currently in the queue, with all attributes. */
  drain(): Promise<Message[]>;
  /** Empties the queue, in flight messages included. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the local pipeline's SQS emulator on a random loopback port and creates a queue. The
 * client is the local pipeline's (every queue-URL host goes to 127.0.0.1) with no retries, so a
 * failure shows at once.
 *
 * @example
 * ```ts
 * const queue = await startTestQueue();
 * afterAll(() => queue.stop());
 * ```
 */
export async function startTestQueue(name = 'receiver-test'): Promise<TestQueue> {
  const emulator = await startSqsEmulator();
  const sqs = createLocalSqsClient(emulator.endpoint, { maxAttempts: 1 });
  const { QueueUrl: queueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  if (!queueUrl) throw new Error(`CreateQueue ${name} returned no QueueUrl`);
  const drain = async (): Promise<Message[]> => {
    const messages: Message[] = [];
    for (;;) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          VisibilityTimeout: 60,
          MessageAttributeNames: ['All'],
        }),
      );
      if (Messages.length === 0) return messages;
      messages.push(...Messages);
    }
  };
  return {
    queueUrl,
    sqs,
    drain,
    reset: async () => {
      await sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
    },
    stop: async () => {
      sqs.destroy();
      await emulator.close();
    },
  };
}

/**
 * One test queue for the calling test file: started before its tests, emptied before each, and
 * stopped after them.
 *
 * @example
 * ```ts
 * const testQueue = useTestQueue('bad-inputs');
 * it('...', async () => { const { sqs, queueUrl } = testQueue(); });
 * ```
 */
export function useTestQueue(name?: string): () => TestQueue {
  let queue: TestQueue | undefined;
  beforeAll(async () => {
    queue = await startTestQueue(name);
  });
  beforeEach(async () => {
    await queue?.reset();
  });
  afterAll(async () => {
    await queue?.stop();
  });
  return () => {
    if (!queue) throw new Error('useTestQueue: the queue is not started yet (call it at the top of the file)');
    return queue;
  };
}
