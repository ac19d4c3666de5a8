import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createLocalSqsClient } from '../../local/api/sqs-client.ts';
import { UsageError } from './errors.ts';
import { fetchLocalEndpoints } from './local-pipeline.ts';
import { type ArchiveSource, folderArchiveSource, s3ArchiveSource } from './replay-source.ts';
import { readStackOutputs, STACK_OUTPUTS } from './stack-outputs.ts';

/**
 * Where the replay reads and sends: a deployed stack, a running local pipeline, or a deployed
 * stack's archive into a running local pipeline (`--stack NAME --into-local URL`).
 */
export type ReplayTargetSpec =
  | { kind: 'stack'; stackName: string; region?: string }
  | { kind: 'local'; url: string }
  | { kind: 'into-local'; stackName: string; region?: string; localUrl: string };

/** A resolved target; `close()` releases its clients. */
export interface ReplayTarget {
  source: ArchiveSource;
  sqs: SQSClient;
  queueUrl: string;
  description: string;
  close(): void;
}

/**
 * Finds the archive and the main queue: the stack's `ArchiveBucketName` and `QueueUrl` outputs,
 * or the local pipeline's `GET /_local/endpoints` (its `archiveDir` and queue).
 *
 * @example
 * ```ts
 * const target = await resolveReplayTarget({ kind: 'stack', stackName: 'SmartcarWebhooks-dev' });
 * try { await runReplay({ ...target, ... }); } finally { target.close(); }
 * ```
 */
export async function resolveReplayTarget(
  spec: ReplayTargetSpec,
  clients: { cloudFormation?: CloudFormationClient; s3?: S3Client; sqs?: SQSClient } = {},
): Promise<ReplayTarget> {
  if (spec.kind === 'into-local') {
    const endpoints = await fetchLocalEndpoints(spec.localUrl, '--into-local URL (a running npm start)');
    const stack = await resolveReplayTarget(
      { kind: 'stack', stackName: spec.stackName, region: spec.region },
      {
        ...clients,
        // The stack's queue is never written to: only its archive bucket is read.
        sqs: createLocalSqsClient(endpoints.sqsEndpoint),
      },
    );
    return {
      source: stack.source,
      sqs: stack.sqs,
      queueUrl: endpoints.queueUrl,
      description: `the local pipeline at ${spec.localUrl}`,
      close: stack.close,
    };
  }
  if (spec.kind === 'local') {
    const endpoints = await fetchLocalEndpoints(spec.url, '--local URL or --stack NAME');
    if (!endpoints.archiveDir)
      throw new UsageError(`The local pipeline at ${spec.url} does not archive (started without an archive folder)`);
    const sqs = clients.sqs ?? createLocalSqsClient(endpoints.sqsEndpoint);
    return {
      source: folderArchiveSource(endpoints.archiveDir),
      sqs,
      queueUrl: endpoints.queueUrl,
      description: `local pipeline at ${spec.url}`,
      close: () => sqs.destroy(),
    };
  }
  const region = spec.region ? { region: spec.region } : {};
  const cloudFormation = clients.cloudFormation ?? new CloudFormationClient(region);
  let outputs: Record<'QueueUrl' | 'ArchiveBucketName', string>;
  try {
    outputs = await readStackOutputs(cloudFormation, spec.stackName, [
      STACK_OUTPUTS.QUEUE_URL,
      STACK_OUTPUTS.ARCHIVE_BUCKET_NAME,
    ]);
  } catch (error) {
    if (error instanceof UsageError && error.message.includes(STACK_OUTPUTS.ARCHIVE_BUCKET_NAME)) {
      throw new UsageError(`Stack ${spec.stackName} has no archive (deployed with -c archive=false?)`, {
        cause: error,
      });
    }
    throw error;
  } finally {
    if (!clients.cloudFormation) cloudFormation.destroy();
  }
  const s3 = clients.s3 ?? new S3Client(region);
  const sqs = clients.sqs ?? new SQSClient(region);
  return {
    source: s3ArchiveSource(s3, outputs.ArchiveBucketName),
    sqs,
    queueUrl: outputs.QueueUrl,
    description: `stack ${spec.stackName}`,
    close: () => {
      s3.destroy();
      sqs.destroy();
    },
  };
}
