/**
 * The emulator host: runs the SQS emulator (fauxqs) and the DynamoDB emulator (dynalite) in a
 * worker thread, so their CPU (dynalite's above all) does not delay the HTTP intake on the
 * main thread. In AWS the queue and the table are not on the receiver's compute either.
 * Started by `startEmulatorHost()` through `worker-entry.mjs`; see `types.ts` for the protocol.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type LocalDynamo, startDynamo } from '../dynamo.ts';
import { startSqsEmulator } from '../sqs-emulator.ts';
import type { SqsEmulator } from '../types.ts';
import type { EmulatorHostData, HostCommand, HostMessage } from './types.ts';

if (!parentPort) throw new Error('The emulator host runs as a worker thread; use startEmulatorHost()');
const port = parentPort;
const data = workerData as EmulatorHostData;

const [sqs, dynamo] = await Promise.all([
  startSqsEmulator({ host: data.host }),
  startDynamo({ host: data.host, ...(data.dynamoPath ? { path: data.dynamoPath } : {}) }),
]);
const emulators: Record<'sqs' | 'dynamo', SqsEmulator | LocalDynamo> = { sqs, dynamo };

async function run(command: HostCommand): Promise<void> {
  if (command.op === 'close') {
    await Promise.all([sqs.close(), dynamo.close()]);
    return;
  }
  await emulators[command.emulator][command.op]();
}

port.on('message', (command: HostCommand) => {
  run(command).then(
    () => post({ type: 'reply', id: command.id }),
    (error: unknown) =>
      post({ type: 'reply', id: command.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
post({
  type: 'ready',
  sqs: { endpoint: sqs.endpoint, port: sqs.port },
  dynamo: { endpoint: dynamo.endpoint, port: dynamo.port },
});

function post(message: HostMessage): void {
  port.postMessage(message);
}
