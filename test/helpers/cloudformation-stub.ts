import { createServer } from 'node:http';
import { listenOnLoopback } from './loopback.ts';
import { xmlEscape } from './s3-stub.ts';

/** A running {@link startCloudFormationStub}. */
export interface CloudFormationStub {
  /** e.g. `http://127.0.0.1:49153`: the endpoint to give a client (`AWS_ENDPOINT_URL_CLOUDFORMATION`). */
  readonly url: string;
  /** The outputs of each stack by name: what `DescribeStacks` returns. */
  readonly stacks: Map<string, Record<string, string>>;
  close(): Promise<void>;
}

/**
 * A CloudFormation stand-in on 127.0.0.1 that answers the one call the CLIs make to find a
 * stack's outputs, `DescribeStacks`, in the AWS query protocol the real SDK client speaks (form
 * body in, XML out). An unknown stack is the `ValidationError` CloudFormation answers.
 *
 * @example
 * ```ts
 * const cfn = await startCloudFormationStub();
 * cfn.stacks.set('SmartcarWebhooks-prod', { ArchiveBucketName: 'archive', QueueUrl: '...' });
 * // child process env: AWS_ENDPOINT_URL_CLOUDFORMATION=cfn.url
 * ```
 */
export async function startCloudFormationStub(): Promise<CloudFormationStub> {
  const stacks = new Map<string, Record<string, string>>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const name = form.get('StackName') ?? '';
      const outputs = stacks.get(name);
      response.setHeader('content-type', 'text/xml');
      if (form.get('Action') !== 'DescribeStacks' || !outputs) {
        response.statusCode = 400;
        response.end(
          `<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id ${xmlEscape(name)} does not exist</Message></Error><RequestId>stub</RequestId></ErrorResponse>`,
        );
        return;
      }
      const members = Object.entries(outputs)
        .map(
          ([key, value]) =>
            `<member><OutputKey>${xmlEscape(key)}</OutputKey><OutputValue>${xmlEscape(value)}</OutputValue></member>`,
        )
        .join('');
      response.end(
        `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member>` +
          `<StackName>${xmlEscape(name)}</StackName><StackId>arn:aws:cloudformation:us-east-1:123456789012:stack/${xmlEscape(name)}/stub</StackId>` +
          `<CreationTime>2026-12-01T00:00:00Z</CreationTime><StackStatus>UPDATE_COMPLETE</StackStatus><Outputs>${members}</Outputs>` +
          `</member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>stub</RequestId></ResponseMetadata></DescribeStacksResponse>`,
      );
    });
  });
  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}`,
    stacks,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
