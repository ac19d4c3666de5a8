import { once } from 'node:events';
import { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import { TABLE_SCHEMA } from '../lambda/core/constants.ts';
import type { SdkClientConnection } from '../lambda/core/sdk-client.ts';
import { EMULATOR_CREDENTIALS, LOCAL_REGION } from './api/constants.ts';
import { guardEmulator } from './loopback-guard.ts';

/** A running DynamoDB emulator; `stop()`/`start()` take it down and back with its tables intact. */
export interface LocalDynamo {
  /** e.g. `http://127.0.0.1:49152`; stays the same across stop/start. */
  readonly endpoint: string;
  readonly port: number;
  /** A client for this emulator (dummy credentials, us-east-1). */
  readonly client: DynamoDBClient;
  readonly running: boolean;
  /** Stops listening (callers get connection errors); data and port are kept for `start()`. */
  stop(): Promise<void>;
  /** Listens again on the same port, with the same data. */
  start(): Promise<void>;
  /** Stops for good and destroys the client. */
  close(): Promise<void>;
}

/** Options of {@link startDynamo}. */
export interface StartDynamoOptions {
  /** @default 0 (a free port) */
  port?: number;
  /** @default '127.0.0.1' (never all interfaces: the emulator has no authentication) */
  host?: string;
  /** Keep data on disk in this directory (LevelDB); in memory when omitted. */
  path?: string;
}

/** Table names of the processor, as the stack passes them in the environment. */
export interface ProcessorTableNames {
  idempotencyTableName: string;
  vehicleStateTableName: string;
}

/**
 * Starts dynalite in the calling thread, on loopback. Tables become ACTIVE at once (`createTableMs: 0`).
 * Requests from a browser page or under a foreign `Host` get 403 (`guardEmulator`).
 *
 * @example
 * ```ts
 * const dynamo = await startDynamo();
 * await createProcessorTables(dynamo.client, { idempotencyTableName: 'idem', vehicleStateTableName: 'state' });
 * await dynamo.close();
 * ```
 */
export async function startDynamo(options: StartDynamoOptions = {}): Promise<LocalDynamo> {
  const host = options.host ?? '127.0.0.1';
  // Loaded on first use, so a thread that only needs the client and tables here skips it.
  const { default: dynalite } = await import('dynalite');
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path ? { path: options.path } : {}),
  });
  // `once` rejects if the server emits 'error' (EADDRINUSE) before 'listening'.
  const listen = async (port: number): Promise<void> => {
    await once(server.listen(port, host), 'listening');
  };
  // dynalite's own `server.close` also closes (and, in memory, empties) its database, so an
  // outage is simulated with Node's plain close, which only stops listening.
  const stopListening = async (): Promise<void> => {
    if (!server.listening) return;
    const closed = new Promise<void>((resolve) => Server.prototype.close.call(server, () => resolve()));
    // Keep-alive sockets would hold `close` open (and keep serving) until they idle out.
    server.closeAllConnections();
    await closed;
  };
  await listen(options.port ?? 0);
  // dynalite answers every origin with `Access-Control-Allow-Origin: *`: drop that, and refuse
  // browser pages and foreign Hosts outright.
  guardEmulator(server);
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const client = createLocalDynamoClient(endpoint);
  return {
    endpoint,
    port,
    client,
    get running() {
      return server.listening;
    },
    stop: stopListening,
    start: async () => {
      if (!server.listening) await listen(port);
    },
    close: async () => {
      client.destroy();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Where a client reaches a local DynamoDB emulator (dummy credentials, the local region).
 *
 * @example
 * ```ts
 * const dynamodb = createProcessorDynamoClient(localDynamoConnection(dynamo.endpoint)); // the Lambda's settings
 * ```
 */
export function localDynamoConnection(endpoint: string): SdkClientConnection {
  return { endpoint, region: LOCAL_REGION, credentials: EMULATOR_CREDENTIALS };
}

/**
 * A DynamoDB client for a local emulator, wherever it runs (this thread or the emulator host),
 * for setting up and inspecting tables. The processor's client is built by the processor's
 * `createProcessorDynamoClient`.
 *
 * @example
 * ```ts
 * const client = createLocalDynamoClient('http://127.0.0.1:49152');
 * await createProcessorTables(client, { idempotencyTableName: 'idem', vehicleStateTableName: 'state' });
 * ```
 */
export function createLocalDynamoClient(endpoint: string, config: DynamoDBClientConfig = {}): DynamoDBClient {
  return new DynamoDBClient({ ...config, ...localDynamoConnection(endpoint) });
}

/**
 * Creates the processor's tables from `TABLE_SCHEMA` (on-demand billing), skipping any that
 * already exist (a persistent `path`). TTL is not configured: dynalite has no UpdateTimeToLive,
 * and nothing local lives long enough to need it.
 *
 * @example
 * ```ts
 * await createProcessorTables(dynamo.client, { idempotencyTableName: 'idem', vehicleStateTableName: 'state' });
 * ```
 */
export async function createProcessorTables(client: DynamoDBClient, names: ProcessorTableNames): Promise<void> {
  const idempotency = TABLE_SCHEMA.IDEMPOTENCY;
  const state = TABLE_SCHEMA.VEHICLE_STATE;
  await Promise.all([
    createTable(client, names.idempotencyTableName, [{ name: idempotency.partitionKey, type: 'HASH' }]),
    createTable(client, names.vehicleStateTableName, [
      { name: state.partitionKey, type: 'HASH' },
      { name: state.sortKey, type: 'RANGE' },
    ]),
  ]);
}

async function createTable(
  client: DynamoDBClient,
  tableName: string,
  keys: ReadonlyArray<{ name: string; type: 'HASH' | 'RANGE' }>,
): Promise<void> {
  const KeySchema: KeySchemaElement[] = keys.map((key) => ({ AttributeName: key.name, KeyType: key.type }));
  const AttributeDefinitions: AttributeDefinition[] = keys.map((key) => ({
    AttributeName: key.name,
    AttributeType: 'S',
  }));
  try {
    await client.send(
      new CreateTableCommand({ TableName: tableName, KeySchema, AttributeDefinitions, BillingMode: 'PAY_PER_REQUEST' }),
    );
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
  }
  for (let i = 0; i < 200; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await sleep(10);
  }
  throw new Error(`Table ${tableName} did not become ACTIVE`);
}
