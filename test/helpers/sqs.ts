import { ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { createLocalhostHandler, startFauxqs, type FauxqsServer } from 'fauxqs';

/** A real SQS emulator (fauxqs, in process) with one queue and a client that reaches it. */
export interface TestQueue {
  server: FauxqsServer;
  queueUrl: string;
  sqs: SQSClient;
  /** Receives (and leaves in flight) everything currently in the queue, with all attributes. */
  drain(): Promise<Message[]>;
  stop(): Promise<void>;
}

/**
 * Starts fauxqs on a random port and creates a queue. Queue URLs name the host
 * `sqs.us-east-1.localhost`, which does not resolve here, so the client routes every host to
 * 127.0.0.1 through fauxqs' request handler (no process-wide DNS patch).
 *
 * @example
 * ```ts
 * const queue = await startTestQueue();
 * afterAll(() => queue.stop());
 * ```
 */
export async function startTestQueue(name = 'receiver-test'): Promise<TestQueue> {
  const server = await startFauxqs({ port: 0, logger: false });
  const { queueUrl } = server.createQueue(name);
  const sqs = new SQSClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${server.port}`,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    requestHandler: createLocalhostHandler(),
    maxAttempts: 1,
  });
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
    server,
    queueUrl,
    sqs,
    drain,
    stop: async () => {
      sqs.destroy();
      await server.stop();
    },
  };
}
