import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { LocalQuarantineStore } from '../../local/api/quarantine-store.ts';
import { createLocalSqsClient } from '../../local/api/sqs-client.ts';
import { UsageError } from './errors.ts';
import { fetchLocalEndpoints } from './local-pipeline.ts';
import { localQuarantineSource, type QuarantineSource, s3QuarantineSource } from './quarantine-operations.ts';
import { readStackOutputs, STACK_OUTPUTS } from './stack-outputs.ts';

/** How `npm run quarantine` was told to find the quarantine and the main queue. */
export type QuarantineTargetSpec =
  | { kind: 'local'; url: string }
  | { kind: 'stack'; stackName: string; region?: string }
  | { kind: 'explicit'; bucket: string; queueUrl: string; region?: string };

/** The quarantine, the queue a requeue sends to, and the clients to release afterwards. */
export interface QuarantineTarget {
  source: QuarantineSource;
  sqs: SQSClient;
  queueUrl: string;
  close(): void;
}

/**
 * Finds the quarantine and the main queue: a running local pipeline's data folder and emulator
 * (`GET /_local/endpoints`), a deployed stack's `QuarantineBucketName` and `QueueUrl` outputs, or
 * an explicit bucket and queue URL.
 *
 * @example
 * ```ts
 * const target = await resolveQuarantineTarget({ kind: 'stack', stackName: 'SmartcarWebhooks-dev' });
 * try { await target.source.list(); } finally { target.close(); }
 * ```
 */
export async function resolveQuarantineTarget(
  spec: QuarantineTargetSpec,
  clients: { cloudFormation?: CloudFormationClient; s3?: S3Client; sqs?: SQSClient } = {},
): Promise<QuarantineTarget> {
  if (spec.kind === 'local') {
    const endpoints = await fetchLocalEndpoints(spec.url, '--local URL, --stack NAME or --bucket/--queue-url');
    if (!endpoints.quarantineDataDir) {
      throw new UsageError(
        `The local pipeline at ${spec.url} keeps its quarantine in memory (--in-memory): see it in the console (${spec.url}/), or restart it with a data folder`,
      );
    }
    const sqs = clients.sqs ?? createLocalSqsClient(endpoints.sqsEndpoint);
    return {
      source: localQuarantineSource(new LocalQuarantineStore(endpoints.quarantineDataDir)),
      sqs,
      queueUrl: endpoints.queueUrl,
      close: () => sqs.destroy(),
    };
  }
  const region = spec.region ? { region: spec.region } : {};
  let bucket: string;
  let queueUrl: string;
  if (spec.kind === 'stack') {
    const cloudFormation = clients.cloudFormation ?? new CloudFormationClient(region);
    try {
      const outputs = await readStackOutputs(cloudFormation, spec.stackName, [
        STACK_OUTPUTS.QUARANTINE_BUCKET_NAME,
        STACK_OUTPUTS.QUEUE_URL,
      ]);
      bucket = outputs.QuarantineBucketName;
      queueUrl = outputs.QueueUrl;
    } finally {
      if (!clients.cloudFormation) cloudFormation.destroy();
    }
  } else {
    bucket = spec.bucket;
    queueUrl = spec.queueUrl;
  }
  const s3 = clients.s3 ?? new S3Client(region);
  const sqs = clients.sqs ?? new SQSClient(region);
  return {
    source: s3QuarantineSource(s3, bucket),
    sqs,
    queueUrl,
    close: () => {
      if (!clients.s3) s3.destroy();
      if (!clients.sqs) sqs.destroy();
    },
  };
}
