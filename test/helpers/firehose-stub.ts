import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { buffer } from 'node:stream/consumers';
import { gunzipSync } from 'node:zlib';
import type { FirehoseClient } from '@aws-sdk/client-firehose';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createArchiveFirehoseClient } from '../../lambda/processor/clients.ts';
import { listenOnLoopback } from './loopback.ts';

/** A running {@link startFirehoseStub}. */
export interface FirehoseStub {
  /** e.g. `http://127.0.0.1:49152`: the Firehose endpoint to give a client. */
  readonly url: string;
  /** Every record accepted, per delivery stream name, in arrival order (the bytes Firehose would deliver). */
  readonly records: Map<string, Buffer[]>;
  /** `PutRecordBatch` requests answered, with the number of records in each. */
  readonly requests: number[];
  /**
   * Decides, per record, whether Firehose fails it: the `ErrorCode` to answer (the record is not
   * stored, `FailedPutCount` counts it), or undefined to store it. Unset: every record is stored.
   */
  reject?: (data: Buffer) => string | undefined;
  close(): Promise<void>;
}

/**
 * A Firehose stand-in on 127.0.0.1 that speaks the JSON 1.1 protocol of `PutRecordBatch`
 * (`X-Amz-Target: Firehose_20150804.PutRecordBatch`, records base64 in `Data`) and stores every
 * record, so the real SDK client and the bundled processor can archive without AWS. It
 * enforces the API's limits (500 records, 4 MiB, 1,000 KiB per record) as AWS does: a
 * `InvalidArgumentException` for the whole request.
 *
 * @example
 * ```ts
 * const firehose = await startFirehoseStub();
 * const client = new FirehoseClient({ endpoint: firehose.url, region: 'us-east-1' });
 * ```
 */
export async function startFirehoseStub(): Promise<FirehoseStub> {
  const records = new Map<string, Buffer[]>();
  const requests: number[] = [];
  const stub: { reject?: FirehoseStub['reject'] } = {};
  const server = createServer((request, response) => {
    void buffer(request).then((body) => {
      const answer = (status: number, payload: unknown, errorType?: string): void => {
        response.writeHead(status, {
          'content-type': 'application/x-amz-json-1.1',
          ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
          'x-amzn-requestid': randomUUID(),
        });
        response.end(JSON.stringify(payload));
      };
      const target = String(request.headers['x-amz-target'] ?? '');
      if (target !== 'Firehose_20150804.PutRecordBatch') {
        return answer(400, { __type: 'UnknownOperationException', message: target }, 'UnknownOperationException');
      }
      const input = JSON.parse(body.toString('utf8')) as {
        DeliveryStreamName: string;
        Records: Array<{ Data: string }>;
      };
      const data = input.Records.map((record) => Buffer.from(record.Data, 'base64'));
      const total = data.reduce((sum, d) => sum + d.length, 0);
      if (data.length > 500 || total > 4 * 1024 * 1024 || data.some((d) => d.length > 1_000 * 1024)) {
        return answer(
          400,
          { __type: 'InvalidArgumentException', message: 'limits exceeded' },
          'InvalidArgumentException',
        );
      }
      requests.push(data.length);
      const errorCodes = data.map((d) => stub.reject?.(d));
      const stored = records.get(input.DeliveryStreamName) ?? [];
      stored.push(...data.filter((_d, i) => errorCodes[i] === undefined));
      records.set(input.DeliveryStreamName, stored);
      answer(200, {
        FailedPutCount: errorCodes.filter((code) => code !== undefined).length,
        Encrypted: true,
        RequestResponses: errorCodes.map((code) =>
          code === undefined ? { RecordId: randomUUID() } : { ErrorCode: code, ErrorMessage: 'rejected by the stub' },
        ),
      });
    });
  });
  const port = await listenOnLoopback(server);
  return Object.assign(stub, {
    url: `http://127.0.0.1:${port}`,
    records,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}

/**
 * The archive lines a list of stored records carries, each with its `\n`: the processor packs a
 * batch's lines into gzipped records, so each record is gunzipped on its own and split into lines.
 *
 * @example
 * ```ts
 * const lines = linesOfRecords(firehose.records.get('archive') ?? []); // ['{"v":1,...}\n', ...]
 * ```
 */
export function linesOfRecords(records: readonly Buffer[]): string[] {
  return records.flatMap((data) => linesOfRecord(data));
}

/** The lines of one stored record (gunzipped), each with its `\n`. */
export function linesOfRecord(data: Buffer): string[] {
  return gunzipSync(data)
    .toString('utf8')
    .split(/(?<=\n)/)
    .filter((line) => line !== '');
}

/** What {@link useFirehoseStub} gives a test file. */
export interface FirehoseStubFixture {
  /** The running stand-in (emptied, and accepting every record again, before each test). */
  stub(): FirehoseStub;
  /** A new processor archive client (the real one, with the processor's settings) pointed at it. */
  client(): FirehoseClient;
}

/**
 * One Firehose stand-in for a test file: started before its tests, stopped after them, and
 * reset before each (no records, no requests, no `reject`).
 *
 * @example
 * ```ts
 * const firehose = useFirehoseStub();
 * const writer = createFirehoseArchiveWriter({ firehose: firehose.client(), deliveryStreamName: 'archive' });
 * ```
 */
export function useFirehoseStub(): FirehoseStubFixture {
  let running: FirehoseStub | undefined;
  beforeAll(async () => {
    running = await startFirehoseStub();
  });
  afterAll(async () => {
    await running?.close();
  });
  const stub = (): FirehoseStub => {
    if (!running) throw new Error('the Firehose stand-in is not running');
    return running;
  };
  beforeEach(() => {
    stub().records.clear();
    stub().requests.length = 0;
    stub().reject = undefined;
  });
  return {
    stub,
    client: () =>
      createArchiveFirehoseClient({
        endpoint: stub().url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      }),
  };
}
