import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalSqsClient, queueDepth } from '../../local/api/sqs-client.ts';
import { LOCAL_DEFAULTS } from '../../local/constants.ts';
import { createLocalDynamoClient, createProcessorTables } from '../../local/dynamo.ts';
import { startEmulatorHost } from '../../local/emulator-host/start-emulator-host.ts';
import type { EmulatorHost } from '../../local/emulator-host/types.ts';
import { createPipelineQueues } from '../../local/sqs.ts';
import { ROOT } from './support.ts';

const TABLES = {
  idempotencyTableName: LOCAL_DEFAULTS.idempotencyTableName,
  vehicleStateTableName: LOCAL_DEFAULTS.vehicleStateTableName,
};

/** Resolves true when nothing accepts connections on `port` (loopback). */
function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/** Factory: an idempotency record the tests write and read back. */
function idempotencyItem(id: string) {
  return { TableName: TABLES.idempotencyTableName, Item: { id: { S: id }, status: { S: 'COMPLETED' } } };
}

async function readItem(host: EmulatorHost, id: string): Promise<string | undefined> {
  const client = createLocalDynamoClient(host.dynamo.endpoint);
  try {
    const { Item } = await client.send(
      new GetItemCommand({ TableName: TABLES.idempotencyTableName, Key: { id: { S: id } } }),
    );
    return Item?.status?.S;
  } finally {
    client.destroy();
  }
}

describe('emulator host: SQS and DynamoDB emulators in a worker thread', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'emulator-host-'));

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('takes both emulators down and back on the same ports with messages and items kept', async () => {
    // Prepare
    const host = await startEmulatorHost();
    const sqs = createLocalSqsClient(host.sqs.endpoint);
    const dynamo = createLocalDynamoClient(host.dynamo.endpoint);
    try {
      const queues = await createPipelineQueues(sqs, { visibilityTimeoutSeconds: 30 });
      await createProcessorTables(dynamo, TABLES);
      await sqs.send(new SendMessageCommand({ QueueUrl: queues.queueUrl, MessageBody: '{"eventId":"kept"}' }));
      await dynamo.send(new PutItemCommand(idempotencyItem('kept')));

      // Act
      await Promise.all([host.sqs.stop(), host.dynamo.stop()]);
      const whileDown = {
        running: [host.sqs.running, host.dynamo.running],
        refused: [await refusesConnections(host.sqs.port), await refusesConnections(host.dynamo.port)],
      };
      await Promise.all([host.sqs.start(), host.dynamo.start()]);

      // Assess
      expect(whileDown).toEqual({ running: [false, false], refused: [true, true] });
      expect([host.sqs.running, host.dynamo.running]).toEqual([true, true]);
      expect(await queueDepth(sqs, queues.queueUrl)).toBe(1);
      expect(await readItem(host, 'kept')).toBe('COMPLETED');
    } finally {
      sqs.destroy();
      dynamo.destroy();
      await host.close();
    }
  });

  it('keeps DynamoDB data on disk across hosts, and a closed host listens nowhere', async () => {
    // Prepare
    const first = await startEmulatorHost({ dynamoPath: dataDir });
    const dynamo = createLocalDynamoClient(first.dynamo.endpoint);
    await createProcessorTables(dynamo, TABLES);
    await dynamo.send(new PutItemCommand(idempotencyItem('persisted')));
    dynamo.destroy();

    // Act
    await first.close();
    await first.close();
    const closedPorts = [await refusesConnections(first.sqs.port), await refusesConnections(first.dynamo.port)];
    const second = await startEmulatorHost({ dynamoPath: dataDir });
    let status: string | undefined;
    try {
      status = await readItem(second, 'persisted');
    } finally {
      await second.close();
    }

    // Assess
    expect(closedPorts).toEqual([true, true]);
    expect(status).toBe('COMPLETED');
  });

  it('leaves no emulator behind when the process that started it is killed', async () => {
    // Prepare: a process that starts a host and reports its ports, as `npm start` would
    const script = [
      "import { startEmulatorHost } from './local/emulator-host/start-emulator-host.ts';",
      'const host = await startEmulatorHost();',
      'process.stdout.write(JSON.stringify([host.sqs.port, host.dynamo.port]) + "\\n");',
    ].join('\n');
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], { cwd: ROOT });
    const ports = await new Promise<number[]>((resolve, reject) => {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('\n')) resolve(JSON.parse(output) as number[]);
      });
      child.once('exit', (code) => reject(new Error(`the child exited with ${code} before reporting its ports`)));
    });
    const listeningBefore = await Promise.all(ports.map(async (port) => !(await refusesConnections(port))));

    // Act: no stop(), no cleanup: the process just dies
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    // Assess
    expect(listeningBefore).toEqual([true, true]);
    expect(await Promise.all(ports.map((port) => refusesConnections(port)))).toEqual([true, true]);
  });
});
