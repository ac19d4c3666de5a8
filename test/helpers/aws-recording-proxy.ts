import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { buffer } from 'node:stream/consumers';
import { listenOnLoopback } from './loopback.ts';

/** One AWS API request a caller made, as IAM authorizes it. */
export interface AwsCall {
  /** Who called: the function whose role signs the request. */
  function: string;
  /** The caller within that role when it is not the function's code, e.g. `event-source-mapping`. */
  via?: string;
  /** IAM action, e.g. `sqs:SendMessage` (batch operations are authorized as their single action). */
  action: string;
  /** ARN of the resource the request names. */
  resource: string;
}

/** A JSON-protocol request body, as the proxy decoded it. */
export type AwsJsonInput = Record<string, unknown>;

/** Options of {@link startRecordingProxy}. */
export interface RecordingProxyOptions {
  /** Recorded as {@link AwsCall.function}. */
  caller: string;
  /** Recorded as {@link AwsCall.via}. */
  via?: string;
  /** Origin the requests are forwarded to, e.g. the emulator's `http://127.0.0.1:4566`. */
  upstream: string;
  /** Where each request is appended. */
  calls: AwsCall[];
  /** ARN of the resource a service names `identifier` (queue URL, table name, secret id); undefined if unknown. */
  arnOf(service: AwsService, identifier: string): string | undefined;
  /** Rewrites the decoded request before it is forwarded (e.g. a queue URL as the upstream spells it). */
  mapInput?(service: AwsService, input: AwsJsonInput): AwsJsonInput;
  /**
   * `'s3'`: the upstream speaks S3's REST protocol (path-style, as the SDK addresses a loopback IP
   * endpoint), so each request is described by its method and `/bucket/key` path instead.
   * @default - the JSON protocols, by `X-Amz-Target`
   */
  rest?: 's3';
}

/** A running {@link startRecordingProxy}. */
export interface RecordingProxy {
  /** e.g. `http://127.0.0.1:49152`: the endpoint to give the caller. */
  readonly endpoint: string;
  close(): Promise<void>;
}

/** The services the rehearsal's functions call, by their `X-Amz-Target` prefix. */
const SERVICE_BY_TARGET_PREFIX = {
  AmazonSQS: 'sqs',
  DynamoDB_20120810: 'dynamodb',
  secretsmanager: 'secretsmanager',
  Firehose_20150804: 'firehose',
} as const;

/** An IAM service prefix the proxy understands. */
export type AwsService = (typeof SERVICE_BY_TARGET_PREFIX)[keyof typeof SERVICE_BY_TARGET_PREFIX] | 's3';

/** The IAM action of an object-level S3 REST request, by HTTP method. */
const S3_OBJECT_ACTION_BY_METHOD: Readonly<Record<string, string>> = {
  PUT: 's3:PutObject',
  GET: 's3:GetObject',
  HEAD: 's3:GetObject',
  DELETE: 's3:DeleteObject',
};

/**
 * The IAM action and the `bucket/key` of one path-style S3 object request; bucket-level requests
 * (no key) are `s3:ListBucket` on the bucket.
 *
 * @example
 * ```ts
 * describeS3Request('PUT', '/archive/quarantine/not_utf8/2026/12/01/08/abc');
 * // { service: 's3', action: 's3:PutObject', identifiers: ['archive/quarantine/not_utf8/2026/12/01/08/abc'] }
 * ```
 */
export function describeS3Request(
  method: string,
  url: string,
): { service: AwsService; action: string; identifiers: string[] } {
  const path = decodeURIComponent(new URL(url, 'http://s3.local').pathname.slice(1));
  const slash = path.indexOf('/');
  if (slash < 0 || slash === path.length - 1)
    return { service: 's3', action: 's3:ListBucket', identifiers: [path.replace(/\/$/, '')] };
  return { service: 's3', action: S3_OBJECT_ACTION_BY_METHOD[method] ?? `s3:${method}`, identifiers: [path] };
}

/** Operations IAM authorizes under another action's name (SQS batch APIs have no action of their own). */
const IAM_ACTION_OF_OPERATION: Readonly<Record<string, string>> = {
  'sqs:SendMessageBatch': 'sqs:SendMessage',
  'sqs:DeleteMessageBatch': 'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibilityBatch': 'sqs:ChangeMessageVisibility',
};

