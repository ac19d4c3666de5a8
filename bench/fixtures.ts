import { randomUUID } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { buildVehicleState, signedHeaders } from '../bin/cli/sample-events.ts';
import { ROUTES } from '../lambda/core/constants.ts';
import { toHttpApiEvent } from '../local/http-event.ts';

/** A signed delivery: its raw body and headers as Smartcar sends them. */
export interface SignedDelivery {
  body: string;
  headers: Record<string, string>;
}

/**
 * A realistic signed VEHICLE_STATE of at least `minBytes` (a single signal when that is enough,
 * more signals from the catalogue otherwise), on its own vehicle unless `vehicleId` is given.
 *
 * @example
 * ```ts
 * const { body, headers } = signedVehicleState(amt, 5 * 1024);
 * ```
 */
export function signedVehicleState(amt: string, minBytes: number, vehicleId?: string): SignedDelivery {
  const body = JSON.stringify(buildVehicleState({ signalCount: 1, minBytes, ...(vehicleId ? { vehicleId } : {}) }));
  return { body, headers: signedHeaders(body, amt) };
}

/**
 * The payload-2.0 event the HTTP API hands the receiver for `delivery`, built by the same code
 * as the local HTTP server's (lowercased headers, text body).
 *
 * @example
 * ```ts
 * await receiver(httpApiEvent(signedVehicleState(amt, 512)));
 * ```
 */
export function httpApiEvent(delivery: SignedDelivery): APIGatewayProxyEventV2 {
  const rawHeaders = Object.entries({ ...delivery.headers, host: 'abc123.execute-api.us-east-1.amazonaws.com' }).flat();
  return toHttpApiEvent(
    {
      method: 'POST',
      url: ROUTES.DATA_PATH,
      rawHeaders,
      body: Buffer.from(delivery.body),
      sourceIp: '3.14.15.92',
      httpVersion: '1.1',
    },
    `POST ${ROUTES.DATA_PATH}`,
    'abc123.execute-api.us-east-1.amazonaws.com',
  );
}

/**
 * An SQS client stand-in whose `send` answers at once with a fresh MessageId: the hot-path bench
 * measures the receiver, not the network. It counts the sends so the bench can check them.
 *
 * @example
 * ```ts
 * const sqs = instantSqs();
 * createReceiverHandler({ sqs: sqs.client, ... });
 * sqs.sent(); // SendMessage calls so far
 * ```
 */
export function instantSqs(): { client: SQSClient; sent(): number } {
  let sent = 0;
  const client = {
    send: async () => {
      sent += 1;
      return { MessageId: randomUUID() };
    },
  } as unknown as SQSClient;
  return { client, sent: () => sent };
}