/**
 * The IAM action and the resource identifiers of one JSON-protocol request, from its
 * `X-Amz-Target` header (`AmazonSQS.SendMessage`, `DynamoDB_20120810.PutItem`,
 * `secretsmanager.GetSecretValue`, `Firehose_20150804.PutRecordBatch`) and the body's `QueueUrl`,
 * `TableName` (or the tables of a batch), `SecretId` or `DeliveryStreamName`. Undefined for a target outside {@link AwsService}.
 *
 * @example
 * ```ts
 * describeAwsRequest('AmazonSQS.DeleteMessageBatch', { QueueUrl: url });
 * // { service: 'sqs', action: 'sqs:DeleteMessage', identifiers: [url] }
 * ```
 */
export function describeAwsRequest(
  target: string,
  input: AwsJsonInput,
): { service: AwsService; action: string; identifiers: string[] } | undefined {
  const dot = target.lastIndexOf('.');
  const service = SERVICE_BY_TARGET_PREFIX[target.slice(0, dot) as keyof typeof SERVICE_BY_TARGET_PREFIX];
  if (!service) return undefined;
  const operation = `${service}:${target.slice(dot + 1)}`;
  const action = IAM_ACTION_OF_OPERATION[operation] ?? operation;
  const named = {
    sqs: input.QueueUrl,
    dynamodb: input.TableName,
    secretsmanager: input.SecretId,
    firehose: input.DeliveryStreamName,
  }[service];
  const identifiers =
    typeof named === 'string'
      ? [named]
      : Object.keys((input.RequestItems as Record<string, unknown> | undefined) ?? {});
  return { service, action, identifiers };
}

/**
 * An HTTP proxy on 127.0.0.1 in front of one AWS emulator that records every request as an
 * {@link AwsCall} (who, which IAM action, which resource ARN) before forwarding it unchanged
 * (apart from `mapInput`). Give each caller its own proxy, so the record says who called.
 * When the caller gives up on a request (a timeout), the forwarded request is dropped too.
 *
 * @example
 * ```ts
 * const calls: AwsCall[] = [];
 * const proxy = await startRecordingProxy({ caller: 'receiver', upstream: sqs.endpoint, calls, arnOf });
 * // AWS_ENDPOINT_URL_SQS=proxy.endpoint in the receiver's environment
 * ```
 */
export async function startRecordingProxy(options: RecordingProxyOptions): Promise<RecordingProxy> {
  const upstream = new URL(options.upstream);
  const forward = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    let body = await buffer(request);
    const target = String(request.headers['x-amz-target'] ?? '');
    const described =
      options.rest === 's3'
        ? { request: describeS3Request(request.method ?? 'GET', request.url ?? '/'), input: undefined }
        : body.length > 0
          ? tryDescribe(target, body)
          : undefined;
    if (described) {
      for (const identifier of described.request.identifiers.length ? described.request.identifiers : ['']) {
        options.calls.push({
          function: options.caller,
          ...(options.via ? { via: options.via } : {}),
          action: described.request.action,
          resource:
            options.arnOf(described.request.service, identifier) ??
            `unknown:${described.request.service}:${identifier}`,
        });
      }
      if (options.mapInput && described.input) {
        body = Buffer.from(JSON.stringify(options.mapInput(described.request.service, described.input)));
      }
    } else {
      options.calls.push({ function: options.caller, action: `unrecognized:${target || request.url}`, resource: '' });
    }
    const forwarded = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.url,
        headers: { ...request.headers, host: upstream.host, 'content-length': String(body.length) },
      },
      (upstreamResponse) => {
        response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
        upstreamResponse.pipe(response);
      },
    );
    forwarded.on('error', () => {
      if (!response.headersSent) response.writeHead(502);
      response.end();
    });
    // The caller timed out or went away: so does the forwarded request.
    response.on('close', () => forwarded.destroy());
    forwarded.end(body);
  };
  const server = createServer((request, response) => {
    forward(request, response).catch(() => response.destroy());
  });
  const port = await listenOnLoopback(server);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function tryDescribe(
  target: string,
  body: Buffer,
): { request: NonNullable<ReturnType<typeof describeAwsRequest>>; input: AwsJsonInput } | undefined {
  let input: AwsJsonInput;
  try {
    input = JSON.parse(body.toString('utf8')) as AwsJsonInput;
  } catch {
    return undefined;
  }
  const request = describeAwsRequest(target, input);
  return request ? { request, input } : undefined;
}
